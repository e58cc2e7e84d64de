"""Short links in messages: every link to the client's pages (manage, feedback, booking, referral,
invitations, offers) goes out as ``{base}/s/{code}``, at most 30 characters with a short base, and the
public API answers ``GET /s/{code}`` with a redirect to the link.

* A code is a keyed hash of its link (:mod:`regulars.messaging.shortlinks.codes`): the same link gets
  the same code, so a message rendered again, a retried plan or a fallback to another channel reuses
  it, and writing it twice is once.
* It lives as long as its link: a signed link's own expiry (the token's), else
  :data:`UNSIGNED_LIFETIME` from the last message that carried it (a booking page does not expire).
* The base is ``SHORT_LINK_BASE_URL``, else ``PUBLIC_BASE_URL``.
* Resolving answers the link, ``Gone`` (410) for an expired code, ``NotFound`` (404) for an unknown
  one; unknown codes are counted per address (keyed hash), ``TooManyRequests`` past
  :data:`MISSES_PER_ADDRESS_HOUR`, so nobody walks the code space from one address.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Collection, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from regulars.core import links
from regulars.core.config import link_keys, manage_link_secret, settings
from regulars.core.errors import Gone, NotFound, TooManyRequests
from regulars.messaging.shortlinks import codes
from regulars.messaging.shortlinks import repo as store

UNSIGNED_LIFETIME = timedelta(days=365)
MISSES_PER_ADDRESS_HOUR = 30
LINK_SUFFIX = "_link"  # a message value named so is a link the client opens: it goes out short
UNTIL_SUFFIX = "_until"  # ``offer_link_until``: until when the link ``offer_link`` works (ISO 8601)


class ShortLinkUnavailable(RuntimeError):
    """Every code for a link stands for another live link (never seen in practice: 2**-47 a pair)."""


def _is_ours(url: str) -> bool:
    """A link to this deployment's pages (never someone else's, never a short link already)."""
    base = settings().public_base_url.rstrip("/") + "/"
    return url.startswith(base) and not url.startswith(settings().short_links_at.rstrip("/") + codes.PATH)


def shorten(url: str, *, now: datetime, valid_until: datetime | None = None) -> str:
    """``url`` as its short link (created, or found again). It lives until ``valid_until`` when given
    (a link whose page knows its own end, an offer's hold), else its signed token's expiry, else
    :data:`UNSIGNED_LIFETIME`. A URL that is not to this deployment's pages is returned as it is."""
    if not _is_ours(url):
        return url
    valid_until = valid_until or links.expiry_of(url, link_keys()) or now + UNSIGNED_LIFETIME
    key = manage_link_secret()
    for attempt in range(codes.ATTEMPTS):
        code = codes.code_for(url, key, attempt)
        if store.claim(code, url, valid_until, now):
            return codes.short_url(settings().short_links_at, code)
    raise ShortLinkUnavailable(f"no free short code for a link after {codes.ATTEMPTS} attempts")


def shorten_values(
    values: Mapping[str, Any],
    *,
    now: datetime,
    used: Collection[str],
    until: Mapping[str, datetime] | None = None,
) -> dict[str, Any]:
    """``values`` with every link value (a name ending in ``_link``) that a text ``used`` shortened (a
    link no text shows costs no code), each living until ``until[name]`` where given."""
    return {
        name: shorten(value, now=now, valid_until=(until or {}).get(name))
        if name.endswith(LINK_SUFFIX) and name in used and isinstance(value, str)
        else value
        for name, value in values.items()
    }


def lifetimes(values: Mapping[str, Any]) -> dict[str, datetime]:
    """The lives a message's values give their links: ``{name}_until`` (ISO 8601) for the link ``{name}``."""
    out = {}
    for name, value in values.items():
        if name.endswith(LINK_SUFFIX + UNTIL_SUFFIX) and isinstance(value, str):
            out[name.removesuffix(UNTIL_SUFFIX)] = datetime.fromisoformat(value)
    return out


def _miss_subject(address: str) -> str:
    return hmac.new(manage_link_secret(), f"short-miss:{address}".encode(), hashlib.sha256).hexdigest()[:24]


def _count_miss(address: str, now: datetime) -> None:
    start = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    ends = start + timedelta(hours=1)
    if not store.count_miss(
        _miss_subject(address), start.strftime("%Y-%m-%dT%H"), ends, MISSES_PER_ADDRESS_HOUR
    ):
        raise TooManyRequests(
            "too many unknown links from this address: try again later",
            code="rate_limited",
            retry_after=max(1, int((ends - now).total_seconds()) + 1),
        )


def resolve(code: str, *, address: str, now: datetime) -> str:
    """The link ``code`` stands for. NotFound for a code that is not one of ours (counted against
    ``address``), Gone for one whose link has expired."""
    found = store.find(code) if codes.is_code(code) else None
    if found is None:
        _count_miss(address, now)
        raise NotFound(
            "this link is not known: check that the whole link was copied", code="short_link_unknown"
        )
    if found.valid_until <= now:
        raise Gone(
            "this link has expired: the salon's latest message has a new one", code="short_link_expired"
        )
    return found.target
