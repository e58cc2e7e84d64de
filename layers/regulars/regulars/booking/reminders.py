"""Reminders: planned as jobs when a visit is booked or moved, cancelled when it changes, and
re-checked when due (a moved or cancelled visit gets no reminder for its old time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from regulars.booking import repo as appointment_store
from regulars.core import appointments as m
from regulars.core.events import AppointmentEvent, EventType
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.rules.quiet_hours import QuietHours, edge_before
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.outcome import Outcome
from regulars.runtime.jobs.repo import DueJob
from regulars.runtime.jobs.subjects import Subject
from regulars.salon import repo as catalog_store
from regulars.salon.model import SalonSettings

KIND = "reminder"


@dataclass(frozen=True)
class PlannedReminder:
    job_id: str
    due_at: datetime
    offset_minutes: int
    confirm: bool


def plan(
    appointment: m.Appointment, rules: SalonSettings, now: datetime, timezone: str = "UTC"
) -> list[PlannedReminder]:
    """The reminders a visit should get (pure). Ids are derived from the visit and its start, so a
    redelivered event plans the same jobs and a move plans new ones. A reminder that would fall in
    the salon's quiet hours moves to the window's edge before it (07:30 -> 20:59 the evening
    before). A reminder whose moment has passed by booking time is not sent late (the client has
    just booked)."""
    if not rules.reminders_enabled or not appointment.status.active:
        return []
    out = []
    quiet = QuietHours.parse(rules.quiet_hours)
    stamp = appointment.start.strftime("%Y%m%dT%H%M")
    for offset in sorted(set(rules.reminder_offsets_minutes), reverse=True):
        due = edge_before(appointment.start - timedelta(minutes=offset), quiet, timezone)
        if due is None or due < now:
            continue
        out.append(
            PlannedReminder(
                job_id=f"reminder-{appointment.id}-{stamp}-{offset}m",
                due_at=due,
                offset_minutes=offset,
                confirm=rules.confirmation_offset_minutes == offset
                and appointment.status is m.AppointmentStatus.BOOKED,
            )
        )
    return out


def on_event(event: AppointmentEvent, now: datetime) -> None:
    """Keep an appointment's reminder jobs in step with it."""
    a = event.appointment
    if event.type in (EventType.BOOKED, EventType.MOVED):
        salon = catalog_store.load_catalog(a.salon_id, max_age=catalog_store.RULES_MAX_AGE).salon
        planned = plan(a, salon.settings, now, salon.timezone)
        for r in planned:
            job_store.schedule(
                a.salon_id,
                r.job_id,
                kind=KIND,
                subject=Subject.VISIT.of(a.id),
                due_at=r.due_at,
                now=now,
                payload={
                    "appointment_id": a.id,
                    "start": a.start.isoformat(),
                    "offset_minutes": r.offset_minutes,
                    "confirm": r.confirm,
                },
            )
        keep = {r.job_id for r in planned}
        job_store.cancel_pending(a.salon_id, Subject.VISIT.of(a.id), now, keep=keep)
        if event.type is EventType.MOVED:
            _skip_unsent(a.salon_id, a.id, now, keep, "the visit was moved")
    elif event.type in (EventType.CANCELLED, EventType.COMPLETED, EventType.NO_SHOW) and not event.created:
        job_store.cancel_pending(a.salon_id, Subject.VISIT.of(a.id), now)
        _skip_unsent(a.salon_id, a.id, now, set(), f"the visit is {a.status.value}")


def _skip_unsent(salon_id: str, appointment_id: str, now: datetime, keep: set[str], reason: str) -> None:
    """Reminders already planned as messages but not yet handed to a provider are dropped (a
    message's id is its job's)."""
    for job in job_store.jobs_of(salon_id, Subject.VISIT.of(appointment_id)):
        if job.kind == KIND and job.status == "done" and job.job_id not in keep:
            outbox.skip(salon_id, job.job_id, reason, now)


def remind(job: DueJob, now: datetime) -> Outcome:
    """Plan the reminder message if the visit is still as it was when the job was written."""
    a = appointment_store.find(job.salon_id, job.payload["appointment_id"])
    if a is None:
        return Outcome(False, "the visit no longer exists")
    if not a.status.active:
        return Outcome(False, f"the visit is {a.status.value}")
    if a.start.isoformat() != job.payload["start"]:
        return Outcome(False, "the visit was moved")
    if a.start <= now:
        return Outcome(False, "the visit has begun")
    confirm = bool(job.payload.get("confirm")) and a.status is m.AppointmentStatus.BOOKED
    outbox.plan(
        outbox.PlannedMessage(
            salon_id=a.salon_id,
            message_id=job.job_id,
            kind="reminder_with_confirmation" if confirm else "reminder",
            purpose="transactional",
            recipient="client",
            client_id=a.client_id,
            appointment_id=a.id,
            values={
                "start": a.start.isoformat(),
                "service_id": a.service_id,
                "staff_id": a.staff_id,
                "offset_minutes": job.payload.get("offset_minutes"),
            },
            created_at=now,
        )
    )
    return Outcome(True, "reminder planned")
