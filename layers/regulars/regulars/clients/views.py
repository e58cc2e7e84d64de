"""Clients, their messages and the salon's audit trail as the API shows them."""

from __future__ import annotations

from regulars.clients.model import AuditRecord, Client
from regulars.clients.schemas import AuditEntryOut, ClientOut, MessageOut
from regulars.messaging.outbox.model import MessageRecord


def client(c: Client) -> ClientOut:
    return ClientOut(
        id=c.id, name=c.name, phone=c.phone, email=c.email, birthday=c.birthday, locale=c.locale, notes=c.notes,
        tags=c.tags, consents=c.consents, channels=c.channels, lifecycle=c.lifecycle, created_at=c.created_at,
        erased_at=c.erased_at, stats=c.stats,
    )


def message(x: MessageRecord) -> MessageOut:
    return MessageOut(
        id=x.message_id, kind=x.kind, purpose=x.purpose, status=x.status, channel=x.channel,
        appointment_id=x.appointment_id, created_at=x.created_at, skip_reason=x.skip_reason, text=x.text,
        error=x.error, attempts=x.attempts, not_before=x.not_before, sent_at=x.sent_at,
        delivered_at=x.delivered_at, segments=x.segments, cost_micros=x.cost_amount, cost_currency=x.cost_currency,
    )


def audit_entry(e: AuditRecord) -> AuditEntryOut:
    return AuditEntryOut(id=e.id, at=e.at, action=e.action, by=e.by, client_id=e.client_id, detail=e.detail)
