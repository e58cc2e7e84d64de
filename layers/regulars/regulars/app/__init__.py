"""HTTP: Powertools resolvers and routers. Routes parse, call a use case and map the result."""
