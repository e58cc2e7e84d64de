"""Feedback and tips: a signed link some time after a completed visit, one answer per visit; and a
welcome after a new client's first booking and a thank-you after their first visit (each on/off).

A happy answer (the salon's threshold, default 5) is shown the salon's public review links; an
unhappy one (default 3 or less) alerts the manager at once (a message to each manager phone), goes
to the feedback inbox like every answer, marks the client at risk with the reason, and opens a
follow-up task the admin closes with a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from regulars.booking import repo as appointment_store
from regulars.clients import repo as client_store
from regulars.core import appointments as m
from regulars.core import links
from regulars.core.config import link_keys, settings
from regulars.core.errors import Conflict, NotAllowed
from regulars.core.events import AppointmentEvent, EventType
from regulars.feedback import repo as store
from regulars.feedback.model import FollowUp, VisitFeedback
from regulars.messaging.outbox import dispatch
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.rules.templates import MessageKind
from regulars.retention import lifecycle
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.outcome import Outcome
from regulars.runtime.jobs.repo import DueJob
from regulars.runtime.jobs.subjects import Subject
from regulars.salon import repo as catalog_store
from regulars.salon.model import Salon
from regulars.salon.settings.feedback import FeedbackSettings

KIND = "feedback-request"
PURPOSE = "feedback"
RECENT = timedelta(days=2)  # a visit completed longer ago than this (imported history) is not asked about


def _settings(salon_id: str) -> FeedbackSettings:
    return catalog_store.load_catalog(salon_id, max_age=catalog_store.RULES_MAX_AGE).salon.settings.feedback


def link(salon_id: str, appointment_id: str, expires_at: datetime) -> str:
    token = links.sign(
        links.LinkClaims(salon_id=salon_id, subject=appointment_id, purpose=PURPOSE, expires_at=expires_at),
        link_keys(),
    )
    return f"{settings().public_base_url}/feedback.html?token={token}"


def on_event(event: AppointmentEvent, now: datetime) -> None:
    """A new client's first booking is welcomed; a completed visit is asked about after the salon's
    delay, and a client's first visit is thanked for."""
    a = event.appointment
    rules = _settings(a.salon_id)
    if event.type is EventType.BOOKED and rules.welcome and now - a.created_at <= RECENT:
        client = client_store.get(a.salon_id, a.client_id)
        if client.created_at == a.created_at:  # the client was created with this booking
            _plan(a, MessageKind.WELCOME, f"welcome-{a.client_id}", now, appointment=False)
    if event.type is not EventType.COMPLETED or now - a.updated_at > RECENT:
        return
    if rules.thank_you:
        completed = [
            v
            for v in appointment_store.for_client(a.salon_id, a.client_id, limit=500)
            if v.status is m.AppointmentStatus.COMPLETED
        ]
        if [v.id for v in completed] == [a.id]:
            _plan(a, MessageKind.THANK_YOU, f"thank-you-{a.client_id}", now, appointment=True)
    if not rules.enabled:
        return
    job_store.schedule(
        a.salon_id,
        f"{KIND}-{a.id}",
        kind=KIND,
        subject=Subject.VISIT.of(a.id),
        due_at=a.updated_at + timedelta(minutes=rules.delay_minutes),
        now=now,
        payload={"appointment_id": a.id},
    )


def _plan(a: m.Appointment, kind: MessageKind, message_id: str, now: datetime, *, appointment: bool) -> None:
    """Once per client (the id is the client's): a redelivered event plans nothing new. Routed as it is
    written, with the visit of the event."""
    dispatch.plan_routed(
        outbox.PlannedMessage(
            salon_id=a.salon_id,
            message_id=message_id,
            kind=kind.value,
            purpose="transactional",
            recipient="client",
            client_id=a.client_id,
            appointment_id=a.id if appointment else None,
            created_at=now,
        ),
        now,
        visit_of=lambda _salon_id, _appointment_id: a,
    )


def ask(job: DueJob, now: datetime) -> Outcome:
    a = appointment_store.find(job.salon_id, job.payload["appointment_id"])
    if a is None:
        return Outcome(False, "the visit no longer exists")
    if a.status is not m.AppointmentStatus.COMPLETED or a.refunded_at is not None:
        return Outcome(False, "the visit is not a completed one")
    if store.find(a.salon_id, a.id) is not None:
        return Outcome(False, "feedback was given already")
    rules = _settings(a.salon_id)
    dispatch.plan_routed(  # routed as it is written, with the visit just read
        outbox.PlannedMessage(
            salon_id=a.salon_id,
            message_id=job.job_id,
            kind=MessageKind.FEEDBACK_REQUEST.value,
            purpose="transactional",
            recipient="client",
            client_id=a.client_id,
            appointment_id=a.id,
            created_at=now,
            values={"feedback_link": link(a.salon_id, a.id, now + timedelta(days=rules.link_days))},
        ),
        now,
        visit_of=lambda _salon_id, _appointment_id: a,
    )
    return Outcome(True, "feedback asked for")


@dataclass(frozen=True)
class Visit:
    salon: Salon
    appointment: m.Appointment
    service_name: str
    staff_name: str
    given: VisitFeedback | None


def visit(token: str, now: datetime) -> Visit:
    claims = links.verify(token, link_keys(), purpose=PURPOSE, now=now)
    catalog = catalog_store.load_catalog(claims.salon_id, max_age=catalog_store.RULES_MAX_AGE)
    a = appointment_store.get(claims.salon_id, claims.subject)
    services = [catalog.services.get(p.service_id) for p in a.parts()]
    staff = [catalog.staff.get(sid) for sid in a.staff_ids()]
    return Visit(
        catalog.salon,
        a,
        # a visit of several services names them all, and everyone who did them
        " + ".join(s.name if s else p.service_id for s, p in zip(services, a.parts(), strict=True)),
        ", ".join(m.name if m else sid for m, sid in zip(staff, a.staff_ids(), strict=True)),
        store.find(a.salon_id, a.id),
    )


def mood(rating: int, rules: FeedbackSettings) -> str:
    if rating >= rules.happy_from:
        return "happy"
    if rating <= rules.unhappy_to:
        return "unhappy"
    return "neutral"


def submit(
    token: str, *, rating: int, comment: str | None, tip_amount: int, now: datetime
) -> tuple[VisitFeedback, list]:
    """Record the answer, once per visit; (the feedback, the review links to show). A second answer is
    refused (409 ``feedback_given``), after what the first one sets going is done again where a
    failure cut it short: the task, the client at risk and the manager's alert are each made once,
    and as of the first answer."""
    v = visit(token, now)
    a = v.appointment
    if a.status is not m.AppointmentStatus.COMPLETED:
        raise NotAllowed("only a completed visit can be rated", code="not_completed")
    rules = v.salon.settings.feedback
    given = VisitFeedback(
        appointment_id=a.id,
        client_id=a.client_id,
        staff_id=a.staff_id,
        service_id=a.service_id,
        rating=rating,
        comment=comment or None,
        tip_amount=tip_amount,
        mood=mood(rating, rules),
        created_at=now,
    )
    try:
        store.add(a.salon_id, given)
    except Conflict:
        first = store.find(a.salon_id, a.id)
        if first is not None and first.mood == "unhappy":
            _unhappy(v, first, now)
        raise
    if given.mood == "unhappy":
        _unhappy(v, given, now)
    return given, (rules.review_links if given.mood == "happy" else [])


def _unhappy(v: Visit, item: VisitFeedback, now: datetime) -> None:
    """The task, the client at risk and the manager's alerts, each once and as of the answer."""
    a = v.appointment
    at = item.created_at
    client = client_store.get(a.salon_id, a.client_id)
    reason = f"rated a visit {item.rating}/5" + (f": {item.comment}" if item.comment else "")
    store.open_task(
        a.salon_id,
        task_id=f"feedback-{a.id}",
        kind="unhappy_feedback",
        client_id=a.client_id,
        appointment_id=a.id,
        summary=f"Call {client.name} back: {reason}",
        now=at,
    )
    lifecycle.complain(a.salon_id, a.client_id, reason, now, at=at)
    for n, phone in enumerate(v.salon.settings.feedback.manager_phones):
        outbox.plan(
            outbox.PlannedMessage(
                salon_id=a.salon_id,
                message_id=f"alert-{a.id}-{n}",
                kind=MessageKind.MANAGER_ALERT.value,
                purpose="transactional",
                recipient="manager",
                about_client_id=a.client_id,
                appointment_id=a.id,
                created_at=at,
                values={
                    "phone": phone,
                    "rating": str(item.rating),
                    "comment": item.comment or "-",
                    "client_phone": client.phone,
                    "client_name": client.name,
                },
            )
        )


def inbox(salon_id: str, limit: int = 100) -> list[VisitFeedback]:
    """The salon's feedback, newest first."""
    return store.inbox(salon_id, limit)


def tasks(salon_id: str, status: str = "open", limit: int = 100) -> list[FollowUp]:
    """The salon's follow-up tasks in one status, newest first."""
    return store.tasks(salon_id, status, limit)


def call_task(salon_id: str, client_id: str, *, summary: str, key: str, by: str, now: datetime) -> FollowUp:
    """A call to make, opened by hand once per ``key``. NotFound for a client not of the salon;
    Conflict once their data was erased, or for a ``key`` used for another task."""
    client_store.get_reachable(salon_id, client_id)
    task_id = f"call-{client_id}-{key}"
    store.open_task(
        salon_id,
        task_id=task_id,
        kind="call_back",
        client_id=client_id,
        appointment_id=None,
        summary=summary,
        now=now,
    )
    opened = store.task(salon_id, task_id)
    if opened is None or (opened.client_id, opened.summary) != (client_id, summary):
        raise Conflict("this Idempotency-Key was used for another task", code="idempotency_key_reused")
    return opened


def close_task(salon_id: str, task_id: str, *, note: str, by: str, now: datetime) -> FollowUp:
    """Close a follow-up task with a note (closing it twice is the same as once)."""
    return store.close_task(salon_id, task_id, note=note, by=by, now=now)
