"""Clients: their visit statistics and (later) lifecycle."""
