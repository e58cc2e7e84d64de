"""Due jobs and the ticker's watermark in the table."""

from __future__ import annotations

import zlib
from datetime import datetime

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from regulars.store.base import Entity, format_day

JOBS = "JOB#"  # a subject's jobs


JOB_SHARDS = 8  # a due minute's jobs spread over this many index partitions


def bucket_of(day: datetime, shard: int) -> str:
    """A due day's shard in the due index (``2026-11-23#3``): the UTC day, whatever zone ``day`` is in."""
    return f"{format_day(day)}#{shard}"


class Job(Entity, discriminator="Job"):
    """Something to do at a moment: a reminder, a confirmation request, an expiry, a lapse check.

    While pending, a job sits in GSI1 under its due day and shard (``DUE#2026-11-23#3``), sorted
    by due time, so the ticker reads only what is due (a range of the sort key); once queued, done
    or cancelled its index keys are gone (the bucket is derived from the status). GSI3 finds a
    subject's jobs (an appointment's reminders) to cancel them when the subject changes: it holds their
    keys and kind alone, so a job's changes of status do not write it again.
    """

    __keys__ = {
        "pk": "SALON#{salon_id}",
        "sk": JOBS + "{job_id}",
        "gsi1pk": "DUE#{due_bucket}",
        "gsi1sk": "{due_at}#{salon_id}#{job_id}",
        "gsi3pk": "SALON#{salon_id}#SUBJECT#{subject}",
        "gsi3sk": JOBS + "{job_id}",
    }

    salon_id = UnicodeAttribute()
    job_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    subject = UnicodeAttribute()
    due_at = UTCDateTimeAttribute()
    status = UnicodeAttribute(default="pending")  # pending -> queued -> done | skipped | cancelled
    payload = JSONAttribute(default=dict)
    attempts = NumberAttribute(default=0)
    outcome = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()

    @property
    def shard(self) -> int:
        return zlib.crc32(f"{self.salon_id}#{self.job_id}".encode()) % JOB_SHARDS

    @property
    def due_bucket(self) -> str | None:
        if self.status != "pending" or self.due_at is None:
            return None
        return bucket_of(self.due_at, self.shard)


class TickerWatermark(Entity, discriminator="TickerWatermark"):
    """The last minute whose due jobs have all been moved to the queue (a system item: the ticker
    is the one sweep that reads across salons)."""

    __keys__ = {"pk": "SYSTEM#TICKER", "sk": "WATERMARK"}

    minute = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
