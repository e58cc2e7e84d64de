"""Altering a signed link's token the way a forger would, so that it surely differs."""

from __future__ import annotations


def altered(part: str) -> str:
    """``part`` (base64url) with a character in its middle changed. The last character of base64
    carries unused bits: changing it may decode to the same bytes, which would prove nothing."""
    middle = len(part) // 2
    return part[:middle] + ("A" if part[middle] != "A" else "B") + part[middle + 1 :]
