"""The schedule timer: the template's Schedule / ScheduleV2 events, fired on the application's clock.

Expressions are EventBridge's: ``rate(N minute|minutes|hour|hours|day|days)``, six-field
``cron(minutes hours day-of-month month day-of-week year)`` at minute resolution, and ScheduleV2's
one-time ``at(yyyy-mm-ddThh:mm:ss)``. When the clock is moved forward past one or more due times,
a schedule fires once, with the new time (the functions catch up from their own watermarks).
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from regulars_local.emulator.template import ScheduleSource

log = logging.getLogger("local.schedules")

ACCOUNT_ID = "123456789012"
MAX_SLEEP = 1.0


class Expression(Protocol):
    def next_after(self, moment: datetime) -> datetime | None:
        """The first firing time strictly after ``moment`` (UTC), or None if there is none."""
        ...


# --- rate ------------------------------------------------------------------------------------------
_UNITS = {"minute": timedelta(minutes=1), "hour": timedelta(hours=1), "day": timedelta(days=1)}


@dataclass(frozen=True)
class Rate:
    period: timedelta
    anchor: datetime  # the schedule fires at anchor + k * period

    def next_after(self, moment: datetime) -> datetime:
        if moment < self.anchor:
            return self.anchor
        periods = (moment - self.anchor) // self.period + 1
        return self.anchor + periods * self.period


def parse_rate(body: str, anchor: datetime) -> Rate:
    found = re.fullmatch(r"\s*(\d+)\s+([a-z]+)\s*", body)
    if not found:
        raise ValueError(f"rate({body}): expected rate(<number> <unit>)")
    value, unit = int(found.group(1)), found.group(2)
    singular = unit.removesuffix("s")
    if singular not in _UNITS or value < 1:
        raise ValueError(f"rate({body}): the unit is minute(s), hour(s) or day(s), the value at least 1")
    if (value == 1) != (unit == singular):
        raise ValueError(f"rate({body}): the unit is singular for 1 and plural otherwise")
    return Rate(_UNITS[singular] * value, anchor.replace(second=0, microsecond=0).astimezone(UTC))


# --- cron ------------------------------------------------------------------------------------------
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], start=1
    )
}
_DAYS = {d: i for i, d in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], start=1)}


def _field(text: str, low: int, high: int, names: dict[str, int] | None = None) -> frozenset[int]:
    def number(token: str) -> int:
        value = (names or {}).get(token.upper())
        if value is None:
            if not token.isdigit():
                raise ValueError(f"{token!r} is not a value of this field")
            value = int(token)
        if not low <= value <= high:
            raise ValueError(f"{value} is outside {low}-{high}")
        return value

    values: set[int] = set()
    for part in text.split(","):
        base, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if step < 1:
            raise ValueError(f"{part!r}: the step is at least 1")
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, last = base.split("-", 1)
            start, end = number(first), number(last)
            if start > end:
                raise ValueError(f"{part!r}: a range runs upwards")
        else:
            start = number(base)
            end = high if step_text else start
        values.update(range(start, end + 1, step))
    return frozenset(values)


def _aws_weekday(day: date) -> int:
    return (day.weekday() + 1) % 7 + 1  # Python: Monday 0; AWS cron: Sunday 1 ... Saturday 7


@dataclass(frozen=True)
class Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    days_of_month: frozenset[int] | None  # None: "?"
    last_day_of_month: bool
    months: frozenset[int]
    days_of_week: frozenset[int] | None  # None: "?"
    years: frozenset[int] | None  # None: any year
    zone: ZoneInfo

    def _day_matches(self, day: date) -> bool:
        if day.month not in self.months or (self.years is not None and day.year not in self.years):
            return False
        if self.days_of_week is not None:
            return _aws_weekday(day) in self.days_of_week
        if self.last_day_of_month:
            return (day + timedelta(days=1)).month != day.month
        return self.days_of_month is not None and day.day in self.days_of_month

    def next_after(self, moment: datetime) -> datetime | None:
        local = moment.astimezone(self.zone).replace(second=0, microsecond=0, tzinfo=None)
        start = local + timedelta(minutes=1)
        last_year = max(self.years) if self.years else start.year + 5
        times = sorted((h, m) for h in self.hours for m in self.minutes)
        day = start.date()
        while day.year <= last_year:
            if self._day_matches(day):
                earliest = (start.hour, start.minute) if day == start.date() else (0, 0)
                for hour, minute in times:
                    if (hour, minute) >= earliest:
                        naive = datetime(day.year, day.month, day.day, hour, minute)
                        return naive.replace(tzinfo=self.zone).astimezone(UTC)
            day += timedelta(days=1)
        return None


def parse_cron(body: str, zone: ZoneInfo) -> Cron:
    fields = body.split()
    if len(fields) != 6:
        raise ValueError(f"cron({body}): six fields (minutes hours day-of-month month day-of-week year)")
    minutes, hours, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise ValueError(f"cron({body}): exactly one of day-of-month and day-of-week is '?'")
    for text in (minutes, hours, month, year, dow, dom):
        if any(c in text for c in "W#") or (text != "L" and "L" in text):
            raise ValueError(f"cron({body}): {text!r} is not supported locally (W, # and nL)")
    try:
        return Cron(
            minutes=_field(minutes, 0, 59),
            hours=_field(hours, 0, 23),
            days_of_month=None if dom in ("?", "L") else _field(dom, 1, 31),
            last_day_of_month=dom == "L",
            months=_field(month, 1, 12, _MONTHS),
            days_of_week=None if dow == "?" else _field(dow, 1, 7, _DAYS),
            years=None if year == "*" else _field(year, 1970, 2199),
            zone=zone,
        )
    except ValueError as exc:
        raise ValueError(f"cron({body}): {exc}") from None


# --- at ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class At:
    when: datetime

    def next_after(self, moment: datetime) -> datetime | None:
        return self.when if self.when > moment else None


def parse(expression: str, anchor: datetime, timezone: str | None = None) -> Expression:
    """An EventBridge schedule expression; ``anchor`` is when the schedule was created."""
    found = re.fullmatch(r"\s*(rate|cron|at)\((.*)\)\s*", expression)
    if not found:
        raise ValueError(f"{expression!r}: expected rate(...), cron(...) or at(...)")
    kind, body = found.groups()
    zone = ZoneInfo(timezone or "UTC")
    if kind == "rate":
        return parse_rate(body, anchor)
    if kind == "cron":
        return parse_cron(body, zone)
    try:
        return At(datetime.fromisoformat(body.strip()).replace(tzinfo=zone).astimezone(UTC))
    except ValueError:
        raise ValueError(f"at({body}): expected at(yyyy-mm-ddThh:mm:ss)") from None


# --- the timer -------------------------------------------------------------------------------------------
@dataclass
class Entry:
    source: ScheduleSource
    expression: Expression
    rule_arn: str
    next_fire: datetime | None

    @property
    def name(self) -> str:
        return f"{self.source.function}.{self.source.event}"


def rule_arn(source: ScheduleSource, stack_name: str, region: str) -> str:
    name = f"{stack_name}-{source.function}{source.event}"
    if source.kind == "ScheduleV2":
        return f"arn:aws:scheduler:{region}:{ACCOUNT_ID}:schedule/default/{name}"
    return f"arn:aws:events:{region}:{ACCOUNT_ID}:rule/{name}"


def scheduled_event(entry: Entry, moment: datetime, region: str) -> Any:
    """The payload: the template's Input if it has one, else EventBridge's scheduled event."""
    if entry.source.input is not None:
        return json.loads(entry.source.input)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [entry.rule_arn],
        "detail": {},
    }


@dataclass(frozen=True)
class Fired:
    schedule: str
    function: str
    time: str
    ok: bool


class ScheduleTimer:
    """Fires due schedules from a thread of its own, and at once when :meth:`fire_due` is called."""

    def __init__(
        self,
        entries: Iterable[Entry],
        invoke: Callable[[str, Any], Any],
        now: Callable[[], datetime],
        region: str,
    ):
        self.entries = list(entries)
        self._invoke = invoke
        self._now = now
        self._region = region
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.fired: list[Fired] = []

    def start(self) -> None:
        if self.entries:
            self._thread = threading.Thread(target=self._run, name="schedules", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)

    def fire_due(self) -> list[Fired]:
        """Invoke every schedule due at the current time, once each; what fired."""
        return self._fire(
            lambda entry, moment: entry.next_fire is not None and entry.next_fire <= moment, move=True
        )

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Nothing fires while this is held: what is read meanwhile sees no firing half done."""
        with self._lock:
            yield

    def fire_frequent(self, period: timedelta = timedelta(minutes=1)) -> list[Fired]:
        """Invoke now, once, each schedule of a rate of ``period`` or less (the ticker), whatever its next
        time: what it would find due at that time is done at once. Its next time stays as it was."""
        return self._fire(
            lambda entry, _: isinstance(entry.expression, Rate) and entry.expression.period <= period,
            move=False,
        )

    def _fire(self, chosen: Callable[[Entry, datetime], bool], *, move: bool) -> list[Fired]:
        """Invoke the chosen schedules at the current time (``move``: each then set to its next time)."""
        fired: list[Fired] = []
        with self._lock:
            moment = self._now()
            for entry in self.entries:
                if not chosen(entry, moment):
                    continue
                ok = True
                try:
                    self._invoke(entry.source.function, scheduled_event(entry, moment, self._region))
                except Exception as exc:
                    ok = False
                    log.error("schedule %s: %s", entry.name, exc)
                if move:
                    entry.next_fire = entry.expression.next_after(moment)
                fired.append(Fired(entry.name, entry.source.function, moment.isoformat(), ok))
            self.fired += fired
        return fired

    def _seconds_to_next(self) -> float:
        upcoming = [e.next_fire for e in self.entries if e.next_fire is not None]
        if not upcoming:
            return MAX_SLEEP
        return max(0.0, min(MAX_SLEEP, (min(upcoming) - self._now()).total_seconds()))

    def _run(self) -> None:
        while not self._stop.is_set():
            self.fire_due()
            self._wake.wait(self._seconds_to_next())
            self._wake.clear()


def entries(sources: Iterable[ScheduleSource], now: datetime, stack_name: str, region: str) -> list[Entry]:
    """Timer entries for the enabled schedules, created (anchored) at ``now``."""
    out: list[Entry] = []
    for source in sources:
        if not source.enabled:
            continue
        expression = parse(source.expression, now, source.timezone)
        out.append(
            Entry(source, expression, rule_arn(source, stack_name, region), expression.next_after(now))
        )
    return out
