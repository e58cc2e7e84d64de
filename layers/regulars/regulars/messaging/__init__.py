"""Messaging: pure rules, the channels, the outbox and what comes back from the providers."""
