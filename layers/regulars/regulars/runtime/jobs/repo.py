"""Jobs and the ticker's watermark. Every status change is conditional on the status before it,
so a job is queued once and acted on once however often a message is delivered."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.exceptions import PutError
from pynamodb.expressions.update import Action

from regulars.runtime.jobs.items import JOB_SHARDS, JOBS, Job, TickerWatermark, bucket_of
from regulars.store.base import Entity, Tx, condition_failed, whole

KEEP_DONE = timedelta(days=30)


@dataclass(frozen=True)
class JobRef:
    salon_id: str
    job_id: str


@dataclass(frozen=True)
class DueJob:
    salon_id: str
    job_id: str
    kind: str
    subject: str
    due_at: datetime
    status: str
    payload: dict


def _due(item: Job) -> DueJob:
    return DueJob(
        item.salon_id,
        item.job_id,
        item.kind,
        item.subject,
        item.due_at,
        item.status,
        dict(item.payload or {}),
    )


@dataclass(frozen=True)
class NewJob:
    """A job to write in a transaction with the change that causes it (see :func:`add_new`)."""

    job_id: str
    kind: str
    subject: str
    due_at: datetime
    payload: dict


def _new(salon_id: str, job: NewJob, now: datetime) -> Job:
    """A pending job; a due time in the past becomes ``now``: the ticker never passes the current
    minute, so it is still seen."""
    return Job(
        salon_id=salon_id,
        job_id=job.job_id,
        kind=job.kind,
        subject=job.subject,
        due_at=max(job.due_at, now),
        payload=job.payload,
        created_at=now,
        updated_at=now,
    )


def schedule(
    salon_id: str, job_id: str, *, kind: str, subject: str, due_at: datetime, payload: dict, now: datetime
) -> bool:
    """Create a pending job unless one with this id exists (scheduling is idempotent)."""
    return _new(salon_id, NewJob(job_id, kind, subject, due_at, payload), now).save_new()


def ensure_pending(
    salon_id: str, job_id: str, *, kind: str, subject: str, due_at: datetime, payload: dict, now: datetime
) -> str:
    """The job pending at ``due_at`` with ``payload``, whatever it was: "created" when there was none,
    "revived" when it had been cancelled (back into its due bucket, one job under one id), "changed"
    when it was pending with another due time or payload, "kept" when it was already so, and "" when
    it is queued or finished (acted on already: never again). Each change is conditional on the status
    read, so a job the ticker takes meanwhile is left to it."""
    if schedule(salon_id, job_id, kind=kind, subject=subject, due_at=due_at, payload=payload, now=now):
        return "created"
    item = Job.find(salon_id=salon_id, job_id=job_id, consistent=True)
    if item is None or item.status not in ("pending", "cancelled"):
        return ""
    due = max(due_at, now)
    if item.status == "pending" and item.due_at == due and dict(item.payload or {}) == payload:
        return "kept"
    before = item.status
    keys = Job(salon_id=salon_id, job_id=job_id, due_at=due, status="pending")
    keys._derive_keys()
    assert keys.gsi1pk is not None and keys.gsi1sk is not None  # derived from the due time and status
    actions: list[Action] = [
        Job.status.set("pending"),
        Job.due_at.set(due),
        Job.payload.set(payload),
        Job.updated_at.set(now),
        Job.gsi1pk.set(keys.gsi1pk),
        Job.gsi1sk.set(keys.gsi1sk),
    ]
    if before == "cancelled":
        actions += [Job.expires.remove(), Job.outcome.remove()]
    if not Job(salon_id=salon_id, job_id=job_id).update_if(actions, Job.pk.exists() & (Job.status == before)):
        return ""
    return "revived" if before == "cancelled" else "changed"


def add_new(tx: Tx, salon_id: str, job: NewJob, now: datetime, *, label: str) -> None:
    """Add the pending ``job`` to ``tx``, which fails (at ``label``) if a job with its id exists."""
    tx.put(_new(salon_id, job, now), Job.pk.does_not_exist(), label=label)


def get(salon_id: str, job_id: str) -> DueJob | None:
    item = Job.find(salon_id=salon_id, job_id=job_id, consistent=True)
    return _due(item) if item else None


def due_between(day: datetime, shard: int, since: datetime, until: datetime) -> list[JobRef]:
    """Pending jobs of one due day (UTC) and shard with since <= due_at <= until."""
    hk = Job.render_key("gsi1pk", due_bucket=bucket_of(day, shard))
    lower = Job.render_key("gsi1sk", due_at=since, salon_id="", job_id="")
    upper = Job.render_key("gsi1sk", due_at=until, salon_id="~", job_id="~")
    return [
        JobRef(i.salon_id, i.job_id)
        for i in Entity.by_gsi1.query(hk, Entity.gsi1sk.between(lower, upper))
        if isinstance(i, Job)
    ]


def _transition(ref: JobRef, before: str, after: str, now: datetime, **extra: object) -> bool:
    item = Job(salon_id=ref.salon_id, job_id=ref.job_id)
    actions: list[Action] = [Job.status.set(after), Job.updated_at.set(now)]
    if after != "pending":  # out of the due index (the bucket is derived from the status)
        actions += [Job.gsi1pk.remove(), Job.gsi1sk.remove()]
    if after in ("done", "skipped", "cancelled"):
        actions.append(Job.expires.set(now + KEEP_DONE))
    if "outcome" in extra:
        actions.append(Job.outcome.set(str(extra["outcome"])))
    if after == "queued":
        actions.append(Job.attempts.add(1))
    return item.update_if(actions, Job.pk.exists() & (Job.status == before))


def mark_queued(ref: JobRef, now: datetime) -> bool:
    return _transition(ref, "pending", "queued", now)


def unmark_queued(ref: JobRef, due_at: datetime, now: datetime) -> None:
    """Undo mark_queued when the queue refused the job: back into its due bucket."""
    item = Job(salon_id=ref.salon_id, job_id=ref.job_id, due_at=due_at, status="pending")
    item._derive_keys()
    assert item.gsi1pk is not None and item.gsi1sk is not None  # derived from the due time and status
    item.update(
        actions=[
            Job.status.set("pending"),
            Job.updated_at.set(now),
            Job.gsi1pk.set(item.gsi1pk),
            Job.gsi1sk.set(item.gsi1sk),
        ],
        condition=(Job.status == "queued"),
    )


def finish(ref: JobRef, outcome: str, now: datetime, *, status: str = "done") -> bool:
    """queued -> done (or skipped): False if another delivery finished it first."""
    return _transition(ref, "queued", status, now, outcome=outcome)


def cancel_pending(
    salon_id: str,
    subject: str,
    now: datetime,
    *,
    keep: Collection[str] = frozenset(),
    kind: str | None = None,
    outcome: str = "subject changed",
) -> int:
    """Cancel the subject's pending jobs (of ``kind``, if given) (an appointment moved or cancelled),
    but those in ``keep``."""
    cancelled = 0
    for item in subject_jobs(salon_id, subject, kind=kind):
        if item.status == "pending" and item.job_id not in keep:
            cancelled += _transition(
                JobRef(salon_id, item.job_id), "pending", "cancelled", now, outcome=outcome
            )
    return cancelled


def subject_jobs(salon_id: str, subject: str, *, kind: str | None = None) -> list[Job]:
    """The subject's job items, whatever their status (of ``kind``, if given): found in the third index,
    then read whole."""
    hk = Job.render_key("gsi3pk", salon_id=salon_id, subject=subject)
    stubs = [
        i
        for i in Entity.by_gsi3.query(hk, Entity.gsi3sk.startswith(JOBS))
        if isinstance(i, Job) and (kind is None or i.kind == kind)
    ]
    return [i for i in whole(stubs) if isinstance(i, Job)]


def jobs_of(salon_id: str, subject: str) -> list[DueJob]:
    return [_due(i) for i in subject_jobs(salon_id, subject)]


def watermark() -> datetime | None:
    item = TickerWatermark.find(consistent=True)
    return item.minute if item else None


def advance_watermark(minute: datetime, now: datetime) -> bool:
    """Move the watermark forward to ``minute`` (never backward: a slower ticker cannot undo)."""
    item = TickerWatermark(minute=minute, updated_at=now)
    try:
        item.save(condition=TickerWatermark.pk.does_not_exist() | (TickerWatermark.minute < minute))
    except PutError as exc:
        if condition_failed(exc):
            return False
        raise
    return True


def shards() -> range:
    return range(JOB_SHARDS)


# --- the upgrade from due-hour buckets (regulars.runtime.jobs.buckets_migration) ---------------------
@dataclass
class Moved:
    pending: int = 0  # pending jobs of the salon
    moved: int = 0  # moved from an hour bucket to a day bucket
    late: int = 0  # of those, due before now: due now in the new bucket
    changed: int = 0  # changed meanwhile (queued by the ticker, say): left as they are


def is_hour_bucket(gsi1pk: str | None) -> bool:
    """``DUE#2026-11-23T10#3`` (an earlier release's), not ``DUE#2026-11-23#3``."""
    return bool(gsi1pk) and "T" in str(gsi1pk).removeprefix("DUE#").split("#", 1)[0]


def move_hour_buckets(salon_id: str, now: datetime) -> Moved:
    """Move the salon's pending jobs that an earlier release put in due-hour buckets into the day
    bucket of their due time, or of now when that has passed; one Query of the salon's jobs, each move
    conditional on the job still pending in the bucket it was read in."""
    result = Moved()
    for item in Entity.query(Job.render_key("pk", salon_id=salon_id), Entity.sk.startswith(JOBS)):
        if not isinstance(item, Job) or item.status != "pending":
            continue
        result.pending += 1
        if not is_hour_bucket(item.gsi1pk):
            continue
        late = item.due_at < now
        keys = Job(
            salon_id=salon_id, job_id=item.job_id, due_at=now if late else item.due_at, status="pending"
        )
        keys._derive_keys()
        assert keys.gsi1pk is not None and keys.gsi1sk is not None  # derived from the due time and status
        if Job(salon_id=salon_id, job_id=item.job_id).update_if(
            [Job.gsi1pk.set(keys.gsi1pk), Job.gsi1sk.set(keys.gsi1sk)],
            (Job.status == "pending") & (Job.gsi1pk == item.gsi1pk),
        ):
            result.moved += 1
            result.late += late
        else:
            result.changed += 1
    return result
