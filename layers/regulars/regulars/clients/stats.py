"""A client's visit statistics, folded from appointment events (pure)."""

from __future__ import annotations

from regulars.booking.model import ClientStats
from regulars.events import AppointmentEvent, EventType

COUNTED = {EventType.COMPLETED, EventType.NO_SHOW, EventType.CANCELLED}


def counts(event: AppointmentEvent) -> bool:
    return event.type in COUNTED


def apply(stats: ClientStats, event: AppointmentEvent) -> ClientStats:
    a = event.appointment
    match event.type:
        case EventType.COMPLETED:
            first = min(filter(None, [stats.first_visit_at, a.start]))
            last = max(filter(None, [stats.last_visit_at, a.start]))
            return stats.model_copy(update={
                "visits": stats.visits + 1,
                "total_spent": stats.total_spent + (a.paid_amount or 0),
                "first_visit_at": first,
                "last_visit_at": last,
            })
        case EventType.NO_SHOW:
            return stats.model_copy(update={"no_shows": stats.no_shows + 1})
        case EventType.CANCELLED:
            return stats.model_copy(update={
                "cancellations": stats.cancellations + 1,
                "late_cancellations": stats.late_cancellations + int(a.late_cancellation),
            })
    return stats
