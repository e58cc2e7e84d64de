"""The clients routes of the admin API: the client card, and a client's data rights."""
