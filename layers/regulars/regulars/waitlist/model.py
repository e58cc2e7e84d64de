"""The waitlist's values as the service and the API see them. Pure data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from regulars.waitlist.rules import PartOfDay, Wish


@dataclass(frozen=True)
class Entry:
    salon_id: str
    entry_id: str
    name: str
    phone: str
    phone_hash: str
    service_id: str
    staff_ids: tuple[str, ...]
    days: tuple[date, ...]
    weekdays: tuple[int, ...]
    parts: tuple[PartOfDay, ...]
    consent: dict
    status: str  # waiting | booked | left | removed
    joined_at: datetime
    ends_at: datetime
    client_id: str | None = None
    locale: str | None = None
    closed_at: datetime | None = None
    appointment_id: str | None = None
    offers: int = 0
    last_offer_at: datetime | None = None
    version: int | None = None

    @property
    def wish(self) -> Wish:
        return Wish(self.service_id, self.days, self.weekdays, self.parts, self.staff_ids)

    def state(self, now: datetime) -> str:
        """Its status as shown: a waiting entry whose days are over has expired."""
        return "expired" if self.status == "waiting" and self.ends_at <= now else self.status


@dataclass(frozen=True)
class Opening:
    salon_id: str
    opening_id: str
    cause: str
    staff_id: str
    start: datetime
    end: datetime
    status: str  # open | taken | lapsed
    round_number: int
    offered: tuple[str, ...]
    current: tuple[str, ...]
    hold_until: datetime | None
    created_at: datetime
    taken_by: str | None = None
    appointment_id: str | None = None


@dataclass(frozen=True)
class Offer:
    salon_id: str
    offer_id: str
    opening_id: str
    entry_id: str
    round_number: int
    service_id: str
    staff_id: str
    start: datetime
    end: datetime
    hold_until: datetime
    client_name: str
    status: str  # open | booked
    created_at: datetime
    appointment_id: str | None = None
