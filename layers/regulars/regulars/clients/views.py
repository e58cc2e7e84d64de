"""Clients and their messages as the API shows them."""

from __future__ import annotations

from regulars.clients.model import Client
from regulars.clients.schemas import ClientOut, MessageOut
from regulars.messaging.outbox.items import Message


def client(c: Client) -> ClientOut:
    return ClientOut(
        id=c.id, name=c.name, phone=c.phone, email=c.email, birthday=c.birthday, locale=c.locale, notes=c.notes,
        tags=c.tags, consents=c.consents, channels=c.channels, lifecycle=c.lifecycle, created_at=c.created_at,
        erased_at=c.erased_at, stats=c.stats,
    )


def message(x: Message) -> MessageOut:
    return MessageOut(
        id=x.message_id, kind=x.kind, purpose=x.purpose, status=x.status, channel=x.channel,
        appointment_id=x.appointment_id, created_at=x.created_at, skip_reason=x.skip_reason, text=x.text,
        error=x.error, attempts=int(x.attempts or 0), not_before=x.not_before, sent_at=x.sent_at,
        delivered_at=x.delivered_at, segments=int(x.segments) if x.segments is not None else None,
        cost_micros=int(x.cost_amount) if x.cost_amount is not None else None, cost_currency=x.cost_currency,
    )
