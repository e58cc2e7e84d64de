"""Which days have free times, and the next free time: the booking page's strip of days.

One Query per staff member who does the service (their visits over the whole range, read once) and
one for the blocked time of the range, then :mod:`regulars.core.schedule`'s arithmetic per day, as
:mod:`regulars.booking.slots` does for one day. Bounded: at most ``MAX_DAYS`` days a request, and the
search for the next free time past them goes on in steps of ``MAX_DAYS`` up to the salon's horizon.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from regulars.booking import blocks as blocked_time
from regulars.booking import repo as store
from regulars.booking.slots import (
    Choice,
    DayView,
    Slot,
    candidates,
    chain_starts,
    day_view,
    plan,
    require_service,
    window,
)
from regulars.core.errors import InvalidInput
from regulars.core.schedule import Interval, free_starts, local_instant
from regulars.salon.model import Catalog, Service, StaffMember

MAX_DAYS = 31
DayState = Literal["free", "full", "closed", "past", "beyond_horizon"]


@dataclass(frozen=True)
class DayAvailability:
    day: date
    state: DayState
    free_times: int  # distinct start times (any of the staff)


@dataclass(frozen=True)
class Availability:
    today: date
    last_day: date
    days: list[DayAvailability]
    next: Slot | None


def _busy(
    catalog: Catalog, members: list[StaffMember], lo: datetime, hi: datetime
) -> dict[str, list[Interval]]:
    """Each member's held time over [lo, hi): their own parts of visits (not cancelled; a no-show's
    up to its release) and their blocks."""
    held: dict[str, list[Interval]] = {
        member.id: [
            Interval(start, end)
            for a in store.for_staff(catalog.salon.id, member.id, lo, hi)
            for start, end in a.held_by(member.id)
        ]
        for member in members
    }
    staff_id = members[0].id if len(members) == 1 else None
    for b in blocked_time.overlapping(catalog.salon.id, lo, hi, staff_id):
        if b.staff_id in held:
            held[b.staff_id].append(Interval(b.start, b.end))
    return held


# a day's free starts for the question asked: (someone works that day, {start: who})
DayStarts = Callable[[date, dict[str, list[Interval]], datetime], tuple[bool, dict[datetime, str]]]


def _days(
    catalog: Catalog, members: list[StaffMember], first: date, count: int, now: datetime, starts_on: DayStarts
) -> tuple[list[DayAvailability], Slot | None]:
    """``count`` days from ``first``: each day's state from ``starts_on``, over the held time of
    ``members`` read once for the whole range."""
    tz = catalog.salon.tz
    earliest, latest = window(catalog, now)
    first_open, last_open = earliest.astimezone(tz).date(), latest.astimezone(tz).date()
    lo = local_instant(max(first, first_open), time(0, 0), tz)
    hi = local_instant(min(first + timedelta(days=count), last_open + timedelta(days=1)), time(0, 0), tz)
    held = _busy(catalog, members, lo, hi) if lo < hi else {}
    out: list[DayAvailability] = []
    first_free: Slot | None = None
    for n in range(count):
        day = first + timedelta(days=n)
        if day < first_open:
            out.append(DayAvailability(day, "past", 0))
            continue
        if day > last_open:
            out.append(DayAvailability(day, "beyond_horizon", 0))
            continue
        works, found = starts_on(day, held, earliest)
        starts = {t: who for t, who in found.items() if t <= latest}
        late = len(starts) < len(found)  # times past the horizon's instant (on the last day open)
        if starts and first_free is None:
            t = min(starts)
            first_free = Slot(t, starts[t])
        state: DayState = "free" if starts else "beyond_horizon" if late else "full" if works else "closed"
        out.append(DayAvailability(day, state, len(starts)))
    return out, first_free


def _one_service(catalog: Catalog, service: Service, members: list[StaffMember]) -> DayStarts:
    """A day's starts for one service: each member's free starts (the first member named keeps a time)."""
    tz = catalog.salon.tz
    step = timedelta(minutes=catalog.salon.settings.slot_step_minutes)

    def starts_on(
        day: date, held: dict[str, list[Interval]], earliest: datetime
    ) -> tuple[bool, dict[datetime, str]]:
        works = False
        starts: dict[datetime, str] = {}
        for member in members:
            pattern = member.pattern()
            opening = local_instant(day, time(0, 0), tz)
            if not free_starts(
                day=day,
                tz=tz,
                pattern=pattern,
                busy=[],
                duration=service.duration,
                step=step,
                earliest=opening,
            ):
                continue  # not working that day (hours, a day off)
            works = True
            for t in free_starts(
                day=day,
                tz=tz,
                pattern=pattern,
                busy=held.get(member.id, []),
                duration=service.duration,
                step=step,
                earliest=earliest,
            ):
                starts.setdefault(t, member.id)
        return works, starts

    return starts_on


def _chain_views(
    planned: Sequence[tuple[Service, list[StaffMember]]],
    members: list[StaffMember],
    day: date,
    tz: ZoneInfo,
    busy: dict[str, list[Interval]],
) -> list[list[DayView]]:
    """Each service's options on ``day`` as the chain's rules see them (``busy``: what is held)."""
    views = {
        member.id: day_view(member.id, member.pattern(), day, tz, busy.get(member.id, []))
        for member in members
    }
    return [[views[member.id] for member in ms] for _, ms in planned]


def _several_services(
    catalog: Catalog, planned: Sequence[tuple[Service, list[StaffMember]]], members: list[StaffMember]
) -> DayStarts:
    """A day's starts for several services back to back: where the whole visit fits
    (:func:`regulars.booking.slots.chain_starts`, as the day's slots are found)."""
    tz = catalog.salon.tz
    step = timedelta(minutes=catalog.salon.settings.slot_step_minutes)
    services = [(service.id, service.duration) for service, _ in planned]

    def starts_on(
        day: date, held: dict[str, list[Interval]], earliest: datetime
    ) -> tuple[bool, dict[datetime, str]]:
        day_lo = local_instant(day, time(0, 0), tz)
        day_hi = local_instant(day + timedelta(days=1), time(0, 0), tz)
        idle = _chain_views(planned, members, day, tz, {})
        works = bool(chain_starts(idle, services, step=step, earliest=day_lo, latest=day_hi))
        busy = {k: [i for i in v if i.start < day_hi and day_lo < i.end] for k, v in held.items()}
        ways = chain_starts(
            _chain_views(planned, members, day, tz, busy),
            services,
            step=step,
            earliest=earliest,
            latest=day_hi,
        )
        return works, {way[0].start: way[0].staff_id for way in ways}

    return starts_on


def availability(
    catalog: Catalog,
    choices: Sequence[Choice],
    first: date | None,
    days: int,
    now: datetime,
) -> Availability:
    """``days`` local days from ``first`` (today if None): each day's state and number of free times,
    and the first free time at or after ``first``, looked for up to the salon's horizon; for one
    service, or for several back to back in one visit (``choices`` in order)."""
    if not 1 <= days <= MAX_DAYS:
        raise InvalidInput.field("days", f"from 1 to {MAX_DAYS}")
    if len(choices) == 1:
        service = require_service(catalog, choices[0].service_id)
        members = candidates(catalog, service, choices[0].staff_id)
        starts_on = _one_service(catalog, service, members)
    else:
        planned = plan(catalog, choices)
        members = list({member.id: member for _, ms in planned for member in ms}.values())
        starts_on = _several_services(catalog, planned, members)

    def find(start: date, count: int) -> tuple[list[DayAvailability], Slot | None]:
        return _days(catalog, members, start, count, now, starts_on)

    tz = catalog.salon.tz
    today = now.astimezone(tz).date()
    last_day = window(catalog, now)[1].astimezone(tz).date()
    first = first or today
    if not today - timedelta(days=MAX_DAYS) <= first <= last_day + timedelta(days=1):
        raise InvalidInput.field("from", "must lie between a month ago and the last day open for booking")
    shown, found = find(first, days)
    after = first + timedelta(days=days)
    while found is None and after <= last_day:  # further on, a step at a time, up to the horizon
        _, found = find(after, MAX_DAYS)
        after += timedelta(days=MAX_DAYS)
    return Availability(today, last_day, shown, found)
