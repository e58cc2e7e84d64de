"""The booking domain's types. Pure data: no database, no HTTP."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from regulars.booking.schedule import WorkingPattern
from regulars.money import Money

HHMM = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")]
Span = tuple[HHMM, HHMM]
WeekSpec = dict[
    Annotated[str, Field(pattern=r"^(mon|tue|wed|thu|fri|sat|sun)$")], list[Span]
]
MAX_SERVICE_MINUTES = 240  # a move of a visit between staff rewrites 2 x 48 lock cells: under 100 items


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
    WIDGET = "widget"
    ADMIN = "admin"


class SalonSettings(BaseModel):
    """A salon's booking rules. Stored as given; missing keys take these defaults."""

    model_config = ConfigDict(extra="ignore")

    slot_step_minutes: int = Field(default=15, ge=5, le=120, multiple_of=5)
    min_notice_minutes: int = Field(default=60, ge=0, le=60 * 24 * 14)
    booking_horizon_days: int = Field(default=60, ge=1, le=365)
    client_cancel_notice_hours: int = Field(
        default=2, ge=0, le=24 * 14, description="Clients may cancel by link until this long before"
    )
    client_reschedule_notice_hours: int = Field(default=2, ge=0, le=24 * 14)
    late_cancel_hours: int = Field(
        default=24, ge=0, le=24 * 14, description="A cancellation closer than this to the visit is late"
    )
    manage_link_days_after: int = Field(default=7, ge=0, le=60)
    reminders_enabled: bool = True
    reminder_offsets_minutes: list[Annotated[int, Field(ge=5, le=60 * 24 * 30)]] = Field(
        default_factory=lambda: [24 * 60, 120], max_length=5,
        description="Reminders this many minutes before each visit",
    )
    confirmation_offset_minutes: int | None = Field(
        default=24 * 60, description="The reminder at this offset asks the client to confirm (None: none do)"
    )


class Salon(BaseModel):
    id: str
    name: str
    timezone: str
    currency: str
    locale: str
    country: str
    settings: SalonSettings = SalonSettings()

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Service(BaseModel):
    id: str
    name: str
    duration_minutes: int
    price: Money
    repeat_interval_days: int | None = None
    active: bool = True

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)


class StaffMember(BaseModel):
    id: str
    name: str
    service_ids: list[str] = []
    working_hours: WeekSpec = {}
    breaks: WeekSpec = {}
    days_off: list[date] = []
    phone: str | None = None
    email: str | None = None
    active: bool = True

    def pattern(self) -> WorkingPattern:
        return WorkingPattern(
            hours={d: [tuple(s) for s in spans] for d, spans in self.working_hours.items()},
            breaks={d: [tuple(s) for s in spans] for d, spans in self.breaks.items()},
            days_off=frozenset(self.days_off),
        )


class Catalog(BaseModel):
    salon: Salon
    services: dict[str, Service]
    staff: dict[str, StaffMember]

    def service(self, service_id: str) -> Service | None:
        s = self.services.get(service_id)
        return s if s and s.active else None

    def staff_for(self, service_id: str) -> list[StaffMember]:
        return [m for m in self.staff.values() if m.active and service_id in m.service_ids]


class ClientStats(BaseModel):
    visits: int = 0
    no_shows: int = 0
    cancellations: int = 0
    late_cancellations: int = 0
    total_spent: int = 0
    first_visit_at: datetime | None = None
    last_visit_at: datetime | None = None


class Client(BaseModel):
    id: str
    name: str
    phone: str
    email: str | None = None
    birthday: date | None = None
    locale: str | None = None
    notes: str | None = None
    tags: list[str] = []
    consents: dict[str, dict] = {}
    created_at: datetime
    source: str = "admin"
    stats: ClientStats = ClientStats()


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
    source: Source
    late_cancellation: bool = False
    cancel_reason: str | None = None
    created_at: datetime
    updated_at: datetime
    history: list[HistoryEntry] = []
    version: int | None = None
