"""A visit as every feature sees it: its status, source, history and amounts. Pure data: no database, no HTTP."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from regulars.core.money import Money


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


class Appointment(BaseModel):
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
