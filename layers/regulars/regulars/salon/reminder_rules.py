"""When the salon changes its reminder rules (which reminders, which asks to confirm, whether any; and
the quiet hours and time zone that move them), the visits already booked follow: one job re-plans the
reminders of every visit to come (the re-planning itself is :mod:`regulars.booking.reminders`'s).

The job is due a little after the rules' longest reach in a cache (:data:`repo.RULES_MAX_AGE`): a
visit booked meanwhile by a process still holding the old rules is planned by them, and then
re-planned by the job with the new."""

from __future__ import annotations

from datetime import datetime, timedelta

from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.subjects import Subject
from regulars.salon import repo as store
from regulars.salon.model import Salon

KIND = "reminders-replan"
DELAY = timedelta(seconds=store.RULES_MAX_AGE + 30)


def rules(salon: Salon) -> dict[str, object]:
    """What decides which reminders a visit gets, when, and which asks to confirm."""
    s = salon.settings
    return {
        "reminders_enabled": s.reminders_enabled,
        "reminder_offsets_minutes": sorted(set(s.reminder_offsets_minutes)),
        "confirmation_offset_minutes": s.confirmation_offset_minutes,
        "quiet_hours": s.quiet_hours,
        "timezone": salon.timezone,
    }


def job_id(changed_at: datetime, page: int = 0) -> str:
    """One job per change (its moment), and one per page of visits when there are many."""
    return f"{KIND}-{changed_at.strftime('%Y%m%dT%H%M%S%f')}-{page}"


def schedule_follow_up(salon_id: str, changed_at: datetime, page: int, cursor: dict, now: datetime) -> bool:
    """The next page of visits, re-planned by a job of its own (idempotent: one per change and page)."""
    return job_store.schedule(
        salon_id,
        job_id(changed_at, page),
        kind=KIND,
        subject=Subject.REMINDER_RULES.of(salon_id),
        due_at=now,
        now=now,
        payload={"changed_at": changed_at.isoformat(), "page": page, **cursor},
    )


def on_change(before: Salon, after: Salon, now: datetime) -> bool:
    """Schedule the re-planning if the reminder rules changed; False if they did not. The job reads
    the rules afresh when it runs (those given here are a record of the change)."""
    if rules(before) == rules(after):
        return False
    salon_id = after.id
    return job_store.schedule(
        salon_id,
        job_id(now),
        kind=KIND,
        subject=Subject.REMINDER_RULES.of(salon_id),
        due_at=now + DELAY,
        now=now,
        payload={"changed_at": now.isoformat(), "page": 0, "rules": rules(after)},
    )
