"""The ticker: every minute, move the jobs that are due from the index to the queue, once.

It reads the due buckets from its watermark up to now, so a missed minute is caught up, not lost.
The watermark only passes whole minutes that are over; the current minute is read up to ``now``
and read again next time, so a job written for "now" is never behind the watermark. The cost of a
tick is the number of due jobs (plus one Query per minute and shard), never the size of the table.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from regulars.store import jobs as store
from regulars.store.jobs import JobRef

FIRST_LOOKBACK = timedelta(minutes=60)  # the first tick ever looks this far back
MAX_MINUTES_PER_TICK = 240  # a long outage is caught up over several ticks


@dataclass
class TickReport:
    minutes: int = 0
    queued: int = 0
    requeued: int = 0
    watermark: datetime | None = None
    late: bool = False
    refused: list[JobRef] = field(default_factory=list)


def floor_minute(t: datetime) -> datetime:
    return t.replace(second=0, microsecond=0)


def tick(now: datetime, enqueue: Callable[[Sequence[JobRef]], Sequence[JobRef]]) -> TickReport:
    """Queue every due job once. ``enqueue`` sends refs to the queue and returns those it could
    not send; they go back to pending and the watermark stops before their minute."""
    report = TickReport()
    current = floor_minute(now)
    mark = store.watermark()
    minute = mark + timedelta(minutes=1) if mark else current - FIRST_LOOKBACK
    last = min(current, minute + timedelta(minutes=MAX_MINUTES_PER_TICK - 1))
    report.late = last < current
    while minute <= last:
        queued = [ref for shard in store.shards() for ref in store.due_in(minute, shard, now)
                  if store.mark_queued(ref, now)]
        refused = list(enqueue(queued)) if queued else []
        for ref in refused:
            job = store.get(ref.salon_id, ref.job_id)
            if job is not None:
                store.unmark_queued(ref, job.due_at, now)
        report.minutes += 1
        report.queued += len(queued) - len(refused)
        report.refused += refused
        if refused:
            break  # keep the watermark before this minute: the refused jobs are read again
        if minute < current:
            store.advance_watermark(minute, now)
            report.watermark = minute
        minute += timedelta(minutes=1)
    return report
