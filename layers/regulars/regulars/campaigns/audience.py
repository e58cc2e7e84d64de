"""The salon's clients as a campaign sees them, and segments: saved filters whose members are found
afresh each time, previewed on the clients as they are now."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from regulars.campaigns import projection_repo as projection
from regulars.campaigns import repo as store
from regulars.campaigns.model import Segment
from regulars.campaigns.segments import Profile, SegmentFilter, consents_to, select
from regulars.core.config import settings
from regulars.core.ids import new_id
from regulars.messaging.outbox.dispatch import reachable
from regulars.messaging.rules.routing import Channel
from regulars.runtime import afterwards
from regulars.salon import service as salon_service
from regulars.store import audit

SAMPLE = 10


# --- the population ----------------------------------------------------------------------------------
EVERY_CHANNEL = tuple(c.value for c in Channel)


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


def population(salon_id: str, enabled: tuple[str, ...] | None = None) -> list[Profile]:
    """Every client of the salon, read in full (each client item and bonus account), in client order;
    reachable over the deployment's channels unless ``enabled`` names others."""
    on = tuple(settings().channels) if enabled is None else enabled
    return [profile(held, on) for page in store.client_pages(salon_id) for held in page]


def audience_of(profiles: list[Profile]) -> list[Profile]:
    """Who a campaign may write to: marketing consent on a channel that reaches them."""
    return [p for p in profiles if consents_to(p, "marketing", None)]


def _on_deployment(profiles: list[Profile]) -> list[Profile]:
    """Profiles reachable over every channel narrowed to the channels this deployment sends on."""
    enabled = frozenset(settings().channels)
    return [p if p.reachable <= enabled else replace(p, reachable=p.reachable & enabled) for p in profiles]


# --- the projection the preview reads ------------------------------------------------------------------
def take_projection(salon_id: str, now: datetime) -> list[Profile]:
    """Read the whole population (after ``now``) and pack it as the salon's current projection; the
    profiles read, reachable over every channel (the nightly snapshot's one full read)."""
    projection.begin(salon_id, now)
    profiles = population(salon_id, EVERY_CHANNEL)
    projection.write(salon_id, profiles, now)
    return profiles


def projected(salon_id: str, now: datetime) -> list[Profile]:
    """The salon's population as the preview sees it: from the projection, or, where there is none
    fresh enough (a new salon, a snapshot job that did not run), from the full read, packed then."""
    found = projection.read(salon_id, now)
    return _on_deployment(found.profiles if found is not None else take_projection(salon_id, now))


def on_change(keys: dict, old: dict | None, new: dict | None, now: datetime) -> None:
    """A client's item or bonus account changed (a stream record's keys and images): when the change
    touched anything a segment asks about, the client's profile goes into the projection's deltas once
    the stream's batch is through (once per client however many of their records it held)."""
    if _profiled(old) == _profiled(new):
        return
    salon_id = keys["PK"]["S"].removeprefix("SALON#")
    client_id = keys["SK"]["S"].split("#", 1)[1]  # CLIENT#<id> or LOYALTY#<id>
    afterwards.once_per_client(_record_delta, salon_id, client_id, now)


def _record_delta(salon_id: str, client_id: str, now: datetime, _cause: str = "") -> bool:
    """The client's profile as it is now into the deltas, if the salon's projection is kept; True if
    a delta was written."""
    if not projection.kept(salon_id):
        return False
    held = store.client_account(salon_id, client_id)
    current = None if held is None else profile(held, EVERY_CHANNEL)
    written = projection.record(salon_id, client_id, current, now)
    if current is None or current.erased:  # erased (or gone): out of the chunks too, not in 3 days
        projection.forget(salon_id, client_id, current)
    return written


# what a profile is made of: the client item's attributes and the bonus account's
PROFILED = (
    "type",
    "visits",
    "total_spent",
    "last_visit_at",
    "visit_log",
    "lifecycle_status",
    "tags",
    "birthday",
    "consents",
    "channels",
    "phone",
    "erased_at",
    "balance",
    "tier",
)


def _profiled(image: dict | None) -> dict | None:
    return None if image is None else {k: image.get(k) for k in PROFILED}


def preview(salon_id: str, f: SegmentFilter, now: datetime) -> dict[str, Any]:
    """How many clients ``f`` names now, how many of them a campaign reaches, and a sample (the
    population from the projection; the sample's names read for the sample alone)."""
    return _previewed(projected(salon_id, now), f, now, salon_id)


def preview_full(salon_id: str, f: SegmentFilter, now: datetime) -> dict[str, Any]:
    """The same preview from the full read of every client (what the projection must equal)."""
    return _previewed(population(salon_id), f, now, salon_id)


def _previewed(profiles: list[Profile], f: SegmentFilter, now: datetime, salon_id: str) -> dict[str, Any]:
    chosen = select(f, profiles, now, salon_service.salon(salon_id).tz)
    sample = chosen[:SAMPLE]
    named = store.names(salon_id, [p.client_id for p in sample if not p.name])
    return {
        "count": len(chosen),
        "reachable": len(audience_of(chosen)),
        "clients_in_salon": len(profiles),
        "sample": [
            {
                "client_id": p.client_id,
                "name": p.name or named.get(p.client_id, ""),
                "visits": p.visits,
                "total_spent": p.total_spent,
                "last_visit_at": p.last_visit_at,
                "lifecycle": p.lifecycle,
                "tier": p.tier,
                "balance": p.balance,
            }
            for p in sample
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
