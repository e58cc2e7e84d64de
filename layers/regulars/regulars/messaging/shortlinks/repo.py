"""The short links' table: one item per code (``SHORT#{code}`` / ``LINK``), written under a condition
so that a code is never taken from the live link it stands for; misses per address and hour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.exceptions import PutError

from regulars.messaging.shortlinks.items import ShortLink, ShortLinkMisses
from regulars.store.base import condition_failed

KEPT_AFTER = timedelta(days=30)  # an expired code answers "expired" this long, then "unknown"


@dataclass(frozen=True)
class Link:
    code: str
    target: str
    valid_until: datetime


def claim(code: str, target: str, valid_until: datetime, now: datetime) -> bool:
    """Make ``code`` stand for ``target`` until ``valid_until``: True when it does now (new, the same
    target again with its life extended to the later of the two, or a code whose link expired long
    ago), False when the code stands for another live link."""
    item = ShortLink(
        code=code, target=target, valid_until=valid_until, created_at=now, expires=valid_until + KEPT_AFTER
    )
    free = (
        ShortLink.pk.does_not_exist()
        | ((ShortLink.target == target) & (ShortLink.valid_until <= valid_until))
        | (ShortLink.expires < now)
    )
    try:
        item.save(condition=free)
        return True
    except PutError as exc:
        if not condition_failed(exc):
            raise
    found = find(code, consistent=True)
    return found is not None and found.target == target  # the same link, already living longer


def find(code: str, *, consistent: bool = False) -> Link | None:
    item = ShortLink.find(code=code, consistent=consistent)
    return Link(item.code, item.target, item.valid_until) if item else None


def count_miss(subject: str, window: str, ends: datetime, most: int) -> bool:
    """Count one unknown code from ``subject`` in ``window``; False when it was at ``most`` already."""
    item = ShortLinkMisses(subject=subject, window=window)
    return item.update_if(
        [ShortLinkMisses.misses.add(1), ShortLinkMisses.expires.set(ends + timedelta(hours=1))],
        ShortLinkMisses.misses.does_not_exist() | (ShortLinkMisses.misses < most),
    )
