"""What text from outside may contain. Text a client or a caller typed ends up in messages the salon
pays for and in screens its staff read: control characters and direction overrides (which make a
text read differently from what it is) never get in, and a person's name is a name, not a link."""

from __future__ import annotations

import re
import unicodedata

_ALLOWED_FORMAT = frozenset("\u200c\u200d")  # zero-width (non-)joiners: parts of emoji and of some scripts
_ALLOWED_CONTROL = frozenset("\n\t")
_NAME_MARKS = frozenset(" '-.\u2019\u02bc")  # space, apostrophes, hyphen, dot
_DOMAIN = re.compile(r"[^\W\d_]{2,}\.[^\W\d_]{2,}")  # letters.letters: how a link's host looks
NAME_MAX = 80


def unsafe_character(text: str) -> str | None:
    """The first control or invisible formatting character of ``text`` (newlines and tabs aside)."""
    for char in text:
        category = unicodedata.category(char)
        if (category == "Cc" and char not in _ALLOWED_CONTROL) or (
            category == "Cf" and char not in _ALLOWED_FORMAT
        ):
            return char
        if category in ("Cs", "Co", "Cn"):
            return char
    return None


def plain(text: str) -> str:
    """``text`` unchanged if it holds no control or direction characters; ValueError naming one."""
    char = unsafe_character(text)
    if char is not None:
        raise ValueError(f"must not contain control or formatting characters (found U+{ord(char):04X})")
    return text


def person_name(text: str) -> str:
    """A person's name as typed, spaces collapsed; ValueError for anything that is not one."""
    name = " ".join(plain(text).split())
    if not name:
        raise ValueError("a name is required")
    if len(name) > NAME_MAX:
        raise ValueError(f"at most {NAME_MAX} characters")
    if any(not (unicodedata.category(c)[0] in "LM" or c in _NAME_MARKS) for c in name):
        raise ValueError("a name has letters, spaces, apostrophes, hyphens and dots only")
    if not any(unicodedata.category(c)[0] == "L" for c in name):
        raise ValueError("a name has letters")
    if _DOMAIN.search(name):
        raise ValueError("a name, not a web address")
    return name
