"""Everything filed under a client: every kind of item a feature files under the client's partition of
the second index (visits, ledger entries, feedback, tasks, defections, referral codes, links) and of
the third (messages, whose index holds their keys alone), for the views and the data rights that need
them all."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from regulars.store.base import Entity, whole


def under_client(salon_id: str, client_id: str) -> list[Entity]:
    """Everything filed under the client (visits, messages, ledger entries, feedback, tasks,
    defections): a Query of the client's partition in the second index and one in the third (its
    messages, then read whole), newest first by kind."""
    hk = f"SALON#{salon_id}#CLIENT#{client_id}"
    messages = whole(Entity.by_gsi3.query(hk, scan_index_forward=False))
    filed = [*Entity.by_gsi2.query(hk, scan_index_forward=False), *messages]
    return sorted(filed, key=lambda i: i.gsi2sk or i.gsi3sk or "", reverse=True)


def dump(item: Entity) -> dict[str, Any]:
    """An item's own attributes (no keys), JSON-ready."""
    out = {}
    for name in item.get_attributes():
        if name in (
            "pk",
            "sk",
            "gsi1pk",
            "gsi1sk",
            "gsi2pk",
            "gsi2sk",
            "gsi3pk",
            "gsi3sk",
            "entity_type",
            "version",
            "expires",
        ):
            continue
        value = getattr(item, name, None)
        if isinstance(value, datetime):
            value = value.isoformat()
        elif isinstance(value, set):
            value = sorted(value)
        out[name] = value
    return out
