"""Messages as the outbox plans them and as they stand later. Pure data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class PlannedMessage:
    salon_id: str
    message_id: str
    kind: str
    purpose: str
    recipient: str
    created_at: datetime
    client_id: str | None = None
    about_client_id: str | None = None  # the client a message to someone else speaks of
    campaign_id: str | None = None
    staff_id: str | None = None
    appointment_id: str | None = None
    locale: str | None = None
    values: dict = field(default_factory=dict)
    not_before: datetime | None = None
    status: str = "planned"
    skip_reason: str | None = None
    text: str | None = None  # given as written (a message the salon typed): not rendered
    expires: datetime | None = None  # removed by TTL then (a one-time code: nothing to keep)


@dataclass(frozen=True)
class MessageRecord(PlannedMessage):
    """A message with what became of it: the channel chosen, the attempts, sent, delivered, its cost."""

    channel: str | None = None
    address: str | None = None  # the channel's: E.164 phone, Telegram chat id, push endpoint
    buttons: list[dict] | None = None  # [{"text": ..., "data": ...}]
    whatsapp_template: dict | None = None  # {"name", "language", "body_parameters", "quick_reply_payloads"}
    route: int = 0  # how many times a channel was chosen (a fallback adds one)
    failed_channels: list[str] = field(default_factory=list)
    retry_at: datetime | None = None
    updated_at: datetime | None = None
    error: str | None = None  # the last failure, or why the message waits
    attempts: int = 0
    throttled: int = 0  # times the provider asked to slow down (not counted in attempts)
    sent_at: datetime | None = None
    delivered_at: datetime | None = None
    segments: int | None = None
    cost_amount: int | None = None  # minor units of cost_currency
    cost_currency: str | None = None

    @property
    def changed_at(self) -> datetime:
        """When it last changed (its creation, for one never changed)."""
        return self.updated_at or self.created_at
