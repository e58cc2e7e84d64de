"""Everything filed under a client: every kind of item a feature files under the client's partition of
the second index (visits, messages, ledger entries, feedback, tasks, defections, referral codes, links),
read in one Query, for the views and the data rights that need them all."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from regulars.store.base import Entity


def under_client(salon_id: str, client_id: str) -> list[Entity]:
    """Everything filed under the client (visits, messages, ledger entries, feedback, tasks,
    defections): one Query of the client's partition in the second index, newest first by kind."""
    hk = f"SALON#{salon_id}#CLIENT#{client_id}"
    return list(Entity.by_gsi2.query(hk, scan_index_forward=False))


def dump(item: Entity) -> dict[str, Any]:
    """An item's own attributes (no keys), JSON-ready."""
    out = {}
    for name in item.get_attributes():
        if name in ("pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk", "entity_type", "version", "expires"):
            continue
        value = getattr(item, name, None)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, set):
            value = sorted(value)
        out[name] = value
    return out
