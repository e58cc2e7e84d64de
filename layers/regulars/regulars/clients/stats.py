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
    """The visit log with ``a`` in its place (once), the oldest dropped beyond VISIT_LOG_MAX: an
    entry per service (a visit of several services logs each at its own start, so each service's
    cadence sees it; the same day is one sitting to the rules that read the log)."""
    entries = [[p.start.isoformat(), p.service_id, p.staff_id, a.created_at.isoformat()] for p in a.parts()]
    new = {(e[0], e[1]) for e in entries}
    kept = [e for e in log if (e[0], e[1]) not in new]
    return sorted([*kept, *entries], key=lambda e: datetime.fromisoformat(e[0]))[-VISIT_LOG_MAX:]
