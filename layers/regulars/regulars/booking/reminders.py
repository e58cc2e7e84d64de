"""Reminders: planned as jobs when a visit is booked or moved, cancelled when it changes,
re-planned for every visit to come when the salon changes its reminder rules, and re-checked when
due (a moved or cancelled visit gets no reminder for its old time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from regulars.booking import repo as appointment_store
from regulars.core import appointments as m
from regulars.core.events import AppointmentEvent, EventType
from regulars.core.schedule import before_on_the_clock
from regulars.messaging.outbox import dispatch
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.rules.quiet_hours import QuietHours, edge_before
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.outcome import Outcome
from regulars.runtime.jobs.repo import DueJob
from regulars.runtime.jobs.subjects import Subject
from regulars.salon import reminder_rules
from regulars.salon import repo as catalog_store
from regulars.salon.model import Salon, SalonSettings

KIND = "reminder"
REPLAN = reminder_rules.KIND
VISITS_PER_RUN = 200  # a re-planning job reads at most this many visits, then leaves the rest to the next


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
    redelivered event plans the same jobs and a move plans new ones. An offset counts whole days on
    the salon's clock (a day before is the same time the day before, a clock change or not), the rest
    in minutes. A reminder that would fall in
    the salon's quiet hours moves to the window's edge before it (07:30 -> 20:59 the evening
    before). A reminder whose moment has passed by booking time is not sent late (the client has
    just booked)."""
    if not rules.reminders_enabled or not appointment.status.active:
        return []
    out = []
    quiet = QuietHours.parse(rules.quiet_hours)
    stamp = appointment.start.strftime("%Y%m%dT%H%M")
    zone = ZoneInfo(timezone)
    for offset in sorted(set(rules.reminder_offsets_minutes), reverse=True):
        due = edge_before(before_on_the_clock(appointment.start, offset, zone), quiet, zone)
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
                payload=_payload(a, r),
            )
        keep = {r.job_id for r in planned}
        job_store.cancel_pending(a.salon_id, Subject.VISIT.of(a.id), now, keep=keep)
        if event.type is EventType.MOVED:
            _skip_unsent(a.salon_id, a.id, now, keep, "the visit was moved")
    elif event.type in (EventType.CANCELLED, EventType.COMPLETED, EventType.NO_SHOW) and not event.created:
        job_store.cancel_pending(a.salon_id, Subject.VISIT.of(a.id), now)
        _skip_unsent(a.salon_id, a.id, now, set(), f"the visit is {a.status.value}")


def _payload(a: m.Appointment, r: PlannedReminder) -> dict:
    return {
        "appointment_id": a.id,
        "start": a.start.isoformat(),
        "offset_minutes": r.offset_minutes,
        "confirm": r.confirm,
    }


@dataclass
class Replanned:
    visits: int = 0
    cancelled: int = 0
    scheduled: int = 0  # created, revived or changed


def _replan_visit(a: m.Appointment, salon: Salon, now: datetime, counts: Replanned) -> None:
    """One visit's reminders as the rules now say: the missing ones scheduled (a cancelled one made
    pending again under its own id), those of offsets no longer set cancelled, none whose moment has
    passed (no late burst), and none acted on already (a sent reminder is not sent again)."""
    planned = plan(a, salon.settings, now, salon.timezone)
    for r in planned:
        changed = job_store.ensure_pending(
            a.salon_id,
            r.job_id,
            kind=KIND,
            subject=Subject.VISIT.of(a.id),
            due_at=r.due_at,
            now=now,
            payload=_payload(a, r),
        )
        counts.scheduled += changed in ("created", "revived", "changed")
    counts.cancelled += job_store.cancel_pending(
        a.salon_id,
        Subject.VISIT.of(a.id),
        now,
        keep={r.job_id for r in planned},
        kind=KIND,
        outcome="the reminder rules changed",
    )
    counts.visits += 1


def replan(job: DueJob, now: datetime) -> Outcome:
    """Re-plan the reminders of the salon's visits to come, booked or confirmed, by the rules read
    now (not a cached copy), one staff member's book after another in time order; after
    :data:`VISITS_PER_RUN` visits read, the rest is a follow-up job's (from where this one stopped)."""
    salon_id = job.salon_id
    catalog = catalog_store.load_catalog(salon_id)  # fresh: the rules as they are now
    salon, staff = catalog.salon, sorted(catalog.staff)
    index = int(job.payload.get("staff", 0))
    after = job.payload.get("after")
    counts = Replanned()
    read = 0
    while index < len(staff):
        visits, after = appointment_store.page_from(
            salon_id, staff[index], now, limit=VISITS_PER_RUN - read, after=after
        )
        read += len(visits)
        for a in visits:
            if a.status.active:
                _replan_visit(a, salon, now, counts)
        if after is None:
            index += 1
        if read >= VISITS_PER_RUN and index < len(staff):
            page = int(job.payload.get("page", 0)) + 1
            changed_at = datetime.fromisoformat(job.payload["changed_at"])
            reminder_rules.schedule_follow_up(
                salon_id, changed_at, page, {"staff": index, "after": after}, now
            )
            return Outcome(True, f"{_words(counts)}; the rest follows (page {page})")
    return Outcome(True, _words(counts))


def _words(c: Replanned) -> str:
    return f"{c.visits} visit(s) re-planned: {c.scheduled} reminder(s) scheduled, {c.cancelled} cancelled"


def _skip_unsent(salon_id: str, appointment_id: str, now: datetime, keep: set[str], reason: str) -> None:
    """Reminders already planned as messages but not yet handed to a provider are dropped (a
    message's id is its job's)."""
    planned = [
        job.job_id
        for job in job_store.jobs_of(salon_id, Subject.VISIT.of(appointment_id))
        if job.kind == KIND and job.status == "done" and job.job_id not in keep
    ]
    for message_id in sorted(outbox.unsent(salon_id, planned)):  # the sent ones are left unwritten
        outbox.skip(salon_id, message_id, reason, now)


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
    # routed here, with the visit just read, and written queued (or held for the quiet hours, or
    # skipped with the reason): one write, where planning it for the stream to route makes two
    written = dispatch.plan_routed(
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
        ),
        now,
        visit_of=lambda _salon_id, _appointment_id: a,
    )
    return Outcome(True, "reminder planned" if written else "reminder planned before")
