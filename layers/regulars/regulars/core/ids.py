"""Identifiers: short, URL-safe, sortable by creation time (48-bit milliseconds + 60 random bits,
Crockford base32). The time and the random source are parameters so tests can fix both."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime

_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def _b32(value: int, length: int) -> str:
    out = []
    for _ in range(length):
        out.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(out))


def new_id(now: datetime, randbits: Callable[[int], int] = secrets.randbits) -> str:
    """A 22-character id: 10 characters of time, 12 of randomness."""
    ms = int(now.timestamp() * 1000) & ((1 << 50) - 1)
    return _b32(ms, 10) + _b32(randbits(60), 12)
