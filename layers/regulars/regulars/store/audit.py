"""The salon's audit trail: who exported or erased a client's data, and when (append-only)."""

from __future__ import annotations

from datetime import datetime

from regulars.store.base import Entity, format_instant
from regulars.store.items import AuditEntry

Entry = AuditEntry  # an entry of the trail, written in the transaction of what it records


def entry(
    salon_id: str,
    entry_id: str,
    action: str,
    by: str,
    at: datetime,
    *,
    client_id: str | None = None,
    detail: dict | None = None,
) -> AuditEntry:
    return AuditEntry(
        salon_id=salon_id,
        entry_id=entry_id,
        action=action,
        by=by,
        at=at,
        client_id=client_id,
        detail=detail or {},
    )


def record(item: AuditEntry) -> None:
    item.save(condition=AuditEntry.pk.does_not_exist())


def trail(salon_id: str, start: datetime, end: datetime, limit: int = 200) -> list[AuditEntry]:
    """Entries from ``start`` to ``end``, newest first."""
    pk = AuditEntry.render_key("pk", salon_id=salon_id)
    cond = Entity.sk.between(f"AUDIT#{format_instant(start)}", f"AUDIT#{format_instant(end)}~")
    return [
        i for i in Entity.query(pk, cond, scan_index_forward=False, limit=limit) if isinstance(i, AuditEntry)
    ]
