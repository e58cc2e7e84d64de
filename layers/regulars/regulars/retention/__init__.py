"""Retention: what keeps clients coming back (feedback and tips so far)."""
