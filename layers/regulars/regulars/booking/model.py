"""The booking domain's types. Pure data: no database, no HTTP."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator, model_validator

from regulars.booking.schedule import WorkingPattern
from regulars.core.money import Money

HHMM_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$"
HHMM = Annotated[str, Field(pattern=HHMM_PATTERN)]
# from, to: documented as an array of two times, not as a tuple (prefixItems), which some OpenAPI tools
# (schemathesis among them) do not read inside a map of days
Span = Annotated[tuple[HHMM, HHMM], WithJsonSchema(
    {"type": "array", "items": {"type": "string", "pattern": HHMM_PATTERN}, "minItems": 2, "maxItems": 2})]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WeekSpec = dict[Weekday, list[Span]]
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


ChannelName = Literal["push", "telegram", "whatsapp", "sms"]


class Notifications(BaseModel):
    """Which visit notices go out. Reminders are set apart (``reminders_enabled``)."""

    model_config = ConfigDict(extra="ignore")

    client_booked: bool = True
    client_moved: bool = True
    client_cancelled: bool = True
    staff_booked: bool = True
    staff_moved: bool = True
    staff_cancelled: bool = True


class WhatsAppTemplateSetting(BaseModel):
    """An approved WhatsApp template for a message kind: outside the client's 24-hour window only a
    template may be sent. ``parameters`` name the placeholders ({{1}}, {{2}}, ...) in order."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=512, pattern=r"^[a-z0-9_]+$")]
    language: Annotated[str, Field(min_length=2, max_length=15)] | None = Field(
        default=None, description="The template's language code; default: the message's locale"
    )
    parameters: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=10)


class Tier(BaseModel):
    """A loyalty level: its cashback rate, and what qualifies a client (visits or spend in the last 12
    months; either is enough)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=40)]
    rate_bp: int = Field(ge=0, le=10_000, description="Cashback in basis points: 500 = 5 %")
    min_visits: int = Field(default=0, ge=0, le=1000)
    min_spend: int | None = Field(default=None, ge=0, le=10**12, description="Minor units spent in 12 months")


def _default_tiers() -> list[Tier]:
    return [Tier(name="Base", rate_bp=500), Tier(name="Silver", rate_bp=700, min_visits=3),
            Tier(name="Gold", rate_bp=1000, min_visits=8, min_spend=100_000)]


class LoyaltySettings(BaseModel):
    """Cashback that burns: the rates by tier, how long a bonus lives, how much of a bill it may pay."""

    model_config = ConfigDict(extra="ignore")

    enabled: bool = True
    lifetime_days: int = Field(default=60, ge=1, le=365, description="How long a visit's cashback can be spent")
    redeem_cap_percent: int = Field(default=30, ge=0, le=100, description="The most of a bill bonus may pay")
    warn_days_before: int = Field(default=7, ge=0, le=60, description="Warn this many days before bonus burns")
    tiers: list[Tier] = Field(default_factory=_default_tiers, min_length=1, max_length=10)
    birthday_amount: int = Field(default=500, ge=0, le=10_000_000)
    birthday_days_before: int = Field(default=3, ge=0, le=30)
    birthday_lifetime_days: int = Field(default=14, ge=1, le=365)
    referral_referrer_amount: int = Field(default=500, ge=0, le=10_000_000)
    referral_referee_amount: int = Field(default=500, ge=0, le=10_000_000)
    referral_lifetime_days: int = Field(default=60, ge=1, le=365)

    @field_validator("tiers")
    @classmethod
    def _base_first(cls, value: list[Tier]) -> list[Tier]:
        if value[0].min_visits != 0 or value[0].min_spend not in (None, 0):
            raise ValueError("the first tier is the base: it needs no visits or spend")
        if len({t.name for t in value}) != len(value):
            raise ValueError("tier names must differ")
        return value


class ReviewLink(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=40)]
    url: Annotated[str, Field(min_length=8, max_length=500, pattern=r"^https?://")]


class FeedbackSettings(BaseModel):
    """Asking for feedback after a visit, and what an answer leads to."""

    model_config = ConfigDict(extra="ignore")

    enabled: bool = True
    # off unless the salon asks: the booking notice, the bonus message and the feedback request already
    # reach a new client at these moments, and every SMS costs
    welcome: bool = Field(default=False, description="A welcome after a new client's first booking")
    thank_you: bool = Field(default=False, description="A thank-you after a client's first visit")
    delay_minutes: int = Field(default=120, ge=0, le=7 * 24 * 60, description="After the visit is completed")
    happy_from: int = Field(default=5, ge=1, le=5, description="A rating at least this shows the review links")
    unhappy_to: int = Field(default=3, ge=1, le=5, description="A rating at most this alerts the manager")
    review_links: list[ReviewLink] = Field(default_factory=list, max_length=5)
    manager_phones: list[Annotated[str, Field(pattern=r"^\+[1-9]\d{6,14}$")]] = Field(default_factory=list,
                                                                                     max_length=5)
    link_days: int = Field(default=14, ge=1, le=60, description="How long the feedback link works")


class WinbackWave(BaseModel):
    """One message to a client who lapsed, this many days after they did, with an optional offer."""

    model_config = ConfigDict(extra="forbid")

    delay_days: int = Field(ge=0, le=365, description="Days after the client lapsed")
    bonus_amount: int = Field(default=0, ge=0, le=10_000_000, description="Bonus credited with the message")
    bonus_lifetime_days: int = Field(default=30, ge=1, le=365, description="How long that bonus can be spent")
    offer: Annotated[str, Field(max_length=200)] = Field(default="", description="The salon's offer, in words")


def _default_waves() -> list[WinbackWave]:
    return [WinbackWave(delay_days=0), WinbackWave(delay_days=14, bonus_amount=500, bonus_lifetime_days=30),
            WinbackWave(delay_days=30)]


class RetentionSettings(BaseModel):
    """Repeat-visit invitations, lifecycle statuses, win-back waves and the follow-up of no-shows
    and cancellations."""

    model_config = ConfigDict(extra="ignore")

    invitations: bool = Field(default=True, description="Invite a client back when a service falls due")
    join_days: int = Field(default=4, ge=0, le=14, description="Services due within this many days share one invitation")
    own_cadence_visits: int = Field(default=3, ge=2, le=20,
                                    description="With this many visits, the client's own median interval counts")
    default_interval_days: int = Field(default=30, ge=1, le=365, description="For services without an interval")
    at_risk_factor: float = Field(default=1.5, ge=1.0, le=5.0,
                                  description="At risk once the time since the last visit is this many cadences")
    lapsed_days: int = Field(default=90, ge=14, le=730)
    lost_days: int = Field(default=180, ge=15, le=1095)
    winback: bool = Field(default=True, description="Send the win-back waves to clients who lapse")
    winback_waves: list[WinbackWave] = Field(default_factory=_default_waves, max_length=6)
    rebook_invitations: bool = Field(default=True, description="Invite to rebook after a no-show or late cancellation")
    rebook_delay_hours: int = Field(default=24, ge=0, le=24 * 14)
    rebooked_within_days: int = Field(default=14, ge=1, le=90,
                                      description="A cancellation not rebooked within this many days is a defection")

    @model_validator(mode="after")
    def _ordered(self) -> RetentionSettings:
        if self.lost_days <= self.lapsed_days:
            raise ValueError("lost_days must be more than lapsed_days")
        delays = [w.delay_days for w in self.winback_waves]
        if delays != sorted(set(delays)):
            raise ValueError("win-back waves must have increasing delay_days")
        return self


class CampaignSettings(BaseModel):
    """Campaign defaults and how message costs are counted against revenue."""

    model_config = ConfigDict(extra="ignore")

    holdout_percent: float = Field(default=10, ge=0, le=50, description="Share of a campaign's audience held out")
    window_days: int = Field(default=30, ge=1, le=90, description="Days after sending that bookings are attributed")
    message_cost_rate: int = Field(
        default=100, ge=1, le=10**6,
        description="Minor units of the salon's currency per unit of the providers' price currency (100: the same "
                    "value, e.g. cents per dollar)")


class ProtectionSettings(BaseModel):
    """What the public booking page may do, and what anonymous callers may make the salon pay for."""

    model_config = ConfigDict(extra="ignore")

    phone_check: Literal["never", "new_phones", "always"] = Field(
        default="new_phones",
        description="When a booking from the page needs a one-time code sent to the phone: never, for phones "
                    "the salon does not know yet, or always (also hides whether a phone is a client)")
    calling_codes: list[Annotated[str, Field(pattern=r"^[1-9]\d{0,2}$")]] = Field(
        default_factory=list, max_length=50,
        description="Country calling codes phones are accepted from (\"49\", \"7\"); empty: the salon's country's")
    bookings_per_address_hour: int = Field(default=10, ge=1, le=100_000,
                                           description="Bookings from one network address an hour")
    bookings_per_phone_day: int = Field(default=3, ge=1, le=1_000, description="Bookings for one phone a day")
    new_phones_per_hour: int = Field(
        default=30, ge=1, le=100_000,
        description="Phones the salon does not know that may get a code or book without one, an hour, salon-wide")
    codes_per_phone_hour: int = Field(default=3, ge=1, le=100, description="One-time codes sent to one phone an hour")
    codes_per_address_hour: int = Field(default=10, ge=1, le=100_000,
                                        description="One-time codes asked for from one network address an hour")
    actions_per_address_hour: int = Field(
        default=60, ge=1, le=100_000,
        description="Changes through manage and feedback links from one network address an hour")
    sms_daily_parts: int | None = Field(
        default=500, ge=0, le=10_000_000,
        description="SMS parts a day (the salon's local day) after which only visit messages and codes go by SMS, "
                    "and an alarm fires; None: no budget")


class DataRetentionSettings(BaseModel):
    """How long the salon keeps the data of a client who stopped coming. Off by default: nobody is
    forgotten unless the salon says so."""

    model_config = ConfigDict(extra="ignore")

    forget_inactive_after_years: int | None = Field(
        default=None, ge=1, le=20,
        description="Erase, each night, the clients whose last visit (or creation, if they never came) is "
                    "older than this many years and who have nothing booked (None: never)")


def _all_channels() -> list[ChannelName]:
    return ["push", "telegram", "whatsapp", "sms"]


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
        default=24 * 60, ge=0, le=60 * 24 * 30, description="The reminder at this offset asks the client to confirm (None: none do)"
    )
    notifications: Notifications = Field(default_factory=lambda: Notifications())
    channel_order: list[ChannelName] = Field(
        default_factory=_all_channels, min_length=1, max_length=4,
        description="Channels tried in this order: the first that reaches the client and is allowed",
    )
    quiet_hours: str = Field(
        default="21:00-09:00", pattern=r"^\d\d:\d\d-\d\d:\d\d$",
        description="Local hours in which marketing waits and reminders move to the evening before",
    )
    marketing_cap: int = Field(default=2, ge=0, le=50, description="Marketing messages a client gets at most ...")
    marketing_cap_days: int = Field(default=7, ge=1, le=90, description="... in any window of this many days")
    templates: dict[str, Annotated[dict[str, Annotated[str, Field(max_length=1000)]], Field(max_length=10)]] = Field(
        default_factory=dict, max_length=40, description="The salon's own texts: kind -> locale -> text with {placeholders}"
    )
    loyalty: LoyaltySettings = Field(default_factory=lambda: LoyaltySettings())
    feedback: FeedbackSettings = Field(default_factory=lambda: FeedbackSettings())
    retention: RetentionSettings = Field(default_factory=lambda: RetentionSettings())
    campaigns: CampaignSettings = Field(default_factory=lambda: CampaignSettings())
    protection: ProtectionSettings = Field(default_factory=lambda: ProtectionSettings())
    data_retention: DataRetentionSettings = Field(default_factory=lambda: DataRetentionSettings())
    whatsapp_templates: dict[str, WhatsAppTemplateSetting] = Field(
        default_factory=dict, max_length=40, description="Approved WhatsApp templates by message kind (for a closed window)"
    )

    @field_validator("channel_order")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("each channel at most once")
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str) -> str:
        from regulars.messaging.rules.quiet_hours import QuietHours

        QuietHours.parse(value)
        return value

    @field_validator("whatsapp_templates")
    @classmethod
    def _whatsapp_templates(cls, value: dict) -> dict:
        from regulars.messaging.rules.templates import PLACEHOLDERS, MessageKind

        for kind, template in value.items():
            if kind not in set(MessageKind):
                raise ValueError(f"{kind}: unknown message kind")
            unknown = sorted(set(template.parameters) - PLACEHOLDERS[MessageKind(kind)])
            if unknown:
                raise ValueError(f"{kind}: unknown placeholder(s) {', '.join(unknown)}")
        return value

    @field_validator("templates")
    @classmethod
    def _templates(cls, value: dict) -> dict:
        from regulars.messaging.rules.templates import TemplateError, validate_overrides

        try:
            validate_overrides(value)
        except TemplateError as exc:  # reported by pydantic under this field's name
            raise ValueError(str(exc)) from None
        return value


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
            hours={d: [(start, end) for start, end in spans] for d, spans in self.working_hours.items()},
            breaks={d: [(start, end) for start, end in spans] for d, spans in self.breaks.items()},
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
    # the last completed visits, oldest first: [start, service, staff, booked at] (ISO instants)
    visit_log: list[list[str]] = []


class Client(BaseModel):
    id: str
    name: str
    phone: str | None  # none once the client's data was erased
    email: str | None = None
    birthday: date | None = None
    locale: str | None = None
    notes: str | None = None
    tags: list[str] = []
    consents: dict[str, dict] = {}
    channels: dict[str, dict] = {}
    referred_by: str | None = None  # the client whose referral code brought this one
    lifecycle: dict | None = None  # {"status": "at_risk", "reason": ..., "since": ...}
    invited: dict[str, str] = {}  # service -> when a repeat-visit invitation last named it
    created_at: datetime
    source: str = "admin"
    erased_at: datetime | None = None
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
    bonus_amount: int | None = None  # paid with bonus at checkout
    refunded_at: datetime | None = None
    source: Source
    late_cancellation: bool = False
    cancel_reason: str | None = None
    created_at: datetime
    updated_at: datetime
    history: list[HistoryEntry] = []
    version: int | None = None
