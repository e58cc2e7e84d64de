"""Short codes: pure rules, no I/O.

A code is 8 characters of base62 (47.6 bits) taken from a keyed hash (HMAC-SHA256) of the link it
stands for: the same link always gets the same code, so a message rendered again (a retry, a
fallback to another channel) reuses it, and without the key nobody can compute one or walk the
space (one live code among 2**47.6 per guess). When two links meet on one code (about one pair in
2**47.6), the next ``attempt`` derives another one.
"""

from __future__ import annotations

import hashlib
import hmac
import re

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
LENGTH = 8
ATTEMPTS = 4  # codes tried for one link before giving up (each a collision with another live link)
PATH = "/s/"
CODE = re.compile(rf"[0-9A-Za-z]{{{LENGTH}}}")


def code_for(target: str, key: bytes, attempt: int = 0) -> str:
    """The ``attempt``-th code for ``target`` under ``key``."""
    digest = hmac.new(key, f"short-link:{attempt}:{target}".encode(), hashlib.sha256).digest()
    value = int.from_bytes(digest[:8], "big")
    out = []
    for _ in range(LENGTH):
        value, digit = divmod(value, len(ALPHABET))
        out.append(ALPHABET[digit])
    return "".join(out)


def is_code(text: str) -> bool:
    return bool(CODE.fullmatch(text))


def short_url(base: str, code: str) -> str:
    return f"{base.rstrip('/')}{PATH}{code}"
