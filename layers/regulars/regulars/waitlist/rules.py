"""Which waiting client a freed time may be offered to: pure rules, no storage.

A client's wish is a service, days (dates, or weekdays every week), parts of the day and staff
(anyone, or some). A freed start matches when its local date is one of the dates or falls on one
of the weekdays, its local time is in one of the parts, and its staff member is anyone or one of
those named. Whether the service fits the freed time (working hours, the visits around it) is the
booking's slot rules' to say, not these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

MAX_DAYS = 14


class PartOfDay(StrEnum):
    MORNING = "morning"  # before 12:00
    AFTERNOON = "afternoon"  # 12:00 to 17:00
    EVENING = "evening"  # from 17:00

    @classmethod
    def of(cls, at: time) -> PartOfDay:
        if at < time(12, 0):
            return cls.MORNING
        if at < time(17, 0):
            return cls.AFTERNOON
        return cls.EVENING


@dataclass(frozen=True)
class Wish:
    service_id: str
    days: tuple[date, ...]
    weekdays: tuple[int, ...]  # ISO, 1 = Monday
    parts: tuple[PartOfDay, ...]
    staff_ids: tuple[str, ...]  # empty: anyone

    def wants_day(self, day: date) -> bool:
        return day in self.days or day.isoweekday() in self.weekdays

    def matches(self, start: datetime, staff_id: str, tz: ZoneInfo) -> bool:
        """Does a freed ``start`` with ``staff_id`` suit this wish (its service aside)?"""
        local = start.astimezone(tz)
        return (
            self.wants_day(local.date())
            and PartOfDay.of(local.time()) in self.parts
            and (not self.staff_ids or staff_id in self.staff_ids)
        )


def last_day(wish: Wish, today: date, horizon_days: int) -> date:
    """The last local day the wish can still be met on: its last date, or (with weekdays) the
    booking horizon's last day."""
    latest = max(wish.days) if wish.days else today
    if wish.weekdays:
        latest = max(latest, today + timedelta(days=horizon_days))
    return latest


def offerable(
    start: datetime, now: datetime, *, notice: timedelta, hold: timedelta, horizon: timedelta
) -> bool:
    """May a freed ``start`` be offered now? Only when an answer at the end of the hold can still
    book it online (the salon's notice) and it lies within the booking horizon."""
    return now + hold + notice <= start <= now + horizon
