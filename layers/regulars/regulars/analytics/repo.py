"""The salon's figures as they happen: a month's tallies moved with ADD once per fact (the fact's
marker is put in the same transaction), and the nightly snapshot of what only the whole client list
can say. A report reads a few hundred small items, never the salon's history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from regulars.analytics.items import AnalyticsSnapshot, AnalyticsTally
from regulars.analytics.model import Tally
from regulars.store.base import Entity, Tx
from regulars.store.items import ProcessedEvent

MARKER_KEEP = timedelta(days=30)  # an event's marker: longer than a stream keeps a record
FOREVER = None  # a fact that must never count twice (a client's cohort, a visit's rebooking)


@dataclass(frozen=True)
class Delta:
    month: str  # YYYY-MM in the salon's zone
    figure: str
    value: str
    count: int = 1
    amount: int = 0


@dataclass(frozen=True)
class Fact:
    """Something that must count once whichever event brings it (a client's first visit of a
    month, their cohort, a visit's rebooking), with what it adds."""

    name: str
    deltas: tuple[Delta, ...]
    keep: timedelta | None = MARKER_KEEP


ATTEMPTS = 5


def _marker(salon_id: str, name: str, now: datetime, keep: timedelta | None) -> ProcessedEvent:
    return ProcessedEvent(
        salon_id=salon_id,
        event_id=f"analytics:{name}",
        processed_at=now,
        expires=now + keep if keep else None,
    )


def _counted(salon_id: str, facts: Sequence[Fact]) -> set[str]:
    """The facts among ``facts`` whose marker is there (one consistent BatchGetItem)."""
    if not facts:
        return set()
    keys = [
        (
            ProcessedEvent.render_key("pk", salon_id=salon_id),
            ProcessedEvent.render_key("sk", event_id=f"analytics:{f.name}"),
        )
        for f in facts
    ]
    found = ProcessedEvent.batch_get(keys, consistent_read=True)
    return {item.event_id.removeprefix("analytics:") for item in found}


def count_once(
    salon_id: str,
    event: str,
    deltas: Sequence[Delta],
    now: datetime,
    *,
    facts: Sequence[Fact] = (),
    keep: timedelta | None = MARKER_KEEP,
) -> bool:
    """Add ``deltas``, and each of ``facts`` not counted before, to their tallies in one transaction
    with their markers, unless ``event`` was counted before; True if counted now."""
    for _ in range(ATTEMPTS):
        counted = _counted(salon_id, facts)
        fresh = [f for f in facts if f.name not in counted]
        if not deltas and not fresh:
            return False
        merged: dict[tuple[str, str, str], list[int]] = {}
        for d in [*deltas, *(d for f in fresh for d in f.deltas)]:
            sums = merged.setdefault((d.month, d.figure, d.value), [0, 0])
            sums[0] += d.count
            sums[1] += d.amount
        tx = Tx()
        tx.put(_marker(salon_id, event, now, keep), ProcessedEvent.pk.does_not_exist(), label="event")
        for f in fresh:
            tx.put(_marker(salon_id, f.name, now, f.keep), ProcessedEvent.pk.does_not_exist(), label="fact")
        for (month, figure, value), (count, amount) in merged.items():
            tx.update(
                AnalyticsTally(salon_id=salon_id, month=month, figure=figure, value=value),
                [
                    AnalyticsTally.count.add(count),
                    AnalyticsTally.amount.add(amount),
                    AnalyticsTally.salon_id.set(salon_id),
                    AnalyticsTally.month.set(month),
                    AnalyticsTally.figure.set(figure),
                    AnalyticsTally.value.set(value),
                    AnalyticsTally.entity_type.set(AnalyticsTally),
                ],
                label="tally",
                add_version_condition=False,
            )
        done = tx.commit_once(may_change={"fact"})  # another event may count a fact meanwhile
        if done is not None:
            return done
    raise RuntimeError(f"could not count {event} after {ATTEMPTS} attempts")


def tallies(salon_id: str, first_month: str, last_month: str) -> list[Tally]:
    """The salon's tallies of the months between two (YYYY-MM)."""
    pk = AnalyticsTally.render_key("pk", salon_id=salon_id)
    found = Entity.query(pk, Entity.sk.between(f"STATS#{first_month}#", f"STATS#{last_month}#~"))
    return [
        Tally(
            month=t.month, figure=t.figure, value=t.value, count=int(t.count or 0), amount=int(t.amount or 0)
        )
        for t in found
        if isinstance(t, AnalyticsTally)
    ]


def snapshot(salon_id: str) -> AnalyticsSnapshot | None:
    return AnalyticsSnapshot.find(salon_id=salon_id)


def save_snapshot(salon_id: str, figures: dict, now: datetime) -> None:
    AnalyticsSnapshot(salon_id=salon_id, taken_at=now, figures=figures).save()
