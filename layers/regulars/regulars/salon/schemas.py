"""Request and response models of the salon's routes: its profile and settings, services, staff, the catalog."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

from regulars.core.fields import (
    MAX_SETTINGS_BYTES,
    Address,
    BrandColor,
    Description,
    Email,
    HttpsUrl,
    Id,
    Label,
    Locale,
    Name,
    Phone,
    Ref,
)
from regulars.core.money import Money
from regulars.salon.model import MAX_SERVICE_MINUTES, SalonSettings, Span, Weekday

# working hours or breaks: for each day, at most 8 spans ("09:00", "13:00"); only weekdays are keys
WeekHours = dict[Weekday, Annotated[list[Span], Field(max_length=8)]]


# --------------------------------------------------------------------------- widget (public)
class SalonOut(BaseModel):
    id: str
    name: str
    timezone: str
    currency: str
    locale: str
    address: str | None = Field(default=None, description="Where the salon is (the page links it to a map)")
    phone: str | None = Field(default=None, description="The salon's phone for clients")
    logo_url: str | None = Field(default=None, description="The salon's logo (https)")
    brand_color: str | None = Field(default=None, description="The salon's colour on its pages, #rrggbb")
    privacy_url: str | None = Field(default=None, description="The salon's privacy policy (https)")


class ServiceOut(BaseModel):
    id: str
    name: str
    duration_minutes: int
    price: Money
    description: str | None = None
    category: str | None = Field(default=None, description="The booking page groups services by it")


class StaffOut(BaseModel):
    id: str
    name: str
    service_ids: list[str]
    title: str | None = Field(default=None, description="e.g. Senior stylist")
    photo_url: str | None = None


class CatalogOut(BaseModel):
    salon: SalonOut
    services: list[ServiceOut]
    staff: list[StaffOut]


class SalonSettingsPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    timezone: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    locale: Locale | None = None
    address: Address | None = Field(default=None, description="null clears it (as each of these five)")
    phone: Phone | None = None
    logo_url: HttpsUrl | None = None
    brand_color: BrandColor | None = None
    privacy_url: HttpsUrl | None = None
    settings: SalonSettings | None = Field(
        default=None,
        description=f"At most {MAX_SETTINGS_BYTES // 1024} KiB as stored (JSON, non-ASCII escaped)",
    )

    @field_validator("settings")
    @classmethod
    def _stored_size(cls, value: SalonSettings | None) -> SalonSettings | None:
        # stored as JSON with \u escapes on the salon's item: an item holds at most 400 KB
        if value is not None and len(json.dumps(value.model_dump(mode="json"))) > MAX_SETTINGS_BYTES:
            raise ValueError(
                f"the settings take more than {MAX_SETTINGS_BYTES // 1024} KiB: shorten the texts"
            )
        return value


class SalonAdminOut(SalonOut):
    country: str
    settings: SalonSettings


class MessageTemplateOut(BaseModel):
    """A message kind the salon may write its own text for: the placeholders that text may use, and
    the texts the engine sends without one, by language."""

    kind: str
    placeholders: list[str]
    defaults: dict[str, str] = Field(description="Language -> the default text")
    max_chars: int


class ServiceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: Id
    name: Name
    duration_minutes: int = Field(ge=5, le=MAX_SERVICE_MINUTES, multiple_of=5)
    price_amount: int = Field(ge=0, le=10_000_000)
    repeat_interval_days: int | None = Field(default=None, ge=1, le=730)
    active: bool = True
    description: Description | None = None
    category: Label | None = None


class ServicePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    duration_minutes: int | None = Field(default=None, ge=5, le=MAX_SERVICE_MINUTES, multiple_of=5)
    price_amount: int | None = Field(default=None, ge=0, le=10_000_000)
    repeat_interval_days: int | None = Field(default=None, ge=1, le=730)
    active: bool | None = None
    description: Description | None = Field(default=None, description="null clears it")
    category: Label | None = Field(default=None, description="null clears it")


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
    title: Label | None = None
    photo_url: HttpsUrl | None = None


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
    title: Label | None = Field(default=None, description="null clears it")
    photo_url: HttpsUrl | None = Field(default=None, description="null clears it")
