"""Quiet hours: a daily window of local wall-clock time in which a message is not sent.

A window ``start-end`` is quiet from ``start`` (inclusive) to ``end`` (exclusive), every day, in
the recipient's IANA time zone. When ``end`` is earlier than ``start`` the window crosses
midnight (``21:00-09:00`` is quiet from 21:00 to 09:00 the next morning). ``start == end`` is a
window of zero length: no quiet hours. ``00:00-24:00`` is quiet all day.

Each day's window is turned into instants with zoneinfo on that day (see
:func:`regulars.booking.schedule.local_instant`): on a day the clocks change the window keeps
its wall-clock edges and so has one hour more or less of real time; an edge that falls in the
spring gap moves forward as far as it was meant to be after the gap's start (02:30 -> 03:30), and
an edge that the autumn change repeats is its first occurrence.

Marketing waits for the window to end (:func:`next_allowed`); a transactional reminder that
would fall inside it is brought forward to just before the window begins (:func:`edge_before`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, model_validator

from regulars.core.schedule import Interval, local_instant

HHMM = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")]
DEFAULT_EDGE_MARGIN = timedelta(minutes=1)


class QuietHours(BaseModel):
    """A daily quiet window, e.g. ``QuietHours(start="21:00", end="09:00")``."""

    model_config = ConfigDict(frozen=True)

    start: HHMM
    end: HHMM

    @model_validator(mode="after")
    def _check(self) -> QuietHours:
        if self.start == "24:00":
            raise ValueError("start: 24:00 is only allowed as an end")
        return self

    @classmethod
    def parse(cls, text: str) -> QuietHours:
        """``"21:00-09:00"`` -> QuietHours(start="21:00", end="09:00")."""
        start, sep, end = text.strip().partition("-")
        if not sep:
            raise ValueError(f"quiet hours must look like HH:MM-HH:MM, not {text!r}")
        return cls(start=start.strip(), end=end.strip())

    @property
    def is_empty(self) -> bool:
        return self.start == self.end

    @property
    def is_full_day(self) -> bool:
        return self.start == "00:00" and self.end == "24:00"

    def intervals_on(self, day: date, tz: ZoneInfo) -> list[Interval]:
        """The quiet interval that begins on local ``day`` (it may end on the next day)."""
        if self.is_empty:
            return []
        start_min, end_min = _minutes(self.start), _minutes(self.end)
        end_day = day if end_min > start_min else day + timedelta(days=1)
        if end_min == 24 * 60:
            end_day, end_min = day + timedelta(days=1), 0
        start = local_instant(day, _wall(start_min), tz)
        end = local_instant(end_day, _wall(end_min), tz)
        return [Interval(start, end)] if end > start else []


def _minutes(hhmm: str) -> int:
    hh, mm = hhmm.split(":")
    return int(hh) * 60 + int(mm)


def _wall(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _zone(tz: ZoneInfo | str) -> ZoneInfo:
    return tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("quiet hours need a timezone-aware datetime")
    return at


def _containing(at: datetime, window: QuietHours, tz: ZoneInfo) -> Interval | None:
    local_day = at.astimezone(tz).date()
    for offset in (-2, -1, 0, 1):
        for interval in window.intervals_on(local_day + timedelta(days=offset), tz):
            if interval.start <= at < interval.end:
                return interval
    return None


def is_quiet(at: datetime, window: QuietHours, tz: ZoneInfo | str) -> bool:
    """Whether ``at`` lies inside the quiet window in ``tz``."""
    return _containing(_aware(at), window, _zone(tz)) is not None


def next_allowed(at: datetime, window: QuietHours, tz: ZoneInfo | str) -> datetime | None:
    """The first instant at or after ``at`` outside the quiet window: ``at`` itself when it is
    outside, else the instant the window ends. ``None`` for a full-day window (never allowed).
    The result keeps ``at``'s time zone object."""
    at, zone = _aware(at), _zone(tz)
    if window.is_full_day:
        return None
    result = at
    for _ in range(4):  # the end of one day's window is outside the next one's unless full-day
        interval = _containing(result, window, zone)
        if interval is None:
            return result
        result = interval.end.astimezone(at.tzinfo)
    return None


def edge_before(
    at: datetime, window: QuietHours, tz: ZoneInfo | str, *, margin: timedelta = DEFAULT_EDGE_MARGIN
) -> datetime | None:
    """Where a transactional message planned for ``at`` goes when ``at`` is in quiet hours.

    The edge is the instant the quiet window (the one containing ``at``) begins, minus
    ``margin`` (one minute by default: a reminder planned for 07:30 under 21:00-09:00 goes the
    evening before at 20:59 local time). ``at`` itself when it is outside the window; ``None``
    for a full-day window. The result is never later than ``at``, so a message planned before its
    visit stays before the visit; it may be earlier than the present, and then the caller decides
    (send at once or not at all). The result keeps ``at``'s time zone object.

    ``None`` too when no edge exists because ``margin`` is longer than the allowed part of the
    day (each step back would land inside the previous night's window)."""
    at, zone = _aware(at), _zone(tz)
    if margin <= timedelta(0):
        raise ValueError("margin must be positive: the window's start instant is itself quiet")
    if window.is_full_day:
        return None
    result = at
    for _ in range(4):
        interval = _containing(result, window, zone)
        if interval is None:
            return result
        result = (interval.start - margin).astimezone(at.tzinfo)
    return None
