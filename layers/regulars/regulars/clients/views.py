"""Clients and the salon's audit trail as the API shows them."""

from __future__ import annotations

from regulars.clients.model import AuditRecord, Client
from regulars.clients.schemas import AuditEntryOut, ClientOut


def client(c: Client) -> ClientOut:
    return ClientOut(
        id=c.id,
        name=c.name,
        phone=c.phone,
        email=c.email,
        birthday=c.birthday,
        locale=c.locale,
        notes=c.notes,
        tags=c.tags,
        consents=c.consents,
        channels=c.channels,
        lifecycle=c.lifecycle,
        created_at=c.created_at,
        erased_at=c.erased_at,
        stats=c.stats,
    )


def audit_entry(e: AuditRecord) -> AuditEntryOut:
    return AuditEntryOut(id=e.id, at=e.at, action=e.action, by=e.by, client_id=e.client_id, detail=e.detail)
