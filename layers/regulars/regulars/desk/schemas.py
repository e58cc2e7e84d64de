"""Request and response models of the desk's routes: the client card and a message written by the salon."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from regulars.booking.schemas import AppointmentOut
from regulars.clients.schemas import ClientOut


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
    throttled: int = Field(
        default=0, description="Times a provider asked to slow down (not counted in attempts)"
    )
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


class ClientHistoryOut(BaseModel):
    client: dict = Field(description="Profile, notes, tags, consents, channels, statistics and lifecycle")
    preferences: dict = Field(
        description="Services and staff the client chooses most, and the usual time of day"
    )
    spend: dict = Field(description="Total, average per visit, paid with bonus, refunded (minor units)")
    services: list[dict]
    staff: list[dict]
    visits: list[dict]
    feedback: list[dict]
    complaints: list[dict] = Field(description="Unhappy ratings and the follow-up tasks they opened")
    defections: list[dict]
    messages: list[dict] = Field(
        description="Each message: kind, purpose, channel, status and what became of it"
    )
    ledger: list[dict]
    bonus_balance: int
