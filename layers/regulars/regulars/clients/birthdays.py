"""A client's birthday: when their greeting goes. Knowing a birthday (a new client, a changed one)
schedules the next greeting, if the salon's loyalty programme gives a birthday bonus; the greeting
itself, and the bonus, are :mod:`regulars.loyalty.birthdays`'."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from regulars.clients.model import Client
from regulars.core.schedule import local_instant
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.subjects import Subject
from regulars.salon import repo as catalog_store
from regulars.salon.model import Salon

BIRTHDAY = "birthday"
MORNING = time(10, 0)  # birthday greetings go at this local time


def next_birthday(birthday: date, salon: Salon, days_before: int, now: datetime) -> tuple[int, datetime]:
    """(year, when the greeting goes): the next birthday's greeting time that is not past. A 29 February
    birthday is kept on 28 February in other years."""
    local_today = now.astimezone(salon.tz).date()
    for year in (local_today.year, local_today.year + 1, local_today.year + 2):
        try:
            day = birthday.replace(year=year)
        except ValueError:
            day = date(year, 2, 28)
        when = local_instant(day - timedelta(days=days_before), MORNING, salon.tz)
        if when >= now:
            return year, when
    raise AssertionError("unreachable")


def schedule_birthday(salon_id: str, client: Client, now: datetime) -> None:
    salon = catalog_store.load_catalog(salon_id, max_age=catalog_store.RULES_MAX_AGE).salon
    loyalty = salon.settings.loyalty
    if client.birthday is None or not loyalty.enabled or loyalty.birthday_amount == 0:
        return
    year, when = next_birthday(client.birthday, salon, loyalty.birthday_days_before, now)
    job_store.schedule(
        salon_id,
        f"{BIRTHDAY}-{client.id}-{year}",
        kind=BIRTHDAY,
        subject=Subject.LOYALTY.of(client.id),
        due_at=when,
        now=now,
        payload={"client_id": client.id, "year": year, "birthday": client.birthday.isoformat()},
    )
