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

from regulars.core.fields import MAX_SETTINGS_BYTES, Email, Id, Locale, Name, Phone, Ref
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


class SalonSettingsPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    timezone: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    locale: Locale | None = None
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


class ServicePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    duration_minutes: int | None = Field(default=None, ge=5, le=MAX_SERVICE_MINUTES, multiple_of=5)
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
