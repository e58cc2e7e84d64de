"""The salon's figures as they happen: a month's tallies moved with ADD once per fact (the fact's
marker is put in the same transaction), and the nightly snapshot of what only the whole client list
can say. A report reads a few hundred small items, never the salon's history.

In a stream batch the counts are gathered and written when its records are through: the markers
of all of them read at once, the tallies they share merged, as few transactions as hold them (a
batch of sent messages moves the same few tallies). A transaction that another process got ahead
of (a fact it counted meanwhile) is counted again one event at a time, as outside a batch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from regulars.analytics.items import AnalyticsSnapshot, AnalyticsTally
from regulars.analytics.model import Tally
from regulars.runtime import afterwards
from regulars.store.base import Entity, Tx, TxFailed
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


@dataclass(frozen=True)
class Add:
    """Numbers an event adds to an item of another feature's, once with the event (what a campaign's
    messages cost): ``item`` names it by its keys; ``fields`` are set on it, ``amounts`` added."""

    item: Entity
    amounts: tuple[tuple[str, int], ...]
    fields: tuple[tuple[str, Any], ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (str(self.item.pk), str(self.item.sk))


@dataclass(frozen=True)
class Count:
    """An event's deltas, facts and adds, to be counted once."""

    salon_id: str
    event: str
    deltas: tuple[Delta, ...]
    facts: tuple[Fact, ...]
    keep: timedelta | None
    now: datetime
    adds: tuple[Add, ...] = ()


ATTEMPTS = 5
TX_ITEMS = 100  # DynamoDB's limit of items in one transaction


def _marker(salon_id: str, name: str, now: datetime, keep: timedelta | None) -> ProcessedEvent:
    return ProcessedEvent(
        salon_id=salon_id,
        event_id=f"analytics:{name}",
        processed_at=now,
        expires=now + keep if keep else None,
    )


def _counted(salon_id: str, names: Sequence[str], *, consistent: bool = True) -> set[str]:
    """The events and facts among ``names`` whose marker is there (BatchGetItems). A read that is not
    consistent may miss a marker written a moment ago, never show one that is not there (markers
    outlive any redelivery): what it misses fails the transaction's condition, and is counted again
    one event at a time, reading consistently."""
    if not names:
        return set()
    pk = ProcessedEvent.render_key("pk", salon_id=salon_id)
    keys = [
        (pk, ProcessedEvent.render_key("sk", event_id=f"analytics:{name}")) for name in dict.fromkeys(names)
    ]
    found = ProcessedEvent.batch_get(keys, consistent_read=consistent)
    return {item.event_id.removeprefix("analytics:") for item in found}


def count_once(
    salon_id: str,
    event: str,
    deltas: Sequence[Delta],
    now: datetime,
    *,
    facts: Sequence[Fact] = (),
    keep: timedelta | None = MARKER_KEEP,
    adds: Sequence[Add] = (),
) -> None:
    """Add ``deltas`` (and ``adds`` to their items), and each of ``facts`` not counted before, to
    their tallies with their markers, unless ``event`` was counted before: when the stream batch ends
    (at once outside one)."""
    count = Count(salon_id, event, tuple(deltas), tuple(facts), keep, now, tuple(adds))
    if not afterwards.gather(count_all, count):
        _count_alone(count)


def _count_alone(c: Count) -> bool:
    """One event in a transaction of its own; True if counted now, False if it was before."""
    for _ in range(ATTEMPTS):
        counted = _counted(c.salon_id, [f.name for f in c.facts])
        fresh = [f for f in c.facts if f.name not in counted]
        if not c.deltas and not c.adds and not fresh:
            return False
        tx = _Transaction(c.salon_id)
        tx.add(c, fresh)
        done = tx.commit_once()
        if done is not None:
            return done
    raise RuntimeError(f"could not count {c.event} after {ATTEMPTS} attempts")


def count_all(counts: Sequence[Count], _now: datetime | None = None) -> None:
    """Count many events, each once: their markers read together, the counted ones left out, the
    tallies they share merged, in as few transactions as hold them."""
    for salon_id in dict.fromkeys(c.salon_id for c in counts):
        mine = [c for c in counts if c.salon_id == salon_id]
        # half the read units of a consistent read; a marker it misses fails the transaction (below)
        counted = _counted(
            salon_id, [n for c in mine for n in (c.event, *(f.name for f in c.facts))], consistent=False
        )
        tx = _Transaction(salon_id)
        for c in mine:
            if c.event in counted:
                continue
            fresh = [f for f in c.facts if f.name not in counted]
            if not c.deltas and not c.adds and not fresh:
                continue
            if tx.size + tx.growth(c, fresh) > TX_ITEMS:
                tx.commit_or_one_by_one()
                tx = _Transaction(salon_id)
            tx.add(c, fresh)
            counted |= {c.event, *(f.name for f in fresh)}
        tx.commit_or_one_by_one()


class _Transaction:
    """Markers and the merged tallies they move, for one salon."""

    def __init__(self, salon_id: str) -> None:
        self.salon_id = salon_id
        self.counts: list[Count] = []
        self.markers: list[tuple[str, str, datetime, timedelta | None]] = []  # (label, name, now, keep)
        self.sums: dict[tuple[str, str, str], list[int]] = {}
        self.adds: dict[tuple[str, str], tuple[Add, dict[str, int]]] = {}

    @property
    def size(self) -> int:
        return len(self.markers) + len(self.sums) + len(self.adds)

    def growth(self, c: Count, fresh: Sequence[Fact]) -> int:
        keys = {(d.month, d.figure, d.value) for d in [*c.deltas, *(d for f in fresh for d in f.deltas)]}
        added = {a.key for a in c.adds}
        return 1 + len(fresh) + len(keys - self.sums.keys()) + len(added - self.adds.keys())

    def add(self, c: Count, fresh: Sequence[Fact]) -> None:
        self.counts.append(c)
        self.markers.append(("event", c.event, c.now, c.keep))
        self.markers += [("fact", f.name, c.now, f.keep) for f in fresh]
        for d in [*c.deltas, *(d for f in fresh for d in f.deltas)]:
            sums = self.sums.setdefault((d.month, d.figure, d.value), [0, 0])
            sums[0] += d.count
            sums[1] += d.amount
        for a in c.adds:
            _, amounts = self.adds.setdefault(a.key, (a, {}))
            for name, amount in a.amounts:
                amounts[name] = amounts.get(name, 0) + amount

    def _tx(self) -> Tx:
        tx = Tx()
        for label, name, now, keep in self.markers:
            tx.put(_marker(self.salon_id, name, now, keep), ProcessedEvent.pk.does_not_exist(), label=label)
        for (month, figure, value), (count, amount) in self.sums.items():
            tx.update(
                AnalyticsTally(salon_id=self.salon_id, month=month, figure=figure, value=value),
                [
                    AnalyticsTally.count.add(count),
                    AnalyticsTally.amount.add(amount),
                    AnalyticsTally.salon_id.set(self.salon_id),
                    AnalyticsTally.month.set(month),
                    AnalyticsTally.figure.set(figure),
                    AnalyticsTally.value.set(value),
                    AnalyticsTally.entity_type.set(AnalyticsTally),
                ],
                label="tally",
                add_version_condition=False,
            )
        for a, amounts in self.adds.values():
            kind = type(a.item)
            tx.update(
                a.item,
                [
                    kind.entity_type.set(kind),
                    *(getattr(kind, name).set(value) for name, value in a.fields),
                    *(getattr(kind, name).add(amount) for name, amount in amounts.items()),
                ],
                label="add",
                add_version_condition=False,
            )
        return tx

    def commit_once(self) -> bool | None:
        """One event's transaction: see :meth:`Tx.commit_once` (another event may count a fact meanwhile)."""
        return self._tx().commit_once(may_change={"fact"})

    def commit_or_one_by_one(self) -> None:
        """Commit; if another process counted one of its events or facts meanwhile (or was writing
        the same items), count each event again on its own, reading the markers afresh."""
        if not self.markers:
            return
        try:
            self._tx().commit()
        except TxFailed:
            for c in self.counts:
                _count_alone(c)


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
