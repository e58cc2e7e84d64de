"""The job worker: re-read, act, finish. Each kind's handler is idempotent (its effects are keyed
on the job), and the finish is conditional, so a redelivered message changes nothing. The handlers
are given: the one table of them is the composition root's (:mod:`regulars.app.jobs`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from regulars.runtime.jobs import repo as store
from regulars.runtime.jobs.outcome import Handler, Outcome
from regulars.runtime.jobs.repo import JobRef

__all__ = ["Outcome", "UnknownJobKind", "run"]


class UnknownJobKind(Exception):
    pass


def run(ref: JobRef, now: datetime, handlers: Mapping[str, Handler]) -> Outcome | None:
    """Act on one queued job with its kind's handler; None when there is nothing to do (finished
    already, or cancelled)."""
    job = store.get(ref.salon_id, ref.job_id)
    if job is None or job.status != "queued":
        return None
    handler = handlers.get(job.kind)
    if handler is None:
        raise UnknownJobKind(job.kind)
    outcome = handler(job, now)
    store.finish(ref, outcome.reason, now, status="done" if outcome.done else "skipped")
    return outcome
