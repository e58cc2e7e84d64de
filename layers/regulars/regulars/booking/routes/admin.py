"""Admin: the appointment book, and booking, moving, cancelling, completing and no-shows."""

from __future__ import annotations

import json
from datetime import date, time, timedelta
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query

from regulars.booking import model as m
from regulars.booking import repo as appointment_store
from regulars.booking import service as booking
from regulars.booking import views as booking_views
from regulars.booking.schedule import local_instant
from regulars.booking.schemas import (
    AdminBookingIn,
    AdminCancelIn,
    AppointmentOut,
    BookOut,
    CompleteIn,
    MoveIn,
    RefundIn,
)
from regulars.clients import repo as client_store
from regulars.core import clock
from regulars.core.errors import InvalidInput
from regulars.http.auth import caller, operation, own_book
from regulars.http.router import Router
from regulars.salon import repo as catalog_store

router = Router()
AppointmentId = Annotated[str, Path(min_length=1, max_length=64)]


@router.get("/v1/admin/appointments", summary="The book: visits from a day for up to 14 days, per staff member",
            tags=["admin: appointments"])
@operation("appointments.read")
def book(
    from_: Annotated[date, Query(alias="from", description="First local day, YYYY-MM-DD")],
    days: Annotated[int, Query(ge=1, le=14)] = 1,
    staff_id: Annotated[str | None, Query(max_length=64)] = None,
) -> BookOut:
    salon_id, _ = caller(router)
    staff_id = own_book(staff_id)
    catalog = catalog_store.load_catalog(salon_id)
    tz = catalog.salon.tz
    today = clock.now().astimezone(tz).date()
    if not today - timedelta(days=366 * 10) <= from_ <= today + timedelta(days=366 * 2):
        raise InvalidInput.field("from", "must be within ten years back and two years ahead")
    start = local_instant(from_, time(0, 0), tz)
    end = local_instant(from_ + timedelta(days=days), time(0, 0), tz)
    if staff_id is not None and staff_id not in catalog.staff:
        raise InvalidInput.field("staff_id", "no such staff member")
    staff = [staff_id] if staff_id else sorted(catalog.staff)
    found = [a for sid in staff for a in appointment_store.for_staff(salon_id, sid, start, end) if a.start >= start]
    found.sort(key=lambda a: (a.start, a.staff_id))
    return BookOut(appointments=[booking_views.appointment(a, catalog.salon) for a in found])


@router.post("/v1/admin/appointments", summary="Book a visit for a client", tags=["admin: appointments"],
             status_code=201)
@operation("appointments.book")
def create(
    body: AdminBookingIn,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", min_length=8, max_length=128)] = None,
) -> Response[AppointmentOut]:
    salon_id, _ = caller(router)
    now = clock.now()
    catalog = catalog_store.load_catalog(salon_id)
    if body.client_id:
        known = client_store.get_reachable(salon_id, body.client_id)
        assert known.phone is not None  # only an erasure takes a client's phone
        person = booking.ClientInput(name=known.name, phone=known.phone)
    elif body.client:
        person = booking.ClientInput(name=body.client.name, phone=body.client.phone, email=body.client.email,
                                     locale=body.client.locale)
    else:
        raise InvalidInput.field("client_id", "give client_id or client")

    def answer(booked: booking.Booked) -> tuple[int, str]:
        return 201, json.dumps(booking_views.appointment(booked.appointment, catalog.salon).model_dump(mode="json"),
                               separators=(",", ":"))

    booked = booking.book(
        salon_id,
        booking.BookingRequest(service_id=body.service_id, staff_id=body.staff_id, start=body.start, client=person),
        now=now, source=m.Source.ADMIN, answer=answer, idempotency_key=idempotency_key,
        respect_hours=not body.outside_hours,
    )
    status, text = answer(booked)
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=json.loads(text))


def _out(salon_id: str, a: m.Appointment) -> AppointmentOut:
    return booking_views.appointment(a, catalog_store.load_catalog(salon_id).salon)


@router.get("/v1/admin/appointments/<appointment_id>", summary="One visit with its history",
            tags=["admin: appointments"])
@operation("appointments.read")
def get(appointment_id: AppointmentId) -> AppointmentOut:
    salon_id, _ = caller(router)
    a = appointment_store.get(salon_id, appointment_id)
    own_book(a.staff_id)
    return _out(salon_id, a)


@router.post("/v1/admin/appointments/<appointment_id>/move", summary="Move to another time or staff member",
             tags=["admin: appointments"])
@operation("appointments.move")
def move(appointment_id: AppointmentId, body: MoveIn) -> AppointmentOut:
    salon_id, who = caller(router)
    a = booking.move(salon_id, appointment_id, start=body.start, staff_id=body.staff_id, now=clock.now(), by=who,
                     respect_hours=not body.outside_hours)
    return _out(salon_id, a)


@router.post("/v1/admin/appointments/<appointment_id>/confirm", summary="Mark confirmed",
             tags=["admin: appointments"])
@operation("appointments.confirm")
def confirm(appointment_id: AppointmentId) -> AppointmentOut:
    salon_id, who = caller(router)
    return _out(salon_id, booking.confirm(salon_id, appointment_id, now=clock.now(), by=who))


@router.post("/v1/admin/appointments/<appointment_id>/cancel", summary="Cancel (late if inside the salon's window)",
             tags=["admin: appointments"])
@operation("appointments.cancel")
def cancel(appointment_id: AppointmentId, body: AdminCancelIn | None = None) -> AppointmentOut:
    salon_id, who = caller(router)
    a = booking.cancel(salon_id, appointment_id, now=clock.now(), by=who, reason=body.reason if body else None,
                       salon_initiated=bool(body and body.salon_initiated))
    return _out(salon_id, a)


@router.post("/v1/admin/appointments/<appointment_id>/complete", summary="Complete with the amount paid",
             tags=["admin: appointments"])
@operation("appointments.complete")
def complete(appointment_id: AppointmentId, body: CompleteIn) -> AppointmentOut:
    salon_id, who = caller(router)
    a = booking.complete(salon_id, appointment_id, paid_amount=body.paid_amount, bonus_amount=body.bonus_amount,
                         now=clock.now(), by=who)
    return _out(salon_id, a)


@router.post("/v1/admin/appointments/<appointment_id>/refund",
             summary="Refund a completed visit: its cashback is taken back, the bonus it used returned",
             tags=["admin: appointments"])
@operation("appointments.refund")
def refund(appointment_id: AppointmentId, body: RefundIn | None = None) -> AppointmentOut:
    salon_id, who = caller(router)
    a = booking.refund(salon_id, appointment_id, now=clock.now(), by=who, reason=body.reason if body else None)
    return _out(salon_id, a)


@router.post("/v1/admin/appointments/<appointment_id>/no-show", summary="Mark as a no-show",
             tags=["admin: appointments"])
@operation("appointments.no_show")
def no_show(appointment_id: AppointmentId) -> AppointmentOut:
    salon_id, who = caller(router)
    own_book(appointment_store.get(salon_id, appointment_id).staff_id)
    return _out(salon_id, booking.mark_no_show(salon_id, appointment_id, now=clock.now(), by=who))
