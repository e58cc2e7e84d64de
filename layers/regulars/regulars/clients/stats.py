"""A client's visit statistics, folded from appointment events (pure)."""

from __future__ import annotations

from datetime import datetime

from regulars.clients.model import ClientStats
from regulars.core.appointments import Appointment
from regulars.core.events import AppointmentEvent, EventType

COUNTED = {EventType.COMPLETED, EventType.NO_SHOW, EventType.CANCELLED}
VISIT_LOG_MAX = 60  # the visits a client's cadence is read from (about five years of monthly visits)


def counts(event: AppointmentEvent) -> bool:
    return event.type in COUNTED


def apply(stats: ClientStats, event: AppointmentEvent) -> ClientStats:
    a = event.appointment
    match event.type:
        case EventType.COMPLETED:
            first = min(filter(None, [stats.first_visit_at, a.start]))
            last = max(filter(None, [stats.last_visit_at, a.start]))
            return stats.model_copy(
                update={
                    "visits": stats.visits + 1,
                    "total_spent": stats.total_spent + (a.paid_amount or 0),
                    "first_visit_at": first,
                    "last_visit_at": last,
                    "visit_log": logged(stats.visit_log, a),
                }
            )
        case EventType.NO_SHOW:
            return stats.model_copy(update={"no_shows": stats.no_shows + 1})
        case EventType.CANCELLED:
            return stats.model_copy(
                update={
                    "cancellations": stats.cancellations + 1,
                    "late_cancellations": stats.late_cancellations + int(a.late_cancellation),
                }
            )
    return stats


def logged(log: list[list[str]], a: Appointment) -> list[list[str]]:
    """The visit log with ``a`` in its place (once), the oldest dropped beyond VISIT_LOG_MAX."""
    entry = [a.start.isoformat(), a.service_id, a.staff_id, a.created_at.isoformat()]
    kept = [e for e in log if (e[0], e[1]) != (entry[0], entry[1])]
    return sorted([*kept, entry], key=lambda e: datetime.fromisoformat(e[0]))[-VISIT_LOG_MAX:]
