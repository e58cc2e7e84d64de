"""The desk's waitlist: who waits for what, booking one of them into a time, taking one off."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router

from regulars.booking import book as booking
from regulars.booking import views as booking_views
from regulars.booking.schemas import AppointmentOut
from regulars.core import clock
from regulars.http.auth import caller, operation
from regulars.http.errors import ErrorOut
from regulars.salon import service as salon_service
from regulars.waitlist import service as waitlist
from regulars.waitlist import views
from regulars.waitlist.schemas import WaitlistBookIn, WaitlistEntryOut, WaitlistOut

router = Router()
EntryId = Annotated[str, Path(min_length=1, max_length=64)]


@router.get(
    "/v1/admin/waitlist",
    summary="The waitlist: waiting clients in order of joining, of a service and/or wanting a day",
    tags=["admin: waitlist"],
)
@operation("waitlist.read")
def listing(
    service_id: Annotated[str | None, Query(max_length=64)] = None,
    day: Annotated[date | None, Query(description="A local day, YYYY-MM-DD: entries that want it")] = None,
) -> WaitlistOut:
    salon_id, _ = caller(router)
    now = clock.now()
    found = waitlist.listing(salon_id, service_id=service_id, day=day, now=now)
    return WaitlistOut(entries=[views.entry(e, found.catalog.salon, now) for e in found.entries])


@router.post(
    "/v1/admin/waitlist/<entry_id>/book",
    summary="Book a waiting client into a time the desk chose (409 slot_taken, time_blocked, entry_closed)",
    tags=["admin: waitlist"],
    status_code=201,
    responses={
        201: {"description": "Booked", "content": {"application/json": {"model": AppointmentOut}}},
        409: {
            "description": "The time is taken or blocked, or the entry was closed (slot_taken, time_blocked, "
            "entry_closed)",
            "content": {"application/json": {"model": ErrorOut}},
        },
    },
)
@operation("waitlist.book")
def book(
    entry_id: EntryId,
    body: WaitlistBookIn,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", min_length=8, max_length=128)
    ] = None,
) -> Response[AppointmentOut]:
    salon_id, _ = caller(router)
    salon = salon_service.salon(salon_id)

    def answer(booked: booking.Booked) -> tuple[int, str]:
        return 201, json.dumps(
            booking_views.appointment(booked.appointment, salon).model_dump(mode="json"),
            separators=(",", ":"),
        )

    booked = waitlist.book_from_desk(
        salon_id,
        entry_id,
        start=body.start,
        staff_id=body.staff_id,
        now=clock.now(),
        answer=answer,
        idempotency_key=idempotency_key,
    )
    status, text = answer(booked)
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=json.loads(text))


@router.delete(
    "/v1/admin/waitlist/<entry_id>",
    summary="Take a client off the waitlist (twice is once)",
    tags=["admin: waitlist"],
)
@operation("waitlist.remove")
def remove(entry_id: EntryId) -> WaitlistEntryOut:
    salon_id, _ = caller(router)
    now = clock.now()
    entry = waitlist.remove(salon_id, entry_id, now=now)
    return views.entry(entry, salon_service.salon(salon_id), now)
