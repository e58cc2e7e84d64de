"""The outbox: messages planned once, dispatched on a channel, sent at most once per route."""
