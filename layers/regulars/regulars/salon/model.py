"""The salon's types: its profile and settings (a section per feature), services, staff and their hours, the catalog. Pure data."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator

from regulars.core.money import Money
from regulars.core.schedule import WorkingPattern
from regulars.salon.settings.campaigns import CampaignSettings
from regulars.salon.settings.data_retention import DataRetentionSettings
from regulars.salon.settings.feedback import FeedbackSettings
from regulars.salon.settings.loyalty import LoyaltySettings
from regulars.salon.settings.messages import Notifications, WhatsAppTemplateSetting
from regulars.salon.settings.protection import ProtectionSettings
from regulars.salon.settings.retention import RetentionSettings

HHMM_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$"


HHMM = Annotated[str, Field(pattern=HHMM_PATTERN)]


# from, to: documented as an array of two times, not as a tuple (prefixItems), which some OpenAPI tools
# (schemathesis among them) do not read inside a map of days
Span = Annotated[
    tuple[HHMM, HHMM],
    WithJsonSchema(
        {"type": "array", "items": {"type": "string", "pattern": HHMM_PATTERN}, "minItems": 2, "maxItems": 2}
    ),
]


Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


WeekSpec = dict[Weekday, list[Span]]


MAX_SERVICE_MINUTES = 240  # a move of a visit between staff rewrites 2 x 48 lock cells: under 100 items


ChannelName = Literal["push", "telegram", "whatsapp", "sms"]


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
        default_factory=lambda: [24 * 60, 120],
        max_length=5,
        description="Reminders this many minutes before each visit",
    )
    confirmation_offset_minutes: int | None = Field(
        default=24 * 60,
        ge=0,
        le=60 * 24 * 30,
        description="The reminder at this offset asks the client to confirm (None: none do)",
    )
    notifications: Notifications = Field(default_factory=lambda: Notifications())
    channel_order: list[ChannelName] = Field(
        default_factory=_all_channels,
        min_length=1,
        max_length=4,
        description="Channels tried in this order: the first that reaches the client and is allowed",
    )
    quiet_hours: str = Field(
        default="21:00-09:00",
        pattern=r"^\d\d:\d\d-\d\d:\d\d$",
        description="Local hours in which marketing waits and reminders move to the evening before",
    )
    marketing_cap: int = Field(
        default=2, ge=0, le=50, description="Marketing messages a client gets at most ..."
    )
    marketing_cap_days: int = Field(default=7, ge=1, le=90, description="... in any window of this many days")
    templates: dict[
        str, Annotated[dict[str, Annotated[str, Field(max_length=1000)]], Field(max_length=10)]
    ] = Field(
        default_factory=dict,
        max_length=40,
        description="The salon's own texts: kind -> locale -> text with {placeholders}",
    )
    loyalty: LoyaltySettings = Field(default_factory=lambda: LoyaltySettings())
    feedback: FeedbackSettings = Field(default_factory=lambda: FeedbackSettings())
    retention: RetentionSettings = Field(default_factory=lambda: RetentionSettings())
    campaigns: CampaignSettings = Field(default_factory=lambda: CampaignSettings())
    protection: ProtectionSettings = Field(default_factory=lambda: ProtectionSettings())
    data_retention: DataRetentionSettings = Field(default_factory=lambda: DataRetentionSettings())
    whatsapp_templates: dict[str, WhatsAppTemplateSetting] = Field(
        default_factory=dict,
        max_length=40,
        description="Approved WhatsApp templates by message kind (for a closed window)",
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


# the salon's fields the client pages show beside its name (each optional)
PROFILE = ("address", "phone", "logo_url", "brand_color", "privacy_url")


class Salon(BaseModel):
    id: str
    name: str
    timezone: str
    currency: str
    locale: str
    country: str
    settings: SalonSettings = SalonSettings()
    # what the client pages show of the salon (the catalog): each optional
    address: str | None = None
    phone: str | None = None
    logo_url: str | None = None
    brand_color: str | None = None
    privacy_url: str | None = None

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
    description: str | None = None
    category: str | None = None

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
    title: str | None = None
    photo_url: str | None = None

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
