"""Invitations back: when a service falls due again after a visit, and after a no-show or a late
cancellation.

A completed visit schedules the invitation for its service at the moment it falls due: after the
service's interval, or after the client's own median interval once they had it three times (the
salon's number). When it fires, nothing goes to a client who has a visit booked, nor for a service
they had again since; services of theirs falling due within a few days of it are named in the same
message (and are not invited for again until their next visit). The link opens the booking page
with the service chosen. Invitations are marketing: consent, quiet hours and the cap apply.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from regulars.booking import repo as appointment_store
from regulars.clients import repo as client_store
from regulars.clients.model import Client
from regulars.core.events import AppointmentEvent, EventType
from regulars.core.links import booking_page
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.rules.routing import Purpose
from regulars.messaging.rules.templates import MessageKind
from regulars.retention import lifecycle, rules
from regulars.retention.defections import salon_initiated
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.outcome import Outcome
from regulars.runtime.jobs.repo import DueJob
from regulars.runtime.jobs.subjects import Subject

KIND = "repeat-invitation"
REBOOK = "rebook-invitation"
RECENT = timedelta(days=2)  # older changes (imported history) invite nobody


def on_event(event: AppointmentEvent, now: datetime) -> None:
    """After the client's statistics took the event in: schedule what it calls for."""
    a = event.appointment
    if now - a.updated_at > RECENT:
        return
    cat = lifecycle.catalog(a.salon_id)
    settings = cat.salon.settings.retention
    if event.type is EventType.COMPLETED and settings.invitations:
        client = client_store.get(a.salon_id, a.client_id)
        due = rules.service_interval(
            lifecycle.visits_of(client),
            a.service_id,
            lifecycle.intervals_of(cat),
            lifecycle.rules_of(settings),
        )
        if due is not None:
            job_store.schedule(
                a.salon_id,
                f"invite-{a.client_id}-{a.service_id}-{a.id}",
                kind=KIND,
                subject=Subject.CLIENT.of(a.client_id),
                due_at=due.due_at,
                now=now,
                payload={
                    "client_id": a.client_id,
                    "service_id": a.service_id,
                    "appointment_id": a.id,
                    "visit_at": a.start.isoformat(),
                },
            )
    missed = event.type is EventType.NO_SHOW or (
        event.type is EventType.CANCELLED and a.late_cancellation and not salon_initiated(a)
    )
    if missed and settings.rebook_invitations:
        job_store.schedule(
            a.salon_id,
            f"rebook-{a.id}",
            kind=REBOOK,
            subject=Subject.MISSED.of(a.id),
            due_at=a.updated_at + timedelta(hours=settings.rebook_delay_hours),
            now=now,
            payload={"appointment_id": a.id},
        )


def _invited(client: Client) -> dict[str, datetime]:
    return {k: datetime.fromisoformat(v) for k, v in client.invited.items()}


def invite(job: DueJob, now: datetime) -> Outcome:
    salon_id, client_id, service_id = job.salon_id, job.payload["client_id"], job.payload["service_id"]
    cat = lifecycle.catalog(salon_id)
    settings = cat.salon.settings.retention
    if not settings.invitations:
        return Outcome(False, "invitations are off")
    client = client_store.get(salon_id, client_id)
    visits = lifecycle.visits_of(client)
    if max((v.at for v in visits if v.service_id == service_id), default=None) != datetime.fromisoformat(
        job.payload["visit_at"]
    ):
        return Outcome(False, "the service was had again since")
    if lifecycle.next_booking(salon_id, client_id, now) is not None:
        return Outcome(False, "a visit is booked")
    due = rules.due_services(
        visits,
        trigger=service_id,
        intervals=lifecycle.intervals_of(cat),
        rules=lifecycle.rules_of(settings),
        invited=_invited(client),
        join_days=settings.join_days,
    )
    if not due:
        return Outcome(False, "invited already")
    names = [cat.services[d.service_id].name if d.service_id in cat.services else d.service_id for d in due]
    outbox.plan(
        outbox.PlannedMessage(
            salon_id=salon_id,
            message_id=f"invite-{client_id}-{service_id}-{job.payload['appointment_id']}",
            kind=MessageKind.REPEAT_INVITATION.value,
            purpose=Purpose.MARKETING.value,
            recipient="client",
            client_id=client_id,
            created_at=now,
            values={
                "services": _joined(names, client.locale or cat.salon.locale),
                "service_ids": [d.service_id for d in due],
                "booking_link": booking_page(salon_id, service_id=due[0].service_id),
            },
        )
    )
    client_store.modify(
        salon_id,
        client_id,
        lambda c: {"invited": {**c.invited, **{d.service_id: now.isoformat() for d in due}}},
    )
    return Outcome(True, "invited for " + ", ".join(d.service_id for d in due))


def _joined(names: list[str], locale: str) -> str:
    """Names as a list in the client's language: "manicure and pedicure"."""
    from babel.lists import format_list

    from regulars.messaging.rules.templates import normalize_locale

    try:
        return format_list(names, locale=normalize_locale(locale))
    except (ValueError, LookupError):  # a locale Babel does not know: English
        return format_list(names, locale="en")


def rebook(job: DueJob, now: datetime) -> Outcome:
    a = appointment_store.find(job.salon_id, job.payload["appointment_id"])
    if a is None:
        return Outcome(False, "the visit no longer exists")
    if not lifecycle.catalog(a.salon_id).salon.settings.retention.rebook_invitations:
        return Outcome(False, "rebook invitations are off")
    if lifecycle.next_booking(a.salon_id, a.client_id, now) is not None:
        return Outcome(False, "a visit is booked")
    client = client_store.get(a.salon_id, a.client_id)
    if any(v.at > a.start for v in lifecycle.visits_of(client)):
        return Outcome(False, "the client came since")
    outbox.plan(
        outbox.PlannedMessage(
            salon_id=a.salon_id,
            message_id=f"rebook-{a.id}",
            kind=MessageKind.REBOOK_INVITATION.value,
            purpose=Purpose.MARKETING.value,
            recipient="client",
            client_id=a.client_id,
            appointment_id=a.id,
            created_at=now,
            values={"booking_link": booking_page(a.salon_id, service_id=a.service_id)},
        )
    )
    return Outcome(True, "invited to rebook")
