"""Free times: which staff member can take a service when, within the salon's booking window.

Reads the visits and blocks that hold each staff member's time; the arithmetic is
:mod:`regulars.core.schedule`'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from regulars.booking import blocks as blocked_time
from regulars.booking import repo as store
from regulars.booking.model import Block
from regulars.core.errors import InvalidInput
from regulars.core.schedule import (
    WEEKDAYS,
    Interval,
    WorkingPattern,
    free_starts,
    intervals_on,
    local_instant,
    on_grid,
)
from regulars.salon.model import MAX_SERVICE_MINUTES, Catalog, Service, StaffMember


@dataclass(frozen=True)
class Slot:
    start: datetime
    staff_id: str


def require_service(catalog: Catalog, service_id: str, field: str = "service_id") -> Service:
    """The service to book; refused (unknown_service) if the salon has none by this id."""
    service = catalog.service(service_id)
    if service is None:
        raise InvalidInput.field(field, "no such service at this salon", code="unknown_service")
    return service


def candidates(
    catalog: Catalog, service: Service, staff_id: str | None, field: str = "staff_id"
) -> list[StaffMember]:
    """Who may do the service: the member asked for (refused if they do not), else everyone who does it."""
    if staff_id is None:
        return catalog.staff_for(service.id)
    member = catalog.staff.get(staff_id)
    if member is None or not member.active:
        raise InvalidInput.field(field, "no such staff member at this salon", code="unknown_staff")
    if service.id not in member.service_ids:
        raise InvalidInput.field(field, "this staff member does not do this service", code="staff_mismatch")
    return [member]


def _day_bounds(day: date, catalog: Catalog) -> tuple[datetime, datetime]:
    tz = catalog.salon.tz
    return local_instant(day, time(0, 0), tz), local_instant(day + timedelta(days=1), time(0, 0), tz)


def _starts_for(
    catalog: Catalog,
    member: StaffMember,
    service: Service,
    day: date,
    *,
    earliest: datetime,
    ignore: str | None = None,
    with_busy: bool = True,
    blocks: list[Block] | None = None,
    duration: timedelta | None = None,
) -> list[datetime]:
    """``blocks``: the salon's blocks over the day, if read already (else this member's are read)."""
    busy: list[Interval] = []
    if with_busy:
        lo, hi = _day_bounds(day, catalog)
        busy = [
            Interval(start, end)
            for a in store.for_staff(catalog.salon.id, member.id, lo, hi)
            if a.id != ignore  # done visits hold their time, a no-show up to its release
            for start, end in a.held_by(member.id)
        ]
        if blocks is None:
            blocks = blocked_time.overlapping(catalog.salon.id, lo, hi, member.id)
        busy += [Interval(b.start, b.end) for b in blocks if b.staff_id == member.id]
    return free_starts(
        day=day,
        tz=catalog.salon.tz,
        pattern=member.pattern(),
        busy=busy,
        duration=duration or service.duration,
        step=timedelta(minutes=catalog.salon.settings.slot_step_minutes),
        earliest=earliest,
    )


def window(catalog: Catalog, now: datetime) -> tuple[datetime, datetime]:
    """The earliest and latest start a client may book online: the salon's notice and horizon."""
    s = catalog.salon.settings
    return now + timedelta(minutes=s.min_notice_minutes), now + timedelta(days=s.booking_horizon_days)


def free_slots(
    catalog: Catalog,
    service_id: str,
    day: date,
    staff_id: str | None,
    now: datetime,
    *,
    ignore: str | None = None,
    duration: timedelta | None = None,
) -> list[Slot]:
    """The free starts for a service on a local day (of one staff member, or of each who does it);
    ``ignore``: a visit being moved, whose own time is free to it; ``duration``: its length."""
    service = require_service(catalog, service_id)
    earliest, latest = window(catalog, now)
    tz = catalog.salon.tz
    if not earliest.astimezone(tz).date() <= day <= latest.astimezone(tz).date():
        candidates(catalog, service, staff_id)  # still refuse an unknown staff member
        return []
    out = []
    members = candidates(catalog, service, staff_id)
    lo, hi = _day_bounds(day, catalog)
    blocks = blocked_time.overlapping(catalog.salon.id, lo, hi, staff_id)  # one Query for every member
    for member in members:
        out += [
            Slot(t, member.id)
            for t in _starts_for(
                catalog,
                member,
                service,
                day,
                earliest=earliest,
                blocks=blocks,
                ignore=ignore,
                duration=duration,
            )
            if t <= latest
        ]
    return sorted(out, key=lambda s: (s.start, s.staff_id))


def _aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput.field(field, "must include a UTC offset, e.g. 2026-11-23T10:00:00+01:00")
    return value


def placeable(
    catalog: Catalog,
    service: Service,
    staff: list[StaffMember],
    start: datetime,
    *,
    earliest: datetime,
    latest: datetime,
    ignore: str | None = None,
    respect_hours: bool = True,
    field: str = "start",
    duration: timedelta | None = None,
) -> list[StaffMember]:
    """The members of ``staff`` for whom ``start`` is a free slot for a visit of ``duration`` (the
    service's unless given), in order; raises when none is (``time_blocked`` when blocked time is in
    the way of each). Without ``respect_hours`` (the salon's own desk), every one of them, at any
    time: the lock cells still refuse a time that is taken or blocked."""
    length = duration or service.duration
    start = _aware(start, field)
    if not on_grid(start):
        raise InvalidInput.field(field, "must be on a 5-minute boundary", code="not_a_slot")
    if start < earliest:
        raise InvalidInput.field(field, "too soon: the salon needs more notice", code="too_soon")
    if start > latest:
        raise InvalidInput.field(field, "too far ahead for online booking", code="too_far")
    if not respect_hours:
        return staff
    day = start.astimezone(catalog.salon.tz).date()
    in_hours = [
        mem
        for mem in staff
        if start
        in _starts_for(catalog, mem, service, day, earliest=earliest, with_busy=False, duration=length)
    ]
    if not in_hours:
        raise InvalidInput.field(field, "not a bookable time for this service", code="not_a_slot")
    lo, hi = _day_bounds(day, catalog)
    blocks = blocked_time.overlapping(catalog.salon.id, min(lo, start), max(hi, start + length))
    free = [
        mem
        for mem in in_hours
        if start
        in _starts_for(
            catalog, mem, service, day, earliest=earliest, ignore=ignore, blocks=blocks, duration=length
        )
    ]
    if not free:
        raise blocked_time.refusal_among(
            catalog.salon, blocks, [mem.id for mem in in_hours], start, start + length
        )
    return free


# ------------------------------------------------------------------ several services in one visit
MAX_SERVICES = 4  # a visit's services; with 240 minutes in all, its cells and items fit one transaction
MAX_VISIT = timedelta(minutes=MAX_SERVICE_MINUTES)


@dataclass(frozen=True)
class DayView:
    """A staff member's day as the rules for several services see it: when they work, and what is
    in the way (breaks, visits, blocked time)."""

    staff_id: str
    hours: tuple[Interval, ...]
    blocked: tuple[Interval, ...]

    def fits(self, start: datetime, end: datetime) -> bool:
        return any(w.start <= start and end <= w.end for w in self.hours) and not any(
            b.start < end and start < b.end for b in self.blocked
        )


def day_view(
    staff_id: str, pattern: WorkingPattern, day: date, tz: ZoneInfo, busy: list[Interval]
) -> DayView:
    """``staff_id``'s working intervals on ``day`` (none on a day off) and what blocks them."""
    if day in pattern.days_off:
        return DayView(staff_id, (), ())
    weekday = WEEKDAYS[day.weekday()]
    hours = intervals_on(day, pattern.hours.get(weekday, []), tz)
    breaks = intervals_on(day, pattern.breaks.get(weekday, []), tz)
    return DayView(staff_id, tuple(hours), tuple([*breaks, *busy]))


@dataclass(frozen=True)
class Planned:
    """One service of a visit as placed: who does it, when."""

    service_id: str
    staff_id: str
    start: datetime
    end: datetime


def assign(
    options: Sequence[Sequence[DayView]], services: Sequence[tuple[str, timedelta]], start: datetime
) -> list[Planned] | None:
    """A way to do ``services`` (id, length) in order from ``start``, back to back with no gap, each
    by one of its ``options`` whose time it fits: the one with the fewest changes of staff member
    (a client rather sees one person), then by the options' order; None when no way exists."""
    best: list[Planned] | None = None
    best_changes = len(services)

    def place(i: int, at: datetime, done: list[Planned], changes: int) -> None:
        nonlocal best, best_changes
        if best is not None and changes >= best_changes:
            return  # no better than the one found
        if i == len(services):
            best, best_changes = done, changes
            return
        service_id, length = services[i]
        end = at + length
        previous = done[-1].staff_id if done else None
        for view in sorted(options[i], key=lambda v: v.staff_id != previous):  # stable: then in order
            if view.fits(at, end):
                changed = int(previous is not None and view.staff_id != previous)
                place(i + 1, end, [*done, Planned(service_id, view.staff_id, at, end)], changes + changed)

    place(0, start, [], 0)
    return best


def chain_starts(
    options: Sequence[Sequence[DayView]],
    services: Sequence[tuple[str, timedelta]],
    *,
    step: timedelta,
    earliest: datetime,
    latest: datetime,
) -> list[list[Planned]]:
    """Every start on the step grid (from the start of each working interval of someone who may do
    the first service) at which the whole chain fits, between ``earliest`` and ``latest``; one
    placement per start."""
    grid: set[datetime] = set()
    for view in options[0]:
        for work in view.hours:
            t = work.start
            while t < work.end:
                grid.add(t)
                t += step
    out = []
    for t in sorted(grid):
        if earliest <= t <= latest:
            placed = assign(options, services, t)
            if placed is not None:
                out.append(placed)
    return out


@dataclass(frozen=True)
class Choice:
    """A service asked for in a visit of several, and the staff member wanted for it (None: anyone)."""

    service_id: str
    staff_id: str | None = None


def plan(catalog: Catalog, choices: Sequence[Choice]) -> list[tuple[Service, list[StaffMember]]]:
    """The services asked for, in order, each with who may do it; refused in words when the visit
    would hold too many services, the same one twice, or last too long."""
    if not choices:
        raise InvalidInput.field("services", "name at least one service", code="no_services")
    if len(choices) > MAX_SERVICES:
        raise InvalidInput.field(
            "services", f"at most {MAX_SERVICES} services in one visit", code="too_many_services"
        )
    if len({c.service_id for c in choices}) < len(choices):
        raise InvalidInput.field("services", "a service is named twice", code="duplicate_service")
    out = []
    for i, choice in enumerate(choices):
        service = require_service(catalog, choice.service_id, field=f"services.{i}.service_id")
        out.append((service, candidates(catalog, service, choice.staff_id, field=f"services.{i}.staff_id")))
    total = sum((service.duration for service, _ in out), timedelta())
    if total > MAX_VISIT:
        raise InvalidInput.field(
            "services",
            f"the services together last {int(total.total_seconds() // 60)} minutes: "
            f"at most {MAX_SERVICE_MINUTES} in one visit",
            code="visit_too_long",
        )
    return out


def _views(
    catalog: Catalog,
    planned: Sequence[tuple[Service, list[StaffMember]]],
    day: date,
    *,
    blocks: list[Block] | None,
    ignore: str | None = None,
) -> list[list[DayView]]:
    """Each service's options as day views; without ``blocks``, working time only (nothing busy)."""
    lo, hi = _day_bounds(day, catalog)
    tz = catalog.salon.tz
    views: dict[str, DayView] = {}
    for _, members in planned:
        for member in members:
            if member.id in views:
                continue
            busy: list[Interval] = []
            if blocks is not None:
                busy = [
                    Interval(start, end)
                    for a in store.for_staff(catalog.salon.id, member.id, lo, hi)
                    if a.id != ignore
                    for start, end in a.held_by(member.id)
                ]
                busy += [Interval(b.start, b.end) for b in blocks if b.staff_id == member.id]
            views[member.id] = day_view(member.id, member.pattern(), day, tz, busy)
    return [[views[member.id] for member in members] for _, members in planned]


def free_chains(
    catalog: Catalog, choices: Sequence[Choice], day: date, now: datetime, *, ignore: str | None = None
) -> list[list[Planned]]:
    """The starts on a local day at which the services fit back to back, one placement each;
    ``ignore``: a visit whose own time counts as free (where it may move to)."""
    planned = plan(catalog, choices)
    earliest, latest = window(catalog, now)
    tz = catalog.salon.tz
    if not earliest.astimezone(tz).date() <= day <= latest.astimezone(tz).date():
        return []
    lo, hi = _day_bounds(day, catalog)
    blocks = blocked_time.overlapping(catalog.salon.id, lo, hi + MAX_VISIT)
    return chain_starts(
        _views(catalog, planned, day, blocks=blocks, ignore=ignore),
        [(service.id, service.duration) for service, _ in planned],
        step=timedelta(minutes=catalog.salon.settings.slot_step_minutes),
        earliest=earliest,
        latest=latest,
    )


def place_chain(
    catalog: Catalog,
    planned: Sequence[tuple[Service, list[StaffMember]]],
    start: datetime,
    *,
    earliest: datetime,
    latest: datetime,
    ignore: str | None = None,
    respect_hours: bool = True,
    field: str = "start",
) -> list[Planned]:
    """Where the services go from ``start``, back to back: refused as :func:`placeable` refuses one
    service (``not_a_slot`` outside working time, ``time_blocked`` / ``slot_taken`` when taken).
    Without ``respect_hours`` (the salon's own desk), each by the first who may do it, at any time:
    the lock cells still refuse a time that is taken or blocked."""
    start = _aware(start, field)
    if not on_grid(start):
        raise InvalidInput.field(field, "must be on a 5-minute boundary", code="not_a_slot")
    if start < earliest:
        raise InvalidInput.field(field, "too soon: the salon needs more notice", code="too_soon")
    if start > latest:
        raise InvalidInput.field(field, "too far ahead for online booking", code="too_far")
    services = [(service.id, service.duration) for service, _ in planned]
    if not respect_hours:
        out, at = [], start
        for service, members in planned:
            out.append(Planned(service.id, members[0].id, at, at + service.duration))
            at += service.duration
        return out
    day = start.astimezone(catalog.salon.tz).date()
    in_hours = assign(_views(catalog, planned, day, blocks=None), services, start)
    if in_hours is None:
        raise InvalidInput.field(field, "not a bookable time for these services", code="not_a_slot")
    lo, hi = _day_bounds(day, catalog)
    blocks = blocked_time.overlapping(catalog.salon.id, min(lo, start), hi + MAX_VISIT)
    placed = assign(_views(catalog, planned, day, blocks=blocks, ignore=ignore), services, start)
    if placed is None:
        end = start + sum((length for _, length in services), timedelta())
        raise blocked_time.refusal_among(catalog.salon, blocks, {p.staff_id for p in in_hours}, start, end)
    return placed
