"""Request and response models of the clients routes: a client, data rights and the audit trail."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from regulars.clients.model import ClientStats
from regulars.core.fields import ClientLocale, Email, Name, Tags


class ClientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    phone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40)]
    email: Email | None = None
    birthday: date | None = None
    locale: ClientLocale | None = None
    notes: Annotated[str, StringConstraints(max_length=2000)] | None = None
    tags: Tags = []
    marketing_consent: bool | None = None


class ClientPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name | None = None
    phone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40)] | None = None
    email: Email | None = None
    birthday: date | None = None
    locale: ClientLocale | None = None
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
    channels: dict = Field(
        default_factory=dict,
        description="Where the client is reached besides SMS: "
        "a linked Telegram chat, WhatsApp, push; and channels that failed for good",
    )
    lifecycle: dict | None = Field(default=None, description="e.g. at risk, with the reason in words")
    created_at: datetime
    erased_at: datetime | None = Field(default=None, description="when the client's personal data was erased")
    stats: ClientStats


class ClientsOut(BaseModel):
    clients: list[ClientOut]


class ErasureIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None = Field(
        default=None, description="why, as the request was made (kept in the audit trail)"
    )


class ErasureOut(BaseModel):
    client_id: str
    erased_at: datetime
    already: bool = Field(description="the client had been erased before: nothing was done now")
    removed: dict[str, int] = Field(
        default_factory=dict, description="how many items of each kind were changed"
    )


class AuditEntryOut(BaseModel):
    id: str
    at: datetime
    action: str = Field(
        description="client.exported, client.erased, loyalty.adjusted, salon.updated, "
        "service.created|updated, staff.created|updated, segment.saved|deleted, "
        "campaign.created|cancelled, team.invited|role_changed|removed"
    )
    by: str
    client_id: str | None
    detail: dict


class AuditOut(BaseModel):
    entries: list[AuditEntryOut]
