"""Request and response models of the HTTP API (the widget contract and the admin API)."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from regulars.core import text
from regulars.booking import model as m
from regulars.campaigns.segments import SegmentFilter
from regulars.core.money import Money

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), AfterValidator(text.plain)]
PersonName = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(text.person_name)]
PlainText = Annotated[str, AfterValidator(text.plain)]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
                  AfterValidator(text.plain)]
Locale = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Z]{2})?$")]
MAX_SETTINGS_BYTES = 128 * 1024
Ref = Annotated[str, StringConstraints(min_length=1, max_length=64)]  # an id the caller names (looked up)
Phone = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40)]
Tag = Annotated[str, StringConstraints(min_length=1, max_length=40)]
Tags = Annotated[list[Tag], Field(max_length=20)]
# working hours or breaks: for each day, at most 8 spans ("09:00", "13:00"); only weekdays are keys
WeekHours = dict[m.Weekday, Annotated[list[m.Span], Field(max_length=8)]]


# --------------------------------------------------------------------------- widget (public)
class SalonOut(BaseModel):
    id: str
    name: str
    timezone: str
    currency: str
    locale: str


class ServiceOut(BaseModel):
    id: str
    name: str
    duration_minutes: int
    price: Money


class StaffOut(BaseModel):
    id: str
    name: str
    service_ids: list[str]


class CatalogOut(BaseModel):
    salon: SalonOut
    services: list[ServiceOut]
    staff: list[StaffOut]


class SlotOut(BaseModel):
    start: str = Field(description="ISO 8601 with the salon's UTC offset")
    staff_id: str


class SlotsOut(BaseModel):
    slots: list[SlotOut]


class ClientIn(BaseModel):
    name: PersonName
    phone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40)]
    email: Email | None = None
    locale: Locale | None = None


class ConsentsIn(BaseModel):
    marketing: bool


class BookingIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"description": "A booking from the salon's page"})

    service_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    staff_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    start: AwareDatetime
    client: ClientIn
    consents: ConsentsIn | None = None
    referral_code: Annotated[str, StringConstraints(min_length=4, max_length=16, pattern=r"^[A-Za-z0-9]+$")] | None = (
        Field(default=None, description="A friend's referral code: both earn a bonus after the first paid visit")
    )
    phone_proof: Annotated[str, StringConstraints(min_length=10, max_length=1024)] | None = Field(
        default=None, description="The proof a one-time code gave (POST .../phone-checks/{check_id}): the phone is "
                                  "the caller's, so the answer carries the client's links and consents may change")


class AppointmentBrief(BaseModel):
    id: str
    status: str
    start: str
    end: str
    service_id: str
    staff_id: str


class BookingOut(BaseModel):
    appointment: AppointmentBrief
    manage_url: str | None = Field(
        default=None,
        description="The visit's page. None when the phone belongs to a client of the salon and was not proven: "
                    "the details and the link go to that phone")
    telegram_url: str | None = Field(
        default=None, description="Opens the salon's Telegram bot to get visit messages there (a proven phone only)"
    )
    phone_proven: bool = Field(default=False, description="Whether a one-time code proved the phone")


class PhoneCheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40)]
    locale: Locale | None = Field(default=None, description="The language of the message with the code")


class PhoneCheckOut(BaseModel):
    check_id: str
    expires_at: str = Field(description="Until when the code works (ISO 8601 with the salon's offset); it goes "
                                        "by SMS, or where the salon already reaches the phone's owner")


class PhoneCodeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40)] = Field(
        description="The phone the code was sent to, as given then")
    code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=4, max_length=10, pattern=r"^\d+$")]


class PhoneProofOut(BaseModel):
    phone_proof: str = Field(description="Send it with the booking (valid 30 days for this phone at this salon)")
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
        default=None, description="Whether the client agreed to offers and news (a link that proved the client only)")


class PushDeviceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    device_token: Annotated[str, StringConstraints(min_length=16, max_length=4096, pattern=r"^[A-Za-z0-9_:.\-]+$")] = Field(
        description="The FCM registration token the salon's app got on this device"
    )


class RescheduleIn(BaseModel):
    start: AwareDatetime
    staff_id: Ref | None = None


class CancelIn(BaseModel):
    reason: Annotated[PlainText, StringConstraints(max_length=500)] | None = None


class AdminCancelIn(CancelIn):
    salon_initiated: bool = Field(default=False, description="The salon cancelled (not the client's defection)")


# --------------------------------------------------------------------------- admin
def patch_changes(patch: BaseModel, clearable: frozenset[str] = frozenset()) -> dict:
    """The fields a PATCH sets. ``null`` clears a field that may be empty (an e-mail, notes) and
    leaves any other field as it is."""
    return {k: v for k, v in patch.model_dump(exclude_unset=True).items() if v is not None or k in clearable}


class SalonSettingsPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    timezone: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    locale: Locale | None = None
    settings: m.SalonSettings | None = Field(
        default=None, description=f"At most {MAX_SETTINGS_BYTES // 1024} KiB as stored (JSON, non-ASCII escaped)")

    @field_validator("settings")
    @classmethod
    def _stored_size(cls, value: m.SalonSettings | None) -> m.SalonSettings | None:
        # stored as JSON with \u escapes on the salon's item: an item holds at most 400 KB
        if value is not None and len(json.dumps(value.model_dump(mode="json"))) > MAX_SETTINGS_BYTES:
            raise ValueError(f"the settings take more than {MAX_SETTINGS_BYTES // 1024} KiB: shorten the texts")
        return value


class SalonAdminOut(SalonOut):
    country: str
    settings: m.SalonSettings


class ServiceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Id
    name: Name
    duration_minutes: int = Field(ge=5, le=m.MAX_SERVICE_MINUTES, multiple_of=5)
    price_amount: int = Field(ge=0, le=10_000_000)
    repeat_interval_days: int | None = Field(default=None, ge=1, le=730)
    active: bool = True


class ServicePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    duration_minutes: int | None = Field(default=None, ge=5, le=m.MAX_SERVICE_MINUTES, multiple_of=5)
    price_amount: int | None = Field(default=None, ge=0, le=10_000_000)
    repeat_interval_days: int | None = Field(default=None, ge=1, le=730)
    active: bool | None = None


class ServiceAdminOut(ServiceOut):
    repeat_interval_days: int | None
    active: bool


class StaffIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Id
    name: Name
    service_ids: Annotated[list[Ref], Field(max_length=100)] = []
    working_hours: WeekHours = {}
    breaks: WeekHours = {}
    days_off: Annotated[list[date], Field(max_length=400)] = []
    phone: Phone | None = None
    email: Email | None = None
    active: bool = True


class StaffPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    service_ids: Annotated[list[Ref], Field(max_length=100)] | None = None
    working_hours: WeekHours | None = None
    breaks: WeekHours | None = None
    days_off: Annotated[list[date], Field(max_length=400)] | None = None
    phone: Phone | None = None
    email: Email | None = None
    active: bool | None = None


class ClientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    phone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40)]
    email: Email | None = None
    birthday: date | None = None
    locale: Locale | None = None
    notes: Annotated[str, StringConstraints(max_length=2000)] | None = None
    tags: Tags = []
    marketing_consent: bool | None = None


class ClientPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    phone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40)] | None = None
    email: Email | None = None
    birthday: date | None = None
    locale: Locale | None = None
    notes: Annotated[str, StringConstraints(max_length=2000)] | None = None
    tags: Tags | None = None


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
    source: str
    late_cancellation: bool
    cancel_reason: str | None
    history: list[dict]


class ClientOut(BaseModel):
    id: str
    name: str
    phone: str | None = Field(description="none once the client's data was erased")
    email: str | None
    birthday: date | None
    locale: str | None
    notes: str | None
    tags: list[str]
    consents: dict
    channels: dict = Field(default_factory=dict, description="Where the client is reached besides SMS: "
                           "a linked Telegram chat, WhatsApp, push; and channels that failed for good")
    lifecycle: dict | None = Field(default=None, description="e.g. at risk, with the reason in words")
    created_at: datetime
    erased_at: datetime | None = Field(default=None, description="when the client's personal data was erased")
    stats: m.ClientStats


class MessageOut(BaseModel):
    id: str
    kind: str
    purpose: str
    status: str = Field(description="planned, queued, sending, sent, delivered, failed or skipped")
    channel: str | None
    appointment_id: str | None
    created_at: datetime
    skip_reason: str | None
    text: str | None = None
    error: str | None = Field(default=None, description="The last failure, or why the message waits")
    attempts: int = 0
    not_before: datetime | None = None
    sent_at: datetime | None = None
    delivered_at: datetime | None = None
    segments: int | None = None
    cost_micros: int | None = Field(default=None, description="In millionths of cost_currency")
    cost_currency: str | None = None


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, StringConstraints(min_length=1, max_length=1000, strip_whitespace=True)]
    purpose: Literal["transactional", "marketing"] = Field(
        description="marketing needs the client's consent and waits for quiet hours to end; transactional is "
        "for what the client needs to know about their visits"
    )


class ClientDetailOut(ClientOut):
    appointments: list[AppointmentOut]
    messages: list[MessageOut] = Field(description="The outbox for this client, newest first")


class ClientsOut(BaseModel):
    clients: list[ClientOut]


class AdminBookingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    service_id: Ref
    staff_id: Ref
    start: AwareDatetime
    client_id: Ref | None = None
    client: ClientIn | None = None
    outside_hours: bool = Field(default=False, description="Book outside working hours (never over another visit)")


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: AwareDatetime
    staff_id: Ref | None = None
    outside_hours: bool = False


class CompleteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    paid_amount: int = Field(ge=0, le=10_000_000, description="Minor units paid in money (earns cashback)")
    bonus_amount: int = Field(default=0, ge=0, le=10_000_000,
                              description="Minor units paid with the client's bonus (within the salon's cap)")


class RefundIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, StringConstraints(max_length=500)] | None = None


# --------------------------------------------------------------------------- loyalty
class LotOut(BaseModel):
    id: str
    amount: int
    remaining: int
    expires_at: datetime
    source: str


class TierOut(BaseModel):
    name: str
    rate_bp: int
    min_visits: int
    min_spend: int | None


class LoyaltyOut(BaseModel):
    balance: int = Field(description="What the client can spend now (lots that have not burned), minor units")
    currency: str
    lots: list[LotOut] = Field(description="Open lots, soonest to burn first")
    tier: TierOut
    next_tier: TierOut | None
    visits_12m: int
    spend_12m: int
    referral_code: str
    referral_url: str


class LedgerEntryOut(BaseModel):
    id: str
    kind: str = Field(description="accrual, redemption, expiry, reversal or adjustment")
    amount: int = Field(description="What the balance moved by (signed)")
    lots: list[dict]
    source: str
    source_id: str
    reason: str | None
    by: str
    created_at: datetime


class LedgerOut(BaseModel):
    entries: list[LedgerEntryOut]


class AdjustmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: int = Field(ge=-10_000_000, le=10_000_000, description="Minor units: positive credits, negative debits")
    reason: Annotated[str, StringConstraints(min_length=3, max_length=500, strip_whitespace=True)]

    @field_validator("amount")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("must not be zero")
        return value


class LiabilityOut(BaseModel):
    outstanding: int = Field(description="Bonus the salon's clients can still spend, minor units")
    burning_30_days: int = Field(description="Of that, what burns in the next 30 days unless spent")
    burning_by_day: list[dict]
    currency: str


class BookOut(BaseModel):
    appointments: list[AppointmentOut]


# --------------------------------------------------------------------------- feedback
class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rating: int = Field(ge=1, le=5)
    comment: Annotated[PlainText, StringConstraints(max_length=2000, strip_whitespace=True)] | None = None
    tip_amount: int = Field(default=0, ge=0, le=1_000_000, description="Minor units, for the staff member")


class FeedbackGiven(BaseModel):
    rating: int
    comment: str | None
    tip_amount: int


class ReviewLinkOut(BaseModel):
    name: str
    url: str


class FeedbackPageOut(BaseModel):
    salon: SalonOut
    service_name: str
    staff_name: str
    start: str
    given: FeedbackGiven | None
    review_links: list[ReviewLinkOut] = Field(default_factory=list,
                                              description="Where a happy client may say so in public")


class FeedbackOut(BaseModel):
    appointment_id: str
    client_id: str
    staff_id: str
    service_id: str
    rating: int
    mood: str
    comment: str | None
    tip_amount: int
    created_at: datetime


class FeedbackInboxOut(BaseModel):
    feedback: list[FeedbackOut]


class TaskOut(BaseModel):
    id: str
    kind: str
    client_id: str
    appointment_id: str | None
    summary: str
    status: str
    note: str | None
    closed_by: str | None
    closed_at: datetime | None
    created_at: datetime


class TasksOut(BaseModel):
    tasks: list[TaskOut]


class TaskCloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: Annotated[str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)]


# --------------------------------------------------------------------------- retention
LifecycleStatus = Literal["new", "active", "at_risk", "lapsed", "lost", "won_back"]
DefectionReason = Literal["price", "quality", "staff", "moved_away", "schedule", "other"]


class RetentionClientOut(BaseModel):
    client_id: str
    name: str
    phone: str
    status: LifecycleStatus
    reason: str = Field(description="Why, in words, as of now")
    since: datetime | None
    visits: int
    total_spent: int = Field(description="Minor units, all visits")
    average_spend: int = Field(description="Minor units per visit")
    last_visit_at: datetime | None
    cadence_days: float | None = Field(description="How often the client comes (their own, or their service's)")


class RetentionClientsOut(BaseModel):
    clients: list[RetentionClientOut]
    next_cursor: str | None = Field(default=None, description="Pass as cursor for the next page")


class DefectionOut(BaseModel):
    id: str
    client_id: str
    type: str = Field(description="no_show | late_cancellation | cancelled_not_rebooked | lapsed | lost")
    at: datetime
    month: str
    appointment_id: str | None
    staff_id: str | None
    service_id: str | None
    reason: str | None
    reason_source: str | None = Field(description="feedback | reply | cancellation | admin")
    detail: str | None


class DefectionsOut(BaseModel):
    defections: list[DefectionOut]


class DefectionReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: DefectionReason
    note: Annotated[str, StringConstraints(max_length=500, strip_whitespace=True)] | None = None


class DefectionMonthOut(BaseModel):
    total: int
    by_type: dict[str, int]
    by_reason: dict[str, int]
    by_staff: dict[str, int]
    by_service: dict[str, int]


class DefectionStatsOut(BaseModel):
    first_month: str
    last_month: str
    total: int
    by_type: dict[str, int]
    by_reason: dict[str, int] = Field(description="'unknown' where no reason is known yet")
    by_staff: dict[str, int]
    by_service: dict[str, int]
    by_month: dict[str, DefectionMonthOut]


class ClientHistoryOut(BaseModel):
    client: dict = Field(description="Profile, notes, tags, consents, channels, statistics and lifecycle")
    preferences: dict = Field(description="Services and staff the client chooses most, and the usual time of day")
    spend: dict = Field(description="Total, average per visit, paid with bonus, refunded (minor units)")
    services: list[dict]
    staff: list[dict]
    visits: list[dict]
    feedback: list[dict]
    complaints: list[dict] = Field(description="Unhappy ratings and the follow-up tasks they opened")
    defections: list[dict]
    messages: list[dict] = Field(description="Each message: kind, purpose, channel, status and what became of it")
    ledger: list[dict]
    bonus_balance: int


class ErasureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = Field(
        default=None, description="why, as the request was made (kept in the audit trail)")


class ErasureOut(BaseModel):
    client_id: str
    erased_at: datetime
    already: bool = Field(description="the client had been erased before: nothing was done now")
    removed: dict[str, int] = Field(default_factory=dict, description="how many items of each kind were changed")


class AuditEntryOut(BaseModel):
    id: str
    at: datetime
    action: str = Field(description="client.exported, client.erased, loyalty.adjusted, salon.updated, "
                                    "service.created|updated, staff.created|updated, segment.saved|deleted, "
                                    "campaign.created|cancelled, team.invited|role_changed|removed")
    by: str
    client_id: str | None
    detail: dict


class AuditOut(BaseModel):
    entries: list[AuditEntryOut]


class SegmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    filter: SegmentFilter


class SegmentOut(BaseModel):
    id: str
    name: str
    filter: dict
    created_by: str
    created_at: datetime
    updated_at: datetime


class SegmentsOut(BaseModel):
    segments: list[SegmentOut]


class PreviewClient(BaseModel):
    client_id: str
    name: str
    visits: int
    total_spent: int
    last_visit_at: datetime | None
    lifecycle: str | None
    tier: str | None
    balance: int


class PreviewOut(BaseModel):
    count: int = Field(description="clients in the segment now")
    reachable: int = Field(description="of them, with marketing consent on a channel that reaches them: "
                                       "who a campaign would go to (less its holdout)")
    clients_in_salon: int
    sample: list[PreviewClient]
    computed_at: datetime


class OfferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bonus_amount: Annotated[int, Field(ge=1, le=10**8)] | None = Field(
        default=None, description="credited to each member of the sent group through the ledger")
    bonus_lifetime_days: Annotated[int, Field(ge=1, le=730)] = 30
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)] | None = Field(
        default=None, description="an offer in words, put where the message says {offer}")


class CampaignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    kind: Literal["new_services", "holiday_bonus", "personal_offer", "early_access", "other"] = "other"
    segment_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    filter: SegmentFilter | None = Field(default=None, description="instead of a saved segment")
    messages: dict[Locale, Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]] = \
        Field(min_length=1, max_length=10, description="locale -> text; placeholders {name} {salon} {link} {offer} "
                                                       "{bonus} {expires}")
    offer: OfferIn | None = None
    send_at: datetime = Field(description="without an offset: the salon's local time")
    holdout_percent: Annotated[float, Field(ge=0, le=50)] | None = Field(default=None, description="default 10")
    window_days: Annotated[int, Field(ge=1, le=90)] | None = Field(default=None, description="default 30")

    @model_validator(mode="after")
    def _one_audience(self) -> CampaignIn:
        if (self.segment_id is None) == (self.filter is None):
            raise ValueError("give segment_id or filter, not both")
        return self


class CampaignOut(BaseModel):
    id: str
    name: str
    kind: str
    status: str = Field(description="scheduled, sending, sent or cancelled")
    segment_id: str | None
    filter: dict
    messages: dict[str, str]
    offer: dict | None
    send_at: datetime
    holdout_percent: float
    window_days: int
    audience: int
    sent_group: int
    holdout_group: int
    batches: int
    batches_done: int
    started_at: datetime | None
    created_by: str
    created_at: datetime


class CampaignsOut(BaseModel):
    campaigns: list[CampaignOut]


class CampaignReportOut(BaseModel):
    campaign: CampaignOut
    window: dict
    currency: str
    groups: dict
    messages: dict
    incremental: dict
    cost: float
    roi: float | None
    definitions: dict[str, str]


class SnapshotRequestedOut(BaseModel):
    due_at: datetime
    detail: str


# --------------------------------------------------------------------------- admin: the team
RoleName = Literal["owner", "manager", "reception", "staff"]


class MeOut(BaseModel):
    salon_id: str
    user_id: str
    email: str
    role: RoleName
    staff_id: str | None = Field(description="the staff member a staff user is (their own book)")
    operations: list[str] = Field(description="every operation the role allows: show only these")


class TeamMemberOut(BaseModel):
    user_id: str
    email: str
    role: RoleName
    staff_id: str | None
    added_by: str
    added_at: datetime | None


class TeamOut(BaseModel):
    members: list[TeamMemberOut]


class InviteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Email
    role: RoleName
    staff_id: Id | None = Field(default=None, description="for a staff user: the staff member they are")


class RoleChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: RoleName
    staff_id: Id | None = Field(default=None, description="for a staff user: the staff member they are")
