"""The field types requests share (names, plain text, ids, e-mails, locales, phones, tags: each bounded, none holding control characters), and what a PATCH sets."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    Field,
    StringConstraints,
)

from regulars.core import text

Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), AfterValidator(text.plain)
]


PersonName = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(text.person_name)]


PlainText = Annotated[str, AfterValidator(text.plain)]


Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    AfterValidator(text.plain),
]


Locale = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")]


MAX_SETTINGS_BYTES = 128 * 1024


Ref = Annotated[str, StringConstraints(min_length=1, max_length=64)]  # an id the caller names (looked up)


Phone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40)]


def _https(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.hostname or "." not in parts.hostname:
        raise ValueError("must be an https:// address, e.g. https://example.com/logo.png")
    return value


# A web address the client pages show or load (a logo, a photo, a privacy policy): https only, bounded
HttpsUrl = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=12, max_length=500, pattern=r"^https://[^\s<>\"'`\\]+$"
    ),
    AfterValidator(_https),
]


BrandColor = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")]


# Words the salon writes for its clients (an address, a description, a category, a title): plain text, bounded
Address = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300), AfterValidator(text.plain)
]
Description = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000), AfterValidator(text.plain)
]
Label = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80), AfterValidator(text.plain)
]


Tag = Annotated[str, StringConstraints(min_length=1, max_length=40)]


Tags = Annotated[list[Tag], Field(max_length=20)]


# --------------------------------------------------------------------------- admin
def patch_changes(patch: BaseModel, clearable: frozenset[str] = frozenset()) -> dict:
    """The fields a PATCH sets. ``null`` clears a field that may be empty (an e-mail, notes) and
    leaves any other field as it is."""
    return {k: v for k, v in patch.model_dump(exclude_unset=True).items() if v is not None or k in clearable}
