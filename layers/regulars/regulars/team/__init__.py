"""The salon's team: users of the admin console, their roles, and what each role may do."""
