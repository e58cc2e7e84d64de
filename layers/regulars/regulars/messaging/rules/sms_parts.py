"""How an SMS text is encoded, how many billed parts it takes, and whether SNS accepts it.

A text goes as GSM-7 when every character is in the GSM 03.38 basic set or its extension table,
otherwise as UCS-2 (all Cyrillic, most accented Latin letters outside the basic set, emoji).

Units:

- GSM-7 counts septets: one per basic character, two per extension character (an escape and the
  character: ``€ [ ] { } \\ ^ ~ |`` and form feed).
- UCS-2 counts UTF-16 code units: one per character in the Basic Multilingual Plane, two for a
  character outside it (a surrogate pair, e.g. most emoji).

A single message holds 160 septets or 70 units. A longer text is split into parts of 153 septets
or 67 units (the rest of each part carries the concatenation header). A part never splits an
escape sequence or a surrogate pair: such a pair that would straddle a boundary starts the next
part, which is how handsets and carriers split and bill. For texts without extension characters
or surrogate pairs this is exactly ``ceil(n / 153)`` or ``ceil(n / 67)`` parts.

An empty text is 0 parts: SNS refuses an empty message, so nothing can be sent or billed, and
:func:`sms_fits` is false for it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67
SNS_MAX_BYTES = 1600  # one SNS Publish, measured as UTF-8 bytes of the message


@dataclass(frozen=True)
class SmsInfo:
    encoding: Encoding
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int
    utf8_bytes: int
    fits: bool


def is_gsm7(char: str) -> bool:
    return char in GSM7_BASIC or char in GSM7_EXTENSION


def sms_encoding(text: str) -> Encoding:
    """GSM-7 when every character has a GSM 03.38 code (basic or extension), else UCS-2."""
    return "GSM-7" if all(is_gsm7(c) for c in text) else "UCS-2"


def _unit_sizes(text: str, encoding: Encoding) -> list[int]:
    if encoding == "GSM-7":
        return [2 if c in GSM7_EXTENSION else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def sms_units(text: str) -> int:
    """Septets (GSM-7) or UTF-16 code units (UCS-2) the text takes."""
    return sum(_unit_sizes(text, sms_encoding(text)))


def sms_parts(text: str) -> list[str]:
    """The text cut as it travels: one part if it fits a single message, else parts of at most
    153 septets or 67 units, never splitting an escape sequence or a surrogate pair."""
    if not text:
        return []
    encoding = sms_encoding(text)
    sizes = _unit_sizes(text, encoding)
    single, per_part = (GSM7_SINGLE, GSM7_PART) if encoding == "GSM-7" else (UCS2_SINGLE, UCS2_PART)
    if sum(sizes) <= single:
        return [text]
    parts: list[str] = []
    start, used = 0, 0
    for i, size in enumerate(sizes):
        if used + size > per_part:
            parts.append(text[start:i])
            start, used = i, 0
        used += size
    parts.append(text[start:])
    return parts


def sms_segments(text: str) -> int:
    """The number of billed parts; 0 for an empty text (see the module's notes)."""
    return len(sms_parts(text))


def sms_fits(text: str) -> bool:
    """Whether one SNS Publish accepts the text: not empty and at most 1,600 bytes in UTF-8
    (bytes, not characters: the stricter reading, so a Cyrillic text holds 800 letters)."""
    return 0 < len(text.encode("utf-8")) <= SNS_MAX_BYTES


def sms_info(text: str) -> SmsInfo:
    encoding = sms_encoding(text)
    return SmsInfo(
        encoding=encoding,
        units=sum(_unit_sizes(text, encoding)),
        segments=sms_segments(text),
        utf8_bytes=len(text.encode("utf-8")),
        fits=sms_fits(text),
    )


_GSM_LOOKALIKES = {
    "\u00a0": " ",
    "\u2007": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u200b": "",
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2212": "-",
    "\u2026": "...",
    "\u00b4": "'",
    "`": "'",
}


def fold_to_gsm(text: str) -> str:
    """The text with characters that merely look like GSM-7 ones replaced by them (no-break and
    thin spaces, typographic quotes and dashes, accented Latin letters the basic set lacks:
    ``sáb`` -> ``sab``), so that a Latin-script text is not sent as UCS-2 for one character.
    Characters with no GSM-7 look-alike (Cyrillic, emoji, ...) are kept, so a text that needs
    UCS-2 is left as readable as it was."""
    out = []
    for char in text:
        if is_gsm7(char):
            out.append(char)
            continue
        if char in _GSM_LOOKALIKES:
            out.append(_GSM_LOOKALIKES[char])
            continue
        base = unicodedata.normalize("NFD", char)[0]
        out.append(base if base != char and base.isascii() and base.isalpha() else char)
    return "".join(out)


def sms_text(text: str) -> str:
    """The text as it goes by SMS: folded to GSM-7 (:func:`fold_to_gsm`) when that makes all of it
    GSM-7 in no more parts, so a Latin-script text travels at 160 characters a part whatever a name or
    a salon's text holds (``María`` -> ``Maria``, a typographic apostrophe -> ``'``); otherwise as it
    is (a text that needs UCS-2 anyway, Cyrillic, an emoji, keeps every character)."""
    folded = fold_to_gsm(text)
    if folded != text and sms_encoding(folded) == "GSM-7" and sms_segments(folded) <= sms_segments(text):
        return folded
    return text
