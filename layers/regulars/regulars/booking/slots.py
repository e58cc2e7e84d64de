"""Free times: which staff member can take a service when, within the salon's booking window.

Reads the visits and blocks that hold each staff member's time; the arithmetic is
:mod:`regulars.core.schedule`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from regulars.booking import blocks as blocked_time
from regulars.booking import repo as store
from regulars.booking.model import Block
from regulars.core import appointments as m
from regulars.core.errors import InvalidInput
from regulars.core.schedule import Interval, free_starts, local_instant, on_grid
from regulars.salon.model import Catalog, Service, StaffMember


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


def candidates(catalog: Catalog, service: Service, staff_id: str | None) -> list[StaffMember]:
    """Who may do the service: the member asked for (refused if they do not), else everyone who does it."""
    if staff_id is None:
        return catalog.staff_for(service.id)
    member = catalog.staff.get(staff_id)
    if member is None or not member.active:
        raise InvalidInput.field("staff_id", "no such staff member at this salon", code="unknown_staff")
    if service.id not in member.service_ids:
        raise InvalidInput.field(
            "staff_id", "this staff member does not do this service", code="staff_mismatch"
        )
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
            Interval(a.start, a.end)
            for a in store.for_staff(catalog.salon.id, member.id, lo, hi)
            if a.status is not m.AppointmentStatus.CANCELLED and a.id != ignore  # done visits hold their time
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
