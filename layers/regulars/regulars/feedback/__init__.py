"""Feedback and tips after a visit, and what an answer leads to."""
