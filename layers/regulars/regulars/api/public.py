"""The booking widget's contract: catalog, free slots, booking. Public, no sign-in."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query

from regulars import clock
from regulars.api import schemas as s
from regulars.api import views
from regulars.api.errors import ErrorOut
from regulars.api.router import Router
from regulars.booking import model as m
from regulars.booking import service as booking
from regulars.config import manage_link_secret, settings
from regulars.notifications import telegram_link
from regulars.store import catalog as catalog_store

router = Router()

SalonId = Annotated[str, Path(min_length=1, max_length=64)]
ERRORS = {
    404: {"description": "Unknown salon", "content": {"application/json": {"model": ErrorOut}}},
    422: {"description": "Invalid input, naming each field", "content": {"application/json": {"model": ErrorOut}}},
}


def _catalog(salon_id: str) -> m.Catalog:
    return catalog_store.load_catalog(salon_id, max_age=settings().catalog_cache_seconds)


@router.get("/v1/salons/<salon_id>/catalog", summary="The salon, its services and staff", tags=["widget"],
            responses={200: {"description": "The catalog"}, **ERRORS})
def get_catalog(salon_id: SalonId) -> s.CatalogOut:
    catalog = _catalog(salon_id)
    return s.CatalogOut(
        salon=views.salon(catalog.salon),
        services=[
            s.ServiceOut(id=x.id, name=x.name, duration_minutes=x.duration_minutes, price=x.price)
            for x in sorted(catalog.services.values(), key=lambda x: x.name) if x.active
        ],
        staff=[
            s.StaffOut(id=x.id, name=x.name, service_ids=sorted(x.service_ids))
            for x in sorted(catalog.staff.values(), key=lambda x: x.name) if x.active
        ],
    )


@router.get("/v1/salons/<salon_id>/slots", summary="Free start times for a service on a day", tags=["widget"],
            responses={200: {"description": "Free slots"}, **ERRORS})
def get_slots(
    salon_id: SalonId,
    service_id: Annotated[str, Query(min_length=1, max_length=64)],
    date: Annotated[date, Query(description="The salon's local date, YYYY-MM-DD")],
    staff_id: Annotated[str | None, Query(max_length=64)] = None,
) -> s.SlotsOut:
    catalog = _catalog(salon_id)
    slots = booking.free_slots(catalog, service_id, date, staff_id, clock.now())
    return s.SlotsOut(slots=[s.SlotOut(start=views.local_iso(x.start, catalog.salon), staff_id=x.staff_id)
                             for x in slots])


@router.post(
    "/v1/salons/<salon_id>/appointments",
    summary="Book a visit",
    description="Idempotent with the Idempotency-Key header: a replay returns the first answer.",
    tags=["widget"],
    responses={
        201: {"description": "Booked", "content": {"application/json": {"model": s.BookingOut}}},
        409: {"description": "The time was taken (code slot_taken)", "content": {"application/json": {"model": ErrorOut}}},
        **ERRORS,
    },
)
def post_appointment(
    salon_id: SalonId,
    body: s.BookingIn,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", min_length=8, max_length=128)] = None,
) -> Response[s.BookingOut]:
    now = clock.now()
    catalog = _catalog(salon_id)
    key = manage_link_secret()

    def answer(appointment: m.Appointment) -> tuple[int, str]:
        out = s.BookingOut(
            appointment=views.brief(appointment, catalog.salon),
            manage_url=booking.manage_url(catalog.salon, appointment, base_url=settings().public_base_url, key=key),
            telegram_url=telegram_link.deep_link(salon_id, appointment.client_id),
        )
        return 201, json.dumps(out.model_dump(mode="json"), separators=(",", ":"))

    booked = booking.book(
        salon_id,
        booking.BookingRequest(
            service_id=body.service_id,
            staff_id=body.staff_id,
            start=body.start,
            client=booking.ClientInput(name=body.client.name, phone=body.client.phone, email=body.client.email,
                                       locale=body.client.locale),
            marketing_consent=body.consents.marketing if body.consents else None,
            referral_code=body.referral_code,
        ),
        now=now,
        source=m.Source.WIDGET,
        answer=answer,
        idempotency_key=idempotency_key,
        catalog_max_age=settings().catalog_cache_seconds,
    )
    status, text = answer(booked.appointment)
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=json.loads(text))
