"""Birthdays: a greeting with a bonus, planned for the morning some days before the client's
birthday, credited once for the birthday of each year, and the next year's planned with it."""

from __future__ import annotations

from datetime import datetime, timedelta

from regulars.clients import repo as client_store
from regulars.clients.birthdays import BIRTHDAY as BIRTHDAY
from regulars.clients.birthdays import next_birthday
from regulars.core.errors import NotFound
from regulars.loyalty.credits import credit, settings_of
from regulars.messaging.rules.templates import MessageKind
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.outcome import Outcome
from regulars.runtime.jobs.repo import DueJob
from regulars.runtime.jobs.subjects import Subject


def birthday(job: DueJob, now: datetime) -> Outcome:
    salon, loyalty = settings_of(job.salon_id)
    try:
        client = client_store.get(job.salon_id, job.payload["client_id"])
    except NotFound:
        return Outcome(False, "the client no longer exists")
    if client.birthday is None or client.birthday.isoformat() != job.payload["birthday"]:
        return Outcome(False, "the birthday changed")
    year = int(job.payload["year"])
    # with the programme off, no bonus and no greeting; next year's is planned all the same, for a
    # programme switched on again meanwhile
    credited = loyalty.enabled and credit(
        job.salon_id,
        client.id,
        amount=loyalty.birthday_amount,
        source="birthday",
        source_id=str(year),
        lifetime_days=loyalty.birthday_lifetime_days,
        at=now,
        now=now,
        announce=MessageKind.BIRTHDAY_GREETING,
    )
    next_year, when = next_birthday(
        client.birthday, salon, loyalty.birthday_days_before, now + timedelta(days=2)
    )
    job_store.schedule(
        job.salon_id,
        f"{BIRTHDAY}-{client.id}-{next_year}",
        kind=BIRTHDAY,
        subject=Subject.LOYALTY.of(client.id),
        due_at=when,
        now=now,
        payload={"client_id": client.id, "year": next_year, "birthday": client.birthday.isoformat()},
    )
    if not loyalty.enabled:
        return Outcome(False, "the bonus programme is off")
    return Outcome(credited, "birthday bonus" if credited else "credited before")
