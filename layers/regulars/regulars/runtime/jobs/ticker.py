"""The ticker: every minute, move the jobs that are due from the index to the queue, once.

Pending jobs sit in GSI1 by due day (UTC) and shard, sorted by due time. A tick reads, for each day
from its watermark to now and each shard, the range of due times since the watermark: one Query
per day and shard however many minutes it covers (8 a minute in normal running, 16 across
midnight), so a missed minute, or a missed day, is caught up, not lost, at a cost that grows with
the due jobs, never with the table or the time missed. The Queries of a tick are made side by side
(they are independent reads; a tick waits for the slowest rather than for their sum), then the
days are queued in order. The
watermark only passes whole minutes that are over; the current minute is read up to ``now`` and
again next time, so a job written for "now" is never behind the watermark.

The watermark is written at most once an hour (and once the minutes it passes reach a new UTC day),
not every minute: a queued job leaves the index, so reading again the minutes since the last write
finds only what is still due, and a Query costs the same for an hour of due times as for a minute. An
idle month writes it about 750 times instead of 43,800.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from regulars.runtime.jobs import repo as store
from regulars.runtime.jobs.repo import JobRef

MAX_SPAN = timedelta(days=3)  # one tick reads at most this much; a longer outage takes several
# The first tick ever (no watermark yet) looks this far back: jobs may have been written before the
# schedule first fired (a deployment that took a while, a local clock moved at once).
FIRST_LOOKBACK = MAX_SPAN
READERS = 16  # Queries of the due index in flight at once
WATERMARK_EVERY = timedelta(hours=1)  # how far the watermark may lag behind the minutes read


@dataclass
class TickReport:
    queued: int = 0
    days: int = 0
    watermark: datetime | None = None
    late: bool = False
    refused: list[JobRef] = field(default_factory=list)


def floor_minute(t: datetime) -> datetime:
    return t.replace(second=0, microsecond=0)


def floor_day(t: datetime) -> datetime:
    """The start of ``t``'s UTC day (the buckets are UTC days, whatever zone ``t`` is given in)."""
    return t.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def tick(now: datetime, enqueue: Callable[[Sequence[JobRef]], Sequence[JobRef]]) -> TickReport:
    """Queue every due job once. ``enqueue`` sends refs to the queue and returns those it could
    not send; they go back to pending and the watermark stays where it was."""
    report = TickReport()
    current = floor_minute(now)
    mark = store.watermark()
    since = mark + timedelta(minutes=1) if mark else current - FIRST_LOOKBACK
    until = min(now, since + MAX_SPAN)
    report.late = until < now
    days = []
    day = floor_day(since)
    while day <= until:
        days.append(day)
        day += timedelta(days=1)
    for due in _due(days, since, until):
        queued = [ref for ref in due if store.mark_queued(ref, now)]
        refused = list(enqueue(queued)) if queued else []
        for ref in refused:
            job = store.get(ref.salon_id, ref.job_id)
            if job is not None:
                store.unmark_queued(ref, job.due_at, now)
        report.days += 1
        report.queued += len(queued) - len(refused)
        report.refused += refused
    if not report.refused:
        done = min(floor_minute(until), current) - timedelta(minutes=1)  # whole minutes that are over
        if (
            mark is None
            or done - mark >= WATERMARK_EVERY
            or (done > mark and floor_day(done) > floor_day(mark))
        ):
            store.advance_watermark(done, now)
            report.watermark = done
    return report


def _due(days: Sequence[datetime], since: datetime, until: datetime) -> list[list[JobRef]]:
    """For each day, its due jobs over every shard (in shard order): the Queries side by side."""
    pairs = [(day, shard) for day in days for shard in store.shards()]
    if len(pairs) <= 1:
        found = [store.due_between(day, shard, since, until) for day, shard in pairs]
    else:
        with ThreadPoolExecutor(
            max_workers=min(READERS, len(pairs)), thread_name_prefix="regulars-due"
        ) as pool:
            found = list(pool.map(lambda p: store.due_between(p[0], p[1], since, until), pairs))
    shards = len(store.shards())
    return [[ref for part in found[i * shards : (i + 1) * shards] for ref in part] for i in range(len(days))]
