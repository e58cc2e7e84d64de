"""The staff calendar feeds' secrets (their hashes), written with their audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from regulars.booking.items import CalendarFeed
from regulars.store.base import Tx
from regulars.store.items import AuditEntry

KEPT_KEYS = 20  # how many rotations' Idempotency-Keys a feed remembers


@dataclass(frozen=True)
class Feed:
    salon_id: str
    staff_id: str
    secret_hash: str
    key_hash: str | None
    used_keys: list[str]
    created_at: datetime
    created_by: str


def _feed(item: CalendarFeed) -> Feed:
    return Feed(
        salon_id=item.salon_id,
        staff_id=item.staff_id,
        secret_hash=item.secret_hash,
        key_hash=item.key_hash,
        used_keys=list(item.used_keys or []),
        created_at=item.created_at,
        created_by=item.created_by,
    )


def find(salon_id: str, staff_id: str) -> Feed | None:
    item = CalendarFeed.find(salon_id=salon_id, staff_id=staff_id, consistent=True)
    return _feed(item) if item else None


def replace(feed: Feed, trail: AuditEntry) -> None:
    """Write ``feed`` over whatever feed the staff member had, with its audit entry, in one transaction."""
    tx = Tx()
    tx.put(
        CalendarFeed(
            salon_id=feed.salon_id,
            staff_id=feed.staff_id,
            secret_hash=feed.secret_hash,
            key_hash=feed.key_hash,
            used_keys=feed.used_keys[-KEPT_KEYS:],
            created_at=feed.created_at,
            created_by=feed.created_by,
        ),
        label="feed",
    )
    tx.put(trail, AuditEntry.pk.does_not_exist(), label="audit")
    tx.commit()


def delete(salon_id: str, staff_id: str, trail: AuditEntry) -> bool:
    """Delete the staff member's feed with its audit entry; False when there was none."""
    if find(salon_id, staff_id) is None:
        return False
    tx = Tx()
    tx.delete(CalendarFeed(salon_id=salon_id, staff_id=staff_id), label="feed")
    tx.put(trail, AuditEntry.pk.does_not_exist(), label="audit")
    tx.commit()
    return True
