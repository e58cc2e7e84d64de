"""Admin: the appointment book, and booking, moving, cancelling, completing and no-shows."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router

from regulars.booking import book as booker
from regulars.booking import service as booking
from regulars.booking import views as booking_views
from regulars.booking.schemas import (
    AdminBookingIn,
    AdminCancelIn,
    AppointmentOut,
    BookOut,
    MoveIn,
)
from regulars.core import appointments as m
from regulars.core import clock
from regulars.core.errors import Forbidden, InvalidInput
from regulars.http.auth import caller, operation, own_book
from regulars.salon import service as salon_service

router = Router()
AppointmentId = Annotated[str, Path(min_length=1, max_length=64)]


@router.get(
    "/v1/admin/appointments",
    summary="The book: visits from a day for up to 14 days, per staff member, and the blocked time",
    tags=["admin: appointments"],
)
@operation("appointments.read")
def book(
    from_: Annotated[date, Query(alias="from", description="First local day, YYYY-MM-DD")],
    days: Annotated[int, Query(ge=1, le=14)] = 1,
    staff_id: Annotated[str | None, Query(max_length=64)] = None,
) -> BookOut:
    salon_id, _ = caller(router)
    found = booking.visits(salon_id, from_, days=days, staff_id=own_book(staff_id), now=clock.now())
    return BookOut(
        appointments=[booking_views.appointment(a, found.salon) for a in found.appointments],
        blocks=[booking_views.block(b, found.salon) for b in found.blocks],
    )


@router.post(
    "/v1/admin/appointments",
    summary="Book a visit for a client",
    tags=["admin: appointments"],
    status_code=201,
)
@operation("appointments.book")
def create(
    body: AdminBookingIn,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", min_length=8, max_length=128)
    ] = None,
) -> Response[AppointmentOut]:
    salon_id, _ = caller(router)
    now = clock.now()
    salon = salon_service.salon(salon_id)
    if body.client_id:
        person = booker.known_client(salon_id, body.client_id)
    elif body.client:
        person = booker.ClientInput(
            name=body.client.name, phone=body.client.phone, email=body.client.email, locale=body.client.locale
        )
    else:
        raise InvalidInput.field("client_id", "give client_id or client")

    service_id, staff_id, several = booker.choices(
        body.service_id, body.staff_id, [(x.service_id, x.staff_id) for x in body.services or []] or None
    )
    for i, choice in enumerate(several):
        if choice.staff_id is None:
            raise InvalidInput.field(f"services.{i}.staff_id", "name who does each service", code="missing")
    if not several and staff_id is None:
        raise InvalidInput.field("staff_id", "name who does the service", code="missing")

    def answer(booked: booker.Booked) -> tuple[int, str]:
        return 201, json.dumps(
            booking_views.appointment(booked.appointment, salon).model_dump(mode="json"),
            separators=(",", ":"),
        )

    booked = booker.book(
        salon_id,
        booker.BookingRequest(
            service_id=service_id, staff_id=staff_id, services=several, start=body.start, client=person
        ),
        now=now,
        source=m.Source(body.source),
        answer=answer,
        idempotency_key=idempotency_key,
        respect_hours=not body.outside_hours,
    )
    status, text = answer(booked)
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=json.loads(text))


def own_visit(a: m.Appointment) -> None:
    """A staff user acts only on visits they work on (any of its services)."""
    own = own_book(None)
    if own is not None and own not in a.staff_ids():
        raise Forbidden("a staff user sees their own book only", code="forbidden")


def _out(salon_id: str, a: m.Appointment) -> AppointmentOut:
    return booking_views.appointment(a, salon_service.salon(salon_id))


@router.get(
    "/v1/admin/appointments/<appointment_id>",
    summary="One visit with its history",
    tags=["admin: appointments"],
)
@operation("appointments.read")
def get(appointment_id: AppointmentId) -> AppointmentOut:
    salon_id, _ = caller(router)
    a = booking.appointment(salon_id, appointment_id)
    own_visit(a)
    return _out(salon_id, a)


@router.post(
    "/v1/admin/appointments/<appointment_id>/move",
    summary="Move to another time or staff member, or resize (duration_minutes); 409 slot_taken or "
    "time_blocked when the time is not free",
    tags=["admin: appointments"],
)
@operation("appointments.move")
def move(appointment_id: AppointmentId, body: MoveIn) -> AppointmentOut:
    salon_id, who = caller(router)
    a = booking.move(
        salon_id,
        appointment_id,
        start=body.start,
        staff_id=body.staff_id,
        now=clock.now(),
        by=who,
        respect_hours=not body.outside_hours,
        duration=timedelta(minutes=body.duration_minutes) if body.duration_minutes else None,
    )
    return _out(salon_id, a)


@router.post(
    "/v1/admin/appointments/<appointment_id>/confirm", summary="Mark confirmed", tags=["admin: appointments"]
)
@operation("appointments.confirm")
def confirm(appointment_id: AppointmentId) -> AppointmentOut:
    salon_id, who = caller(router)
    return _out(salon_id, booking.confirm(salon_id, appointment_id, now=clock.now(), by=who))


@router.post(
    "/v1/admin/appointments/<appointment_id>/cancel",
    summary="Cancel (late if inside the salon's window)",
    tags=["admin: appointments"],
)
@operation("appointments.cancel")
def cancel(appointment_id: AppointmentId, body: AdminCancelIn | None = None) -> AppointmentOut:
    salon_id, who = caller(router)
    a = booking.cancel(
        salon_id,
        appointment_id,
        now=clock.now(),
        by=who,
        reason=body.reason if body else None,
        salon_initiated=bool(body and body.salon_initiated),
    )
    return _out(salon_id, a)


@router.post(
    "/v1/admin/appointments/<appointment_id>/no-show",
    summary="Mark as a no-show",
    tags=["admin: appointments"],
)
@operation("appointments.no_show")
def no_show(appointment_id: AppointmentId) -> AppointmentOut:
    salon_id, who = caller(router)
    own_visit(booking.appointment(salon_id, appointment_id))
    return _out(salon_id, booking.mark_no_show(salon_id, appointment_id, now=clock.now(), by=who))
