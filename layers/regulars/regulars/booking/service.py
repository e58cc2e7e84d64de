"""Visits once booked: the salon's book, and moving, confirming, cancelling, completing, refunding
and no-shows. Booking is :mod:`regulars.booking.book`'s; free times :mod:`regulars.booking.slots`'.

Rules live here; storage is the store's business. Every function takes ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from regulars.booking import blocks as blocked_time
from regulars.booking import repo as store
from regulars.booking.model import Block
from regulars.booking.slots import candidates, place_chain, placeable, window
from regulars.core import appointments as m
from regulars.core.errors import InvalidInput, NotAllowed, NotFound, SlotTaken
from regulars.core.schedule import local_instant
from regulars.salon import repo as catalog_store
from regulars.salon.model import Catalog, Salon


# ------------------------------------------------------------------------------------------- book
@dataclass(frozen=True)
class Visits:
    salon: Salon
    appointments: list[m.Appointment]
    blocks: list[Block]


def visits(salon_id: str, first_day: date, *, days: int, staff_id: str | None, now: datetime) -> Visits:
    """The book: visits starting on ``days`` local days from ``first_day``, of one staff member or of
    all, by start, and the blocked time over any part of those days. The first day must lie within
    ten years back and two years ahead."""
    catalog = catalog_store.load_catalog(salon_id)
    tz = catalog.salon.tz
    today = now.astimezone(tz).date()
    if not today - timedelta(days=366 * 10) <= first_day <= today + timedelta(days=366 * 2):
        raise InvalidInput.field("from", "must be within ten years back and two years ahead")
    start = local_instant(first_day, time(0, 0), tz)
    end = local_instant(first_day + timedelta(days=days), time(0, 0), tz)
    if staff_id is not None and staff_id not in catalog.staff:
        raise InvalidInput.field("staff_id", "no such staff member")
    staff = [staff_id] if staff_id else sorted(catalog.staff)
    found = list(
        {  # a visit of several services once, though several staff members' books hold it
            a.id: a
            for sid in staff
            for a in store.for_staff(salon_id, sid, start, end)
            if any(s >= start for s, _ in a.times_of(sid))
        }.values()
    )
    found.sort(key=lambda a: (a.start, a.staff_id))
    return Visits(catalog.salon, found, blocked_time.overlapping(salon_id, start, end, staff_id))


def appointment(salon_id: str, appointment_id: str) -> m.Appointment:
    """One visit with its history; NotFound if the salon has none by this id."""
    return store.get(salon_id, appointment_id)


# ---------------------------------------------------------------------------------------- changes
def history_entry(now: datetime, action: str, by: str, **extra: object) -> m.HistoryEntry:
    return m.HistoryEntry(at=now, action=action, by=by, **extra)


def require_active(appt: m.Appointment) -> None:
    if not appt.status.active:
        raise NotAllowed(f"the visit is {appt.status.value}", code=f"appointment_{appt.status.value}")


def move(
    salon_id: str,
    appointment_id: str,
    *,
    start: datetime,
    staff_id: str | None,
    now: datetime,
    by: str,
    respect_hours: bool = True,
    notice_hours: int | None = None,
    duration: timedelta | None = None,
) -> m.Appointment:
    """Move a visit to ``start`` (and ``staff_id``), keeping its length, or resize it to ``duration``:
    the cells it leaves are freed and those it enters taken in one transaction, so a time taken or
    blocked meanwhile refuses it (409 ``slot_taken`` / ``time_blocked``)."""
    catalog = catalog_store.load_catalog(salon_id)
    before = store.get(salon_id, appointment_id)
    require_active(before)
    if notice_hours is not None and before.start - now < timedelta(hours=notice_hours):
        raise NotAllowed("too late to reschedule online: please call the salon", code="too_late")
    earliest, latest = window(catalog, now)
    if by != "client":
        earliest = now - timedelta(days=1)
        latest = now + timedelta(days=366)
    if before.segments:
        return _move_visit(
            catalog,
            before,
            start,
            staff_id=staff_id,
            duration=duration,
            earliest=earliest,
            latest=latest,
            respect_hours=respect_hours,
            now=now,
            by=by,
        )
    service = catalog.services.get(before.service_id)
    if service is None:
        raise NotFound("the visit's service no longer exists", code="service_not_found")
    choices = candidates(catalog, service, staff_id or before.staff_id)
    length = duration or (before.end - before.start)  # a visit resized once keeps its length
    member = placeable(
        catalog,
        service,
        choices,
        start,
        earliest=earliest,
        latest=latest,
        ignore=before.id,
        respect_hours=respect_hours,
        duration=length,
    )[0]
    new_start = start.astimezone(now.tzinfo)
    moved: dict[str, object] = {"start": before.start.isoformat(), "staff_id": before.staff_id}
    if length != before.end - before.start:
        moved["end"] = before.end.isoformat()
    after = before.model_copy(
        update={
            "start": new_start,
            "end": new_start + length,
            "staff_id": member.id,
            "updated_at": now,
            "status": m.AppointmentStatus.BOOKED,  # a new time needs a new confirmation
            "history": [
                *before.history,
                history_entry(now, "moved", by, **moved),
            ],
        }
    )
    try:
        return store.save_change(before, after)
    except SlotTaken as exc:  # a cell was taken after our read: by a visit, or by blocked time (named)
        raise blocked_time.refusal(catalog.salon, [after.staff_id], after.start, after.end) from exc


def _move_visit(
    catalog: Catalog,
    before: m.Appointment,
    start: datetime,
    *,
    staff_id: str | None,
    duration: timedelta | None,
    earliest: datetime,
    latest: datetime,
    respect_hours: bool,
    now: datetime,
    by: str,
) -> m.Appointment:
    """Move a visit of several services as one: each keeps its staff member, length and order,
    all shifted alike, every one of them checked and its cells moved in one transaction."""
    if (staff_id is not None and staff_id != before.staff_id) or duration is not None:
        raise InvalidInput.field(
            "staff_id" if duration is None else "duration_minutes",
            "a visit of several services moves as a whole: to change who does a service or how "
            "long it lasts, cancel it and book again",
            code="multi_service_visit",
        )
    planned = []
    for part in before.segments:
        service = catalog.services.get(part.service_id)
        member = catalog.staff.get(part.staff_id)
        if service is None or member is None:
            raise NotFound(
                "a service or staff member of the visit no longer exists", code="service_not_found"
            )
        # the length booked, whatever the catalog says now
        planned.append((service.model_copy(update={"duration_minutes": _minutes(part)}), [member]))
    place_chain(
        catalog,
        planned,
        start,
        earliest=earliest,
        latest=latest,
        ignore=before.id,
        respect_hours=respect_hours,
    )
    new_start = start.astimezone(now.tzinfo)
    segments = before.shifted(new_start - before.start)
    after = before.model_copy(
        update={
            "segments": segments,
            "start": segments[0].start,
            "end": segments[-1].end,
            "updated_at": now,
            "status": m.AppointmentStatus.BOOKED,
            "history": [
                *before.history,
                history_entry(now, "moved", by, start=before.start.isoformat(), staff_id=before.staff_id),
            ],
        }
    )
    try:
        return store.save_change(before, after)
    except SlotTaken as exc:
        raise blocked_time.refusal(catalog.salon, after.staff_ids(), after.start, after.end) from exc


def _minutes(part: m.Segment) -> int:
    return int((part.end - part.start).total_seconds() // 60)


def confirm(salon_id: str, appointment_id: str, *, now: datetime, by: str) -> m.Appointment:
    before = store.get(salon_id, appointment_id)
    if before.status is m.AppointmentStatus.CONFIRMED:
        return before  # confirming twice is the same as once
    require_active(before)
    if before.end <= now:
        raise NotAllowed("the visit is over", code="appointment_past")
    after = before.model_copy(
        update={
            "status": m.AppointmentStatus.CONFIRMED,
            "updated_at": now,
            "history": [*before.history, history_entry(now, "confirmed", by)],
        }
    )
    return store.save_change(before, after)


def cancel(
    salon_id: str,
    appointment_id: str,
    *,
    now: datetime,
    by: str,
    reason: str | None = None,
    notice_hours: int | None = None,
    salon_initiated: bool = False,
    reason_code: str | None = None,
) -> m.Appointment:
    """Cancel a visit; ``salon_initiated``: the salon called it off, so it is no defection of the
    client's; ``reason_code``: the client's pick from the manage page's short list (kept in the history,
    and as the reason when they wrote none)."""
    catalog = catalog_store.load_catalog(salon_id)
    before = store.get(salon_id, appointment_id)
    if before.status is m.AppointmentStatus.CANCELLED:
        return before
    require_active(before)
    if notice_hours is not None and before.start - now < timedelta(hours=notice_hours):
        raise NotAllowed("too late to cancel online: please call the salon", code="too_late")
    late = before.start - now < timedelta(hours=catalog.salon.settings.late_cancel_hours)
    after = before.model_copy(
        update={
            "status": m.AppointmentStatus.CANCELLED,
            "updated_at": now,
            "late_cancellation": late,
            "cancel_reason": reason or reason_code,
            "history": [
                *before.history,
                history_entry(
                    now,
                    "cancelled",
                    by,
                    late=late,
                    reason=reason,
                    **({"reason_code": reason_code} if reason_code else {}),
                    **({"salon_initiated": True} if salon_initiated else {}),
                ),
            ],
        }
    )
    return store.save_change(before, after)


def mark_no_show(salon_id: str, appointment_id: str, *, now: datetime, by: str) -> m.Appointment:
    before = store.get(salon_id, appointment_id)
    if before.status is m.AppointmentStatus.NO_SHOW:
        return before
    require_active(before)
    if before.start > now:
        raise NotAllowed("a visit cannot be a no-show before it begins", code="appointment_future")
    after = before.model_copy(
        update={
            "status": m.AppointmentStatus.NO_SHOW,
            "updated_at": now,
            "history": [*before.history, history_entry(now, "no_show", by)],
        }
    )
    return store.save_change(before, after)
