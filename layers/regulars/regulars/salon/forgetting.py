"""When the salon's nightly forgetting of inactive clients runs: the salon's data retention setting
schedules tonight's run (the run itself, and each next night's, is :mod:`regulars.rights.forgetting`'s)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from regulars.core.schedule import local_instant
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.subjects import Subject
from regulars.salon.model import Salon

KIND = "forget-inactive"
RUN_AT = time(4, 0)  # the salon's night (after the analytics snapshot's)


def job_id(night: date, run: int) -> str:
    return f"{KIND}-{night.isoformat()}-{run}"


def schedule(salon: Salon, now: datetime) -> bool:
    """Tonight's run (tomorrow night's if tonight's hour has passed), if the salon forgets inactive
    clients; one per salon and night, so calling it again changes nothing."""
    if salon.settings.data_retention.forget_inactive_after_years is None:
        return False
    night = now.astimezone(salon.tz).date()
    at = local_instant(night, RUN_AT, salon.tz)
    if at <= now:
        night += timedelta(days=1)
        at = local_instant(night, RUN_AT, salon.tz)
    return job_store.schedule(
        salon.id,
        job_id(night, 0),
        kind=KIND,
        subject=Subject.FORGET.of(salon.id),
        due_at=at,
        now=now,
        payload={"night": night.isoformat(), "run": 0},
    )
