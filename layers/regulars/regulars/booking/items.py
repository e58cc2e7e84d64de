"""Appointments, the slot locks that keep visits from overlapping, and the public surface's counters and codes."""

from __future__ import annotations

from datetime import date
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)

from regulars.store.base import Entity

APPOINTMENTS = "APPT#"  # a staff member's or a client's visits, in time order
BLOCKS = "BLOCK#"  # the salon's blocked time, in time order


class Appointment(Entity, discriminator="Appointment"):
    __keys__ = {
        "pk": "SALON#{salon_id}",
        "sk": APPOINTMENTS + "{appointment_id}",
        "gsi1pk": "SALON#{salon_id}#STAFF#{staff_id}",
        "gsi1sk": APPOINTMENTS + "{start}",
        "gsi2pk": "SALON#{salon_id}#CLIENT#{client_id}",
        "gsi2sk": APPOINTMENTS + "{start}",
    }

    salon_id = UnicodeAttribute()
    appointment_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    client_name = UnicodeAttribute(null=True)  # as it was when booked: the day book shows it without a read
    staff_id = UnicodeAttribute()
    service_id = UnicodeAttribute()
    start = UTCDateTimeAttribute()
    end = UTCDateTimeAttribute()
    status = UnicodeAttribute()
    price_amount = NumberAttribute()
    currency = UnicodeAttribute()
    paid_amount = NumberAttribute(null=True)
    bonus_amount = NumberAttribute(null=True)
    refunded_at = UTCDateTimeAttribute(null=True)
    source = UnicodeAttribute()
    late_cancellation = BooleanAttribute(default=False)
    cancel_reason = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    # [{"at": iso, "action": "booked|moved|confirmed|cancelled|completed|no_show", "by": "...", ...}]
    history = JSONAttribute(default=list)
    # a visit of several services: [{"service_id", "staff_id", "start", "end", "price"}], in order
    segments = JSONAttribute(null=True)
    version = VersionAttribute()


class VisitPart(Entity, discriminator="VisitPart"):
    """Where a visit of several services shows in the book of a staff member other than its first
    one: their span of it, indexed by its start beside their own visits, naming the visit (which
    holds everything else). Written and moved in the visit's own transactions; no personal data."""

    __keys__ = {
        "pk": "SALON#{salon_id}",
        "sk": "VISITPART#{appointment_id}#{staff_id}",
        "gsi1pk": "SALON#{salon_id}#STAFF#{staff_id}",
        "gsi1sk": APPOINTMENTS + "{start}",
    }

    salon_id = UnicodeAttribute()
    appointment_id = UnicodeAttribute()
    staff_id = UnicodeAttribute()
    start = UTCDateTimeAttribute()
    end = UTCDateTimeAttribute()


class DayLock(Entity, discriminator="DayLock"):
    """One per staff member and UTC day: the 5-minute cells visits and blocks of time hold that day,
    one attribute per cell taken (named by the cell's index in the day, two base-36 digits: ``00`` is
    00:00 UTC, ``1k`` 04:20, ``7z`` 23:55), valued with its holder's 4-character tag. Written only by
    updates of single cells in the holders' own transactions (:mod:`regulars.booking.locks_repo`),
    never whole; expires by TTL a day after its day. A visit over midnight UTC touches two.

    Its key fields are not stored (the key says them), which keeps a busy day under 1 KB."""

    DAY = "DAY#"
    cells: dict[str, str]  # set by ``of``: what ``serialize`` adds to the item (a put of it whole)
    __keys__ = {"pk": "SALON#{salon_id}#LOCK#{staff_id}", "sk": DAY + "{day}"}

    @classmethod
    def of(cls, salon_id: str, staff_id: str, day: date, cells: dict[str, str] | None = None) -> DayLock:
        """The item's key (for an update); with ``cells`` (name -> tag), a whole item to put (a bulk
        load of a new table, as the demo's)."""
        item = cls(
            pk=cls.render_key("pk", salon_id=salon_id, staff_id=staff_id),
            sk=cls.render_key("sk", day=day.isoformat()),
        )
        item.cells = dict(cells or {})
        return item

    def serialize(self, null_check: bool = True) -> dict[str, dict[str, Any]]:
        out = super().serialize(null_check)
        out.update({name: {"S": holder} for name, holder in getattr(self, "cells", {}).items()})
        return out

    @staticmethod
    def is_cell(name: str) -> bool:
        return len(name) == 2 and all(c in "0123456789abcdefghijklmnopqrstuvwxyz" for c in name)


class SlotLock(Entity, discriminator="SlotLock"):
    """The lock of one staff member's 5-minute cell as releases before day items wrote it (one item
    per cell, ``appointment_id`` its holder). Nothing writes or reads it now but the upgrade
    (:mod:`regulars.booking.locks_upgrade_repo`), which moves those of future visits into day items;
    the rest expire by TTL. Shares its partition with the staff member's day items."""

    __keys__ = {"pk": "SALON#{salon_id}#LOCK#{staff_id}", "sk": "{minute}"}

    salon_id = UnicodeAttribute()
    staff_id = UnicodeAttribute()
    minute = UTCDateTimeAttribute()
    appointment_id = UnicodeAttribute()


class StaffBlock(Entity, discriminator="StaffBlock"):
    """Time a staff member is not bookable (a meeting, training, time off). Holds its time with its
    cells in the staff member's day items, as a visit does; ``held`` turns true in the transaction
    that takes the last of them. Indexed by start for the salon's calendar."""

    __keys__ = {
        "pk": "SALON#{salon_id}",
        "sk": "BLOCK#{block_id}",
        "gsi1pk": "SALON#{salon_id}#BLOCKS",
        "gsi1sk": BLOCKS + "{start}",
    }

    salon_id = UnicodeAttribute()
    block_id = UnicodeAttribute()
    staff_id = UnicodeAttribute()
    start = UTCDateTimeAttribute()
    end = UTCDateTimeAttribute()
    kind = UnicodeAttribute()
    note = UnicodeAttribute(null=True)
    held = BooleanAttribute(default=False)
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class RateCount(Entity, discriminator="RateCount"):
    """How many times a subject (an address, a phone, the salon itself: hashed, never stored as
    given) did one limited thing in one window. Moved with ADD under the condition that the count
    is below the limit, so concurrent callers cannot pass it together; gone by TTL after the window."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "RATE#{limit}#{window}#{subject}"}

    salon_id = UnicodeAttribute()
    limit = UnicodeAttribute()  # the setting's name: bookings_per_address_hour, ...
    window = UnicodeAttribute()  # the window's start, UTC (2026-11-23T10 for an hour, 2026-11-23 for a day)
    subject = UnicodeAttribute()
    # the stored name: it shadows Model.count (a query's count), which no code calls on this entity
    count = NumberAttribute(default=0)  # type: ignore[assignment]


class PhoneCheck(Entity, discriminator="PhoneCheck"):
    """A one-time code sent to a phone to prove that whoever books holds it: the phone and the code
    kept as keyed hashes, wrong answers counted up to a limit, used once, gone by TTL after it expires."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "PHONECHECK#{check_id}"}

    salon_id = UnicodeAttribute()
    check_id = UnicodeAttribute()
    phone_hash = UnicodeAttribute()  # keyed: the answer names the phone again, and nothing here is personal
    code_hash = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    expires_at = UTCDateTimeAttribute()
    proved_at = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute()


class CalendarFeed(Entity, discriminator="CalendarFeed"):
    """A staff member's read-only calendar feed: only the hash of its secret is kept (the URL is
    shown once, when it is made); rotating replaces it, revoking deletes it. ``keys``: hashes of the
    Idempotency-Keys that made its last secrets, so a retried rotation answers the same URL and an
    old key cannot bring an old secret back."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "CALFEED#{staff_id}"}

    salon_id = UnicodeAttribute()
    staff_id = UnicodeAttribute()
    secret_hash = UnicodeAttribute()
    key_hash = UnicodeAttribute(null=True)  # the Idempotency-Key of the rotation that made this secret
    used_keys = JSONAttribute(default=list)
    created_at = UTCDateTimeAttribute()
    created_by = UnicodeAttribute()
