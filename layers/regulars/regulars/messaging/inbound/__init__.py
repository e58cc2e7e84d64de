"""What comes back from the providers: replies, buttons, opt-outs, statuses, Telegram links."""
