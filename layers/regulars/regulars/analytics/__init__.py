"""Retention analytics: figures kept as events happen, a nightly snapshot, and a report that says
what each figure means."""
