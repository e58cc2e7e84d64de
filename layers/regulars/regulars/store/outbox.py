"""The outbox: messages planned once per cause, then carried through their states."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from regulars.store.base import Entity
from regulars.store.models import MESSAGES, Message


@dataclass(frozen=True)
class PlannedMessage:
    salon_id: str
    message_id: str
    kind: str
    purpose: str
    recipient: str
    created_at: datetime
    client_id: str | None = None
    staff_id: str | None = None
    appointment_id: str | None = None
    locale: str | None = None
    values: dict = field(default_factory=dict)
    not_before: datetime | None = None
    status: str = "planned"
    skip_reason: str | None = None


def _planned(item: Message) -> PlannedMessage:
    return PlannedMessage(
        salon_id=item.salon_id, message_id=item.message_id, kind=item.kind, purpose=item.purpose,
        recipient=item.recipient, created_at=item.created_at, client_id=item.client_id, staff_id=item.staff_id,
        appointment_id=item.appointment_id, locale=item.locale, values=dict(item.values or {}),
        not_before=item.not_before, status=item.status, skip_reason=item.skip_reason,
    )


def plan(message: PlannedMessage) -> bool:
    """Write the message unless its cause has planned it already; True if written now."""
    item = Message(
        salon_id=message.salon_id, message_id=message.message_id, kind=message.kind, purpose=message.purpose,
        recipient=message.recipient, client_id=message.client_id, staff_id=message.staff_id,
        appointment_id=message.appointment_id, locale=message.locale, values=message.values,
        not_before=message.not_before, status=message.status, skip_reason=message.skip_reason,
        created_at=message.created_at, updated_at=message.created_at,
    )
    return item.save_new()


def get(salon_id: str, message_id: str) -> PlannedMessage | None:
    item = Message.find(salon_id=salon_id, message_id=message_id, consistent=True)
    return _planned(item) if item else None


def for_client(salon_id: str, client_id: str, limit: int = 100) -> list[PlannedMessage]:
    hk = Message.render_key("gsi2pk", salon_id=salon_id, client_id=client_id)
    items = Entity.by_gsi2.query(hk, Entity.gsi2sk.startswith(MESSAGES), scan_index_forward=False, limit=limit)
    return [_planned(i) for i in items if isinstance(i, Message)]
