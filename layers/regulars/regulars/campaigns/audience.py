"""The salon's clients as a campaign sees them, and segments: saved filters whose members are found
afresh each time, previewed on the clients as they are now."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from regulars.campaigns import repo as store
from regulars.campaigns.model import Segment
from regulars.campaigns.segments import Profile, SegmentFilter, consents_to, select
from regulars.core.config import settings
from regulars.core.ids import new_id
from regulars.messaging.outbox.dispatch import reachable
from regulars.salon import service as salon_service
from regulars.store import audit

SAMPLE = 10


# --- the population ----------------------------------------------------------------------------------
def profile(held: store.ClientAccount, enabled: tuple[str, ...]) -> Profile:
    client = held.client
    log = client.stats.visit_log
    return Profile(
        client_id=client.id,
        name=client.name,
        locale=client.locale,
        visits=client.stats.visits,
        total_spent=client.stats.total_spent,
        last_visit_at=client.stats.last_visit_at,
        lifecycle=held.lifecycle,
        tags=frozenset(client.tags),
        birthday=client.birthday,
        consents=client.consents,
        reachable=frozenset(c.value for c in reachable("client", client, enabled)),
        services=frozenset(e[1] for e in log),
        staff=frozenset(e[2] for e in log),
        balance=held.balance,
        tier=held.tier,
        erased=client.erased_at is not None,
    )


def population(salon_id: str) -> list[Profile]:
    enabled = tuple(settings().channels)
    return [profile(held, enabled) for page in store.client_pages(salon_id) for held in page]


def audience_of(profiles: list[Profile]) -> list[Profile]:
    """Who a campaign may write to: marketing consent on a channel that reaches them."""
    return [p for p in profiles if consents_to(p, "marketing", None)]


def preview(salon_id: str, f: SegmentFilter, now: datetime) -> dict[str, Any]:
    """How many clients ``f`` names now, how many of them a campaign reaches, and a sample."""
    profiles = population(salon_id)
    chosen = select(f, profiles, now, salon_service.salon(salon_id).tz)
    return {
        "count": len(chosen),
        "reachable": len(audience_of(chosen)),
        "clients_in_salon": len(profiles),
        "sample": [
            {
                "client_id": p.client_id,
                "name": p.name,
                "visits": p.visits,
                "total_spent": p.total_spent,
                "last_visit_at": p.last_visit_at,
                "lifecycle": p.lifecycle,
                "tier": p.tier,
                "balance": p.balance,
            }
            for p in chosen[:SAMPLE]
        ],
        "computed_at": now,
    }


# --- segments ------------------------------------------------------------------------------------------
def segments(salon_id: str) -> list[Segment]:
    return store.segments(salon_id)


def segment_filter(salon_id: str, segment_id: str) -> SegmentFilter:
    """A saved segment's conditions; NotFound for an unknown segment."""
    return SegmentFilter.model_validate(store.segment(salon_id, segment_id).filter)


def preview_segment(salon_id: str, segment_id: str, now: datetime) -> dict[str, Any]:
    return preview(salon_id, segment_filter(salon_id, segment_id), now)


def save_segment(
    salon_id: str, segment_id: str | None, name: str, f: SegmentFilter, who: str, now: datetime
) -> Segment:
    """A new segment (``segment_id`` None), or a saved one's new name and conditions."""
    conditions = f.model_dump(mode="json", exclude_none=True)
    if segment_id is not None:
        saved = store.change_segment(salon_id, segment_id, name=name, filter=conditions, now=now)
    else:
        saved = store.add_segment(
            Segment(
                salon_id=salon_id,
                id=new_id(now),
                name=name,
                filter=conditions,
                created_by=who,
                created_at=now,
                updated_at=now,
            )
        )
    audited(
        salon_id, "segment.saved", who, now, segment_id=saved.id, name=saved.name, created=segment_id is None
    )
    return saved


def delete_segment(salon_id: str, segment_id: str) -> None:
    """Delete a segment; the campaigns made from it keep their copy of its conditions."""
    store.delete_segment(salon_id, segment_id)


def audited(salon_id: str, action: str, who: str, now: datetime, **detail: object) -> None:
    """A change to the salon's marketing (a segment, a campaign) into the audit trail, right after it is saved."""
    audit.record(audit.entry(salon_id, new_id(now), action, who, now, detail=detail))
