"""What the admin sees of retention: a client's whole history in one view, the clients in a
lifecycle status with the reason as of now, the defections and their statistics; and the reason the
admin gives for a defection."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from regulars.clients import repo as client_store
from regulars.retention import lifecycle
from regulars.retention import repo as store
from regulars.retention.rules import Status
from regulars.retention.winback import may_market


def in_status(
    salon_id: str, status: Status, now: datetime, *, limit: int, cursor: str | None
) -> tuple[list[dict], str | None]:
    """Clients in a lifecycle status, the latest to enter it first, with the reason as of now and
    what they are worth (visits, spend)."""
    cat = lifecycle.catalog(salon_id)
    items, following = store.in_status(salon_id, status.value, limit=limit, cursor=cursor)
    out = []
    for item in items:
        client = client_store.to_domain(item)
        if client.erased_at is not None:  # erased before erasure took clients out of the index
            continue
        record = client.lifecycle or {}
        seen = (
            lifecycle.assess(cat, client, now, None)
            if status in (Status.AT_RISK, Status.LAPSED, Status.LOST)
            else None
        )
        fresh = seen if seen is not None and seen.status is status else None
        out.append(
            {
                "client_id": client.id,
                "name": client.name,
                "phone": client.phone,
                "status": status.value,
                "reason": fresh.reason if fresh else record.get("reason", "no visit yet"),
                "since": record.get("since"),
                "visits": client.stats.visits,
                "total_spent": client.stats.total_spent,
                "average_spend": client.stats.total_spent // client.stats.visits
                if client.stats.visits
                else 0,
                "last_visit_at": client.stats.last_visit_at,
                "cadence_days": record.get("cadence_days"),
                "marketing": may_market(client),
            }
        )
    return out, following


def defection_stats(salon_id: str, first_month: str, last_month: str) -> dict:
    months = store.tallies(salon_id, first_month, last_month)
    total: dict[str, Counter] = {d: Counter() for d in store.DIMENSIONS}
    by_month = {}
    for month, dims in months.items():
        for d in store.DIMENSIONS:
            total[d].update(dims.get(d, {}))
        by_month[month] = {
            "total": sum(dims.get("all", {}).values()),
            **{f"by_{d}": dict(dims.get(d, {})) for d in store.DIMENSIONS},
        }
    return {
        "first_month": first_month,
        "last_month": last_month,
        "total": sum(m["total"] for m in by_month.values()),
        **{f"by_{d}": dict(total[d]) for d in store.DIMENSIONS},
        "by_month": by_month,
    }


def defections(salon_id: str, since: datetime, until: datetime, *, limit: int) -> list[dict]:
    """The salon's defections between two instants, newest first."""
    return [store.defection_view(d) for d in store.listed(salon_id, since, until, limit=limit)]


def give_reason(salon_id: str, defection_id: str, reason: str, note: str | None, by: str) -> dict:
    """The admin says why a client defected: it replaces any reason known (the admin may always correct it)."""
    d = store.set_reason(salon_id, defection_id, reason=reason, source="admin", detail=note or f"set by {by}")
    assert d is not None  # set with overwrite: never refused
    return store.defection_view(d)
