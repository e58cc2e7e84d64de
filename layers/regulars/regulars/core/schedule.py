"""Free start times: pure functions over a staff member's working pattern and busy intervals.

All arithmetic is on absolute instants (UTC). Local wall times (working hours, breaks) are turned
into instants with zoneinfo on the day in question, so days when the clocks change get the right
number of real minutes (see :func:`local_instant` for wall times that a change skips or repeats).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
CELL = timedelta(minutes=5)  # the grid on which visits start and slot locks are taken


@dataclass(frozen=True)
class Interval:
    start: datetime
    end: datetime

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True)
class WorkingPattern:
    """A staff member's week: weekday -> [(\"09:00\", \"18:00\"), ...], breaks likewise, days off."""

    hours: dict[str, list[tuple[str, str]]]
    breaks: dict[str, list[tuple[str, str]]]
    days_off: frozenset[date]


def parse_hhmm(text: str) -> time:
    hh, mm = text.split(":")
    return time(int(hh), int(mm))


def local_instant(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time on ``day`` in ``tz``.

    A wall time in the spring gap is read with the offset before the change, which lands it as
    far after the gap's start as it was meant to be (02:30 -> 03:30); a repeated autumn wall time
    is its first occurrence (fold=0)."""
    return datetime.combine(day, wall).replace(tzinfo=tz, fold=0).astimezone(UTC)


def before_on_the_clock(at: datetime, minutes: int, tz: ZoneInfo) -> datetime:
    """``minutes`` before ``at`` as the salon's clock reads it: whole days are calendar days, the rest
    real minutes. A day before a 09:30 visit is 09:30 the day before, though a clock change between
    makes that 23 or 25 hours (24 real hours before 09:30 on the spring change's Sunday is 08:30 on
    Saturday, in the night's quiet hours)."""
    days, rest = divmod(minutes, 24 * 60)
    if days == 0:  # within the day, real minutes (a wall time would lose which of a repeated hour)
        return at - timedelta(minutes=rest)
    local = at.astimezone(tz)
    return local_instant(local.date() - timedelta(days=days), local.time(), tz) - timedelta(minutes=rest)


def intervals_on(day: date, spec: Iterable[Sequence[str]], tz: ZoneInfo) -> list[Interval]:
    out = []
    for start_text, end_text in spec:
        start = local_instant(day, parse_hhmm(start_text), tz)
        if end_text == "24:00":  # the end of the day is the next day's midnight
            end = local_instant(day + timedelta(days=1), time(0, 0), tz)
        else:
            end = local_instant(day, parse_hhmm(end_text), tz)
        if end > start:
            out.append(Interval(start, end))
    return out


def free_starts(
    *,
    day: date,
    tz: ZoneInfo,
    pattern: WorkingPattern,
    busy: Iterable[Interval],
    duration: timedelta,
    step: timedelta,
    earliest: datetime,
) -> list[datetime]:
    """Every instant on local ``day`` at which a visit of ``duration`` fits: inside working hours,
    clear of breaks and busy intervals, on the step grid from the start of each working interval,
    and not before ``earliest`` (now plus the salon's minimum notice)."""
    if day in pattern.days_off:
        return []
    weekday = WEEKDAYS[day.weekday()]
    blocked = sorted([*intervals_on(day, pattern.breaks.get(weekday, []), tz), *busy], key=lambda i: i.start)
    starts: list[datetime] = []
    for work in intervals_on(day, pattern.hours.get(weekday, []), tz):
        t = work.start
        while t + duration <= work.end:
            candidate = Interval(t, t + duration)
            if t >= earliest and not any(candidate.overlaps(b) for b in blocked):
                starts.append(t)
            t += step
    return sorted(set(starts))


def cells(start: datetime, end: datetime) -> list[datetime]:
    """The 5-minute cells [start, end) covers; visits start on the grid, ends round up."""
    first = floor_to_cell(start)
    out = []
    t = first
    while t < end:
        out.append(t)
        t += CELL
    return out


def floor_to_cell(value: datetime) -> datetime:
    value = value.astimezone(UTC).replace(second=0, microsecond=0)
    return value - timedelta(minutes=value.minute % 5)


def ceil_to_cell(value: datetime) -> datetime:
    """The first 5-minute boundary at or after ``value``."""
    floor = floor_to_cell(value)
    return floor if floor == value else floor + CELL


def on_grid(value: datetime) -> bool:
    return value.second == 0 and value.microsecond == 0 and value.minute % 5 == 0
