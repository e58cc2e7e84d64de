"""The job worker: re-read, act, finish. Each kind's handler is idempotent (its effects are keyed
on the job), and the finish is conditional, so a redelivered message changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from regulars.store import jobs as store
from regulars.store.jobs import DueJob, JobRef


@dataclass(frozen=True)
class Outcome:
    done: bool  # False: skipped, because the world changed since the job was written
    reason: str


Handler = Callable[[DueJob, datetime], Outcome]
HANDLERS: dict[str, Handler] = {}


def handles(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[kind] = fn
        return fn

    return register


class UnknownJobKind(Exception):
    pass


def run(ref: JobRef, now: datetime) -> Outcome | None:
    """Act on one queued job; None when there is nothing to do (finished already, or cancelled)."""
    job = store.get(ref.salon_id, ref.job_id)
    if job is None or job.status != "queued":
        return None
    handler = HANDLERS.get(job.kind)
    if handler is None:
        raise UnknownJobKind(job.kind)
    outcome = handler(job, now)
    store.finish(ref, outcome.reason, now, status="done" if outcome.done else "skipped")
    return outcome
