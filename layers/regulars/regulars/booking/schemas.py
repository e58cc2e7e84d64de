"""Request and response models of the booking routes: the widget, the phone checks, the manage link, the desk."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from regulars.booking.model import MAX_BLOCK, BlockKind
from regulars.core.fields import ClientLocale, Email, PersonName, PlainText, Ref
from regulars.core.money import Money
from regulars.salon.model import MAX_SERVICE_MINUTES
from regulars.salon.schemas import SalonOut

DeskSource = Literal["desk", "phone", "walk_in"]
VisitSource = Literal["widget", "desk", "phone", "walk_in", "import"]


class VisitServiceOut(BaseModel):
    """One service of a visit: who does it, when (a visit of several holds them back to back)."""

    service_id: str
    staff_id: str
    start: str = Field(description="ISO 8601 with the salon's UTC offset")
    end: str


class SlotOut(BaseModel):
    start: str = Field(description="ISO 8601 with the salon's UTC offset")
    staff_id: str
    segments: list[VisitServiceOut] | None = Field(
        default=None,
        description="With service_ids: where each service goes from this start (who, when), in order",
    )


class SlotsOut(BaseModel):
    slots: list[SlotOut]


class DayOut(BaseModel):
    date: str = Field(description="The salon's local date, YYYY-MM-DD")
    state: Literal["free", "full", "closed", "past", "beyond_horizon"] = Field(
        description="free: has free times; full: someone works but every time is taken; closed: no one who "
        "does the service works; past: before the salon's notice allows; beyond_horizon: past the last "
        "day open for booking"
    )
    free_times: int = Field(description="Distinct free start times that day (any staff member)")


class AvailabilityOut(BaseModel):
    today: str = Field(description="The salon's local date now")
    last_day: str = Field(description="The last day open for online booking (the salon's horizon)")
    days: list[DayOut]
    next: SlotOut | None = Field(
        description="The first free time on or after `from` (up to the horizon), of anyone who does the "
        "service unless staff_id is given; null when there is none"
    )


class ConsentReadIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40)]
    phone_proof: Annotated[str, StringConstraints(min_length=10, max_length=1024)]


class ConsentStateOut(BaseModel):
    marketing: bool | None = Field(
        description="Whether the phone's owner agreed to offers and news; null: never answered (or no client)"
    )


class ClientIn(BaseModel):
    name: PersonName
    phone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40)]
    email: Email | None = None
    locale: ClientLocale | None = None


class ConsentsIn(BaseModel):
    marketing: bool


class ServiceChoiceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    service_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    staff_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = Field(
        default=None, description="Who does it; none: anyone free (whoever did the service before, if free)"
    )


Services = Annotated[
    list[ServiceChoiceIn],
    Field(
        min_length=1,
        max_length=12,
        description="Several services in one visit, in order, back to back from start (at most 4, "
        "240 minutes in all): give this or service_id",
    ),
]


class BookingIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"description": "A booking from the salon's page"})

    service_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    staff_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    services: Services | None = None
    start: AwareDatetime
    client: ClientIn
    consents: ConsentsIn | None = None
    referral_code: (
        Annotated[str, StringConstraints(min_length=4, max_length=16, pattern=r"^[A-Za-z0-9]+$")] | None
    ) = Field(
        default=None, description="A friend's referral code: both earn a bonus after the first paid visit"
    )
    phone_proof: Annotated[str, StringConstraints(min_length=10, max_length=1024)] | None = Field(
        default=None,
        description="The proof a one-time code gave (POST .../phone-checks/{check_id}): the phone is "
        "the caller's, so the answer carries the client's links and consents may change",
    )


class AppointmentBrief(BaseModel):
    id: str
    status: str
    start: str
    end: str
    service_id: str = Field(description="The (first) service")
    staff_id: str = Field(description="Who does the (first) service")
    segments: list[VisitServiceOut] = Field(
        description="The visit's services in order, back to back (one for a visit of one service)"
    )


class BookingOut(BaseModel):
    appointment: AppointmentBrief
    manage_url: str | None = Field(
        default=None,
        description="The visit's page. None when the phone belongs to a client of the salon and was not proven: "
        "the details and the link go to that phone",
    )
    telegram_url: str | None = Field(
        default=None,
        description="Opens the salon's Telegram bot to get visit messages there (a proven phone only)",
    )
    phone_proven: bool = Field(default=False, description="Whether a one-time code proved the phone")


class PhoneCheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40)]
    locale: ClientLocale | None = Field(default=None, description="The language of the message with the code")


class PhoneCheckOut(BaseModel):
    check_id: str
    expires_at: str = Field(
        description="Until when the code works (ISO 8601 with the salon's offset); it goes "
        "by SMS, or where the salon already reaches the phone's owner"
    )


class PhoneCodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40)] = Field(
        description="The phone the code was sent to, as given then"
    )
    code: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=4, max_length=10, pattern=r"^\d+$")
    ]


class PhoneProofOut(BaseModel):
    phone_proof: str = Field(
        description="Send it with the booking (valid 30 days for this phone at this salon)"
    )
    phone: str
    expires_at: str


# --------------------------------------------------------------------------- manage link
class ManageActions(BaseModel):
    confirm: bool
    cancel: bool
    reschedule: bool


class ManagedAppointment(AppointmentBrief):
    service_name: str
    staff_name: str
    price: Money


class ManageOut(BaseModel):
    salon: SalonOut
    appointment: ManagedAppointment
    actions: ManageActions
    telegram_url: str | None = Field(
        default=None, description="Opens the salon's Telegram bot, while the client has no chat linked"
    )
    marketing: bool | None = Field(
        default=None,
        description="Whether the client agreed to offers and news (a link that proved the client only)",
    )


class PushDeviceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    device_token: Annotated[
        str, StringConstraints(min_length=16, max_length=4096, pattern=r"^[A-Za-z0-9_:.\-]+$")
    ] = Field(description="The FCM registration token the salon's app got on this device")


class RescheduleIn(BaseModel):
    start: AwareDatetime
    staff_id: Ref | None = None


class CancelIn(BaseModel):
    reason: Annotated[PlainText, StringConstraints(max_length=500)] | None = None


CancelReason = Literal["plans_changed", "unwell", "another_time", "another_salon", "price", "other"]


class ManageCancelIn(CancelIn):
    model_config = ConfigDict(extra="forbid")
    reason_code: CancelReason | None = Field(
        default=None, description="The client's pick from the page's short list (their words go in reason)"
    )


class ManageSlotsOut(BaseModel):
    slots: list[SlotOut] = Field(
        description="Where the visit can move that day: its staff member's free starts for a visit of its "
        "length, its own time counted free (its present start left out); empty when it may not move"
    )


class FeedOut(BaseModel):
    active: bool = Field(description="Whether the staff member has a calendar feed")
    created_at: datetime | None = None
    created_by: str | None = None
    path: str | None = Field(
        default=None,
        description="The feed's secret path under the API's base URL: only in the answer that made it "
        "(only its hash is kept), so copy it then; rotate to get a new one",
    )


class AdminCancelIn(CancelIn):
    salon_initiated: bool = Field(
        default=False, description="The salon cancelled (not the client's defection)"
    )


class AppointmentOut(BaseModel):
    id: str
    client_id: str
    client_name: str | None
    staff_id: str
    service_id: str
    start: str
    end: str
    status: str
    price: Money
    paid_amount: int | None
    bonus_amount: int | None = Field(default=None, description="Paid with bonus at checkout")
    refunded_at: datetime | None = None
    source: VisitSource = Field(
        description="How the visit came: widget (the salon's page), or at the desk: desk, phone, walk_in; import: history brought from another platform"
    )
    late_cancellation: bool
    cancel_reason: str | None
    history: list[dict]
    segments: list[VisitServiceOut] = Field(
        description="The visit's services in order, back to back, each in its staff member's book (one "
        "for a visit of one service); start, end and price span them all"
    )


class AdminBookingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    service_id: Ref | None = None
    staff_id: Ref | None = None
    services: Services | None = None
    start: AwareDatetime
    client_id: Ref | None = None
    client: ClientIn | None = None
    outside_hours: bool = Field(
        default=False, description="Book outside working hours (never over another visit or blocked time)"
    )
    source: DeskSource = Field(
        default="desk", description="How the client asked: by phone, walking in, or simply at the desk"
    )


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: AwareDatetime
    staff_id: Ref | None = None
    outside_hours: bool = False
    duration_minutes: int | None = Field(
        default=None,
        ge=5,
        le=MAX_SERVICE_MINUTES,
        multiple_of=5,
        description="Resize: the visit's new length (its end is start plus this). Without it the visit "
        "keeps its length. Held and refused exactly as a move",
    )


class CompleteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    paid_amount: int = Field(ge=0, le=10_000_000, description="Minor units paid in money (earns cashback)")
    bonus_amount: int = Field(
        default=0,
        ge=0,
        le=10_000_000,
        description="Minor units paid with the client's bonus (within the salon's cap)",
    )


class RefundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, StringConstraints(max_length=500)] | None = None


class BlockIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: AwareDatetime = Field(description="ISO 8601 with a UTC offset, on the 5-minute grid")
    end: AwareDatetime = Field(
        description=f"After start and at most {MAX_BLOCK.days} days later, on the 5-minute grid"
    )
    kind: BlockKind
    note: Annotated[PlainText, StringConstraints(strip_whitespace=True, max_length=500)] | None = None


class BlockOut(BaseModel):
    id: str
    staff_id: str
    start: str = Field(description="ISO 8601 with the salon's UTC offset")
    end: str
    kind: BlockKind
    note: str | None
    held: bool = Field(
        description="Whether every minute of it is held. False only if writing a long block was "
        "interrupted: delete it and block the time again"
    )
    created_by: str
    created_at: datetime


class BookOut(BaseModel):
    appointments: list[AppointmentOut]
    blocks: list[BlockOut] = Field(
        description="The staff members' blocked time over any part of the days asked for, by start"
    )
