"""The front desk across features: the client card (the client, their visits, the messages to them)
and a message written by the salon to a client."""
