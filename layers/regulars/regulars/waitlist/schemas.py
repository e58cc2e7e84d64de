"""Request and response models of the waitlist's routes: joining and leaving from the booking page,
an offer's page and its acceptance, and the desk's list."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from regulars.booking.schemas import AppointmentBrief, ClientIn
from regulars.core.fields import Ref
from regulars.salon.schemas import SalonOut
from regulars.waitlist.rules import MAX_DAYS

Part = Literal["morning", "afternoon", "evening"]
EntryStatus = Literal["waiting", "booked", "left", "removed", "expired"]


class WaitlistJoinIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"description": "A client who found no time waits for one"}
    )

    client: ClientIn
    service_id: Ref
    staff_ids: list[Ref] = Field(default_factory=list, max_length=20, description="Empty: anyone")
    days: list[date] = Field(
        default_factory=list, max_length=MAX_DAYS, description="Local dates within online booking's horizon"
    )
    weekdays: list[Annotated[int, Field(ge=1, le=7)]] = Field(
        default_factory=list, max_length=7, description="Every week on these days (ISO: 1 = Monday)"
    )
    parts: list[Part] = Field(
        min_length=1,
        max_length=3,
        description="Parts of the day in the salon's time: morning before 12:00, afternoon to 17:00, evening after",
    )
    consent: bool = Field(description="The client agrees to be messaged about this entry (required: true)")
    phone_proof: Annotated[str, StringConstraints(min_length=10, max_length=1024)] | None = Field(
        default=None, description="The proof a one-time code gave, where the salon wants phones proven"
    )


class WaitlistEntryPublic(BaseModel):
    id: str
    status: EntryStatus
    service_id: str
    service_name: str
    staff_ids: list[str]
    days: list[date]
    weekdays: list[int]
    parts: list[Part]
    expires_at: str = Field(
        description="ISO 8601 with the salon's UTC offset: the end of the last day asked for"
    )


class WaitlistJoinOut(BaseModel):
    entry: WaitlistEntryPublic
    leave_url: str = Field(description="The client's link to see and leave the entry")


class WaitlistEntryPage(BaseModel):
    salon: SalonOut
    entry: WaitlistEntryPublic


class WaitlistOfferOut(BaseModel):
    status: Literal["open", "taken", "expired", "booked"]
    service_id: str
    service_name: str
    staff_id: str
    staff_name: str
    start: str
    end: str
    hold_until: str
    client_name: str
    locale: str | None = Field(
        default=None, description="The language the client joined in (the page's first choice)"
    )


class WaitlistOfferPage(BaseModel):
    salon: SalonOut
    offer: WaitlistOfferOut
    appointment: AppointmentBrief | None = None


class WaitlistEntryOut(BaseModel):
    """An entry as the desk sees it."""

    id: str
    status: EntryStatus
    client_name: str
    phone: str
    client_id: str | None
    service_id: str
    staff_ids: list[str]
    days: list[date]
    weekdays: list[int]
    parts: list[Part]
    joined_at: datetime
    expires_at: str
    offers: int = Field(description="Freed times offered so far")
    last_offer_at: datetime | None
    appointment_id: str | None


class WaitlistOut(BaseModel):
    entries: list[WaitlistEntryOut]


class WaitlistBookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: AwareDatetime
    staff_id: Ref
