"""A visit as every feature sees it: its status, source, history and amounts. Pure data: no database, no HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from regulars.core.money import Money
from regulars.core.schedule import CELL, floor_to_cell


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    NO_SHOW = "no_show"

    @property
    def active(self) -> bool:
        return self in (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED)


class Source(StrEnum):
    """How a visit came: online (the salon's page), or at the desk, where the salon says how (a phone
    call, a walk-in, or simply the desk), or imported from another platform. One field, stored with the visit."""

    WIDGET = "widget"
    DESK = "desk"
    PHONE = "phone"
    WALK_IN = "walk_in"
    IMPORT = "import"  # history brought from another platform: counted, never acted on

    @classmethod
    def of(cls, stored: str) -> Source:
        """The source a stored visit has: visits the desk booked before the desk said how are "admin"."""
        return cls.DESK if stored == "admin" else cls(stored)

    @property
    def channel(self) -> str:
        """Who wrote the booking: the page ("widget") or the salon's desk ("admin"), whatever the source."""
        return "widget" if self is Source.WIDGET else "admin"


class HistoryEntry(BaseModel):
    model_config = ConfigDict(extra="allow")

    at: datetime
    action: str
    by: str


class Segment(BaseModel):
    """One service of a visit: who does it, when. A visit of several services holds them in order,
    back to back (one staff member or several); a visit of one service has none stored."""

    service_id: str
    staff_id: str
    start: datetime
    end: datetime
    price: Money


class Appointment(BaseModel):
    """A visit. With several services, ``segments`` lists them in order: ``start`` and ``end`` span
    them, ``price`` is their sum, ``service_id`` and ``staff_id`` are the first one's."""

    id: str
    salon_id: str
    client_id: str
    client_name: str | None = None
    staff_id: str
    service_id: str
    start: datetime
    end: datetime
    status: AppointmentStatus
    price: Money
    paid_amount: int | None = None
    bonus_amount: int | None = None  # paid with bonus at checkout
    refunded_at: datetime | None = None
    source: Source
    late_cancellation: bool = False
    cancel_reason: str | None = None
    created_at: datetime
    updated_at: datetime
    history: list[HistoryEntry] = []
    version: int | None = None
    segments: list[Segment] = []

    def parts(self) -> list[Segment]:
        """The visit's services in order: its segments, or the one service it is."""
        if self.segments:
            return list(self.segments)
        return [
            Segment(
                service_id=self.service_id,
                staff_id=self.staff_id,
                start=self.start,
                end=self.end,
                price=self.price,
            )
        ]

    def staff_ids(self) -> list[str]:
        """Who works on the visit, in order of first appearance."""
        return list(dict.fromkeys(p.staff_id for p in self.parts()))

    def times_of(self, staff_id: str) -> list[tuple[datetime, datetime]]:
        """The spans of the visit one staff member works (empty if none)."""
        return [(p.start, p.end) for p in self.parts() if p.staff_id == staff_id]

    def released_at(self) -> datetime | None:
        """For a no-show, the first 5-minute boundary after it was marked: from then on the client is
        not coming and the rest of its time is free again. None for any other visit."""
        if self.status is not AppointmentStatus.NO_SHOW:
            return None
        marked = next((h.at for h in reversed(self.history) if h.action == "no_show"), None)
        return None if marked is None else floor_to_cell(marked) + CELL

    def held_by(self, staff_id: str) -> list[tuple[datetime, datetime]]:
        """The spans the visit holds in one staff member's book: none once it is cancelled, a no-show's
        only up to its release (:meth:`released_at`)."""
        if self.status is AppointmentStatus.CANCELLED:
            return []
        until = self.released_at()
        if until is None:
            return self.times_of(staff_id)
        return [(start, min(end, until)) for start, end in self.times_of(staff_id) if start < until]

    def shifted(self, delta: timedelta) -> list[Segment]:
        """The segments moved by ``delta`` (empty for a visit of one service)."""
        return [s.model_copy(update={"start": s.start + delta, "end": s.end + delta}) for s in self.segments]
