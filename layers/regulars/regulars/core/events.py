"""Domain events, derived from the table's change stream (old and new image of an appointment).

An event's id is the appointment id, its version and the event type: the same change delivered
twice has the same id, so effects keyed on it happen once."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel

from regulars.core import appointments as m


class EventType(StrEnum):
    BOOKED = "appointment.booked"
    MOVED = "appointment.moved"
    CONFIRMED = "appointment.confirmed"
    CANCELLED = "appointment.cancelled"
    COMPLETED = "appointment.completed"
    NO_SHOW = "appointment.no_show"


_BY_STATUS = {
    m.AppointmentStatus.BOOKED: EventType.BOOKED,
    m.AppointmentStatus.CONFIRMED: EventType.CONFIRMED,
    m.AppointmentStatus.CANCELLED: EventType.CANCELLED,
    m.AppointmentStatus.COMPLETED: EventType.COMPLETED,
    m.AppointmentStatus.NO_SHOW: EventType.NO_SHOW,
}


class AppointmentEvent(BaseModel):
    type: EventType
    event_id: str
    salon_id: str
    appointment: m.Appointment
    previous_start: datetime | None = None
    previous_staff_id: str | None = None
    created: bool = False  # the appointment's first image: nothing was planned for it before


def _event(kind: EventType, new: m.Appointment, old: m.Appointment | None = None) -> AppointmentEvent:
    return AppointmentEvent(
        created=old is None,
        type=kind,
        event_id=f"{new.id}:{new.version or 0}:{kind.value}",
        salon_id=new.salon_id,
        appointment=new,
        previous_start=old.start if old else None,
        previous_staff_id=old.staff_id if old else None,
    )


def derive(old: m.Appointment | None, new: m.Appointment | None) -> list[AppointmentEvent]:
    """What happened between two images of one appointment."""
    if new is None:
        return []  # removal (TTL or erasure) is not a booking event
    if old is None:
        return [_event(_BY_STATUS[new.status], new)]
    out: list[AppointmentEvent] = []
    if new.status.active and (
        new.start != old.start or new.staff_id != old.staff_id or new.segments != old.segments
    ):
        out.append(_event(EventType.MOVED, new, old))
    elif new.status != old.status:
        out.append(_event(_BY_STATUS[new.status], new, old))
    return out
