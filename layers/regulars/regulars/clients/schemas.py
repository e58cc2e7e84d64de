"""Request and response models of the clients routes: the client card, messages, data rights and the audit trail."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from regulars.booking.schemas import AppointmentOut
from regulars.clients.model import ClientStats
from regulars.core.fields import Email, Locale, Name, Tags


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
    stats: ClientStats


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
