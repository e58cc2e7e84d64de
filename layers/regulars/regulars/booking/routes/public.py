"""The booking widget's contract: catalog, free slots, booking. Public, no sign-in."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router

from regulars.booking import availability as free_days
from regulars.booking import book as booking
from regulars.booking import protection, slots
from regulars.booking import views as booking_views
from regulars.booking.schemas import (
    AvailabilityOut,
    BookingIn,
    BookingOut,
    ConsentReadIn,
    ConsentStateOut,
    DayOut,
    PhoneCheckIn,
    PhoneCheckOut,
    PhoneCodeIn,
    PhoneProofOut,
    SlotOut,
    SlotsOut,
    VisitServiceOut,
)
from regulars.core import appointments as m
from regulars.core import clock, links
from regulars.core.config import link_keys, settings
from regulars.core.errors import InvalidInput
from regulars.core.phones import to_e164
from regulars.http.errors import ErrorOut
from regulars.messaging.contacts import telegram_link
from regulars.salon import service as salon_service
from regulars.salon import views as salon_views
from regulars.salon.model import Catalog, Salon
from regulars.salon.schemas import CatalogOut, ServiceOut, StaffOut

router = Router()

SalonId = Annotated[str, Path(min_length=1, max_length=64)]
ERRORS: dict[int, OpenAPIResponse] = {
    404: {"description": "Unknown salon", "content": {"application/json": {"model": ErrorOut}}},
    422: {
        "description": "Invalid input, naming each field",
        "content": {"application/json": {"model": ErrorOut}},
    },
}
LIMITED: OpenAPIResponse = {
    "description": "Too many requests: wait the Retry-After header's seconds (code rate_limited)",
    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    "content": {"application/json": {"model": ErrorOut}},
}


def _catalog(salon_id: str) -> Catalog:
    return salon_service.catalog(salon_id, max_age=settings().catalog_cache_seconds)


@router.get(
    "/v1/salons/<salon_id>/catalog",
    summary="The salon, its services and staff",
    tags=["widget"],
    responses={200: {"description": "The catalog"}, **ERRORS},
)
def get_catalog(salon_id: SalonId) -> CatalogOut:
    catalog = _catalog(salon_id)
    return CatalogOut(
        salon=salon_views.salon(catalog.salon),
        services=[
            ServiceOut(
                id=x.id,
                name=x.name,
                duration_minutes=x.duration_minutes,
                price=x.price,
                description=x.description,
                category=x.category,
            )
            for x in sorted(catalog.services.values(), key=lambda x: (x.category or "", x.name))
            if x.active
        ],
        staff=[
            StaffOut(
                id=x.id, name=x.name, service_ids=sorted(x.service_ids), title=x.title, photo_url=x.photo_url
            )
            for x in sorted(catalog.staff.values(), key=lambda x: x.name)
            if x.active
        ],
    )


@router.get(
    "/v1/salons/<salon_id>/slots",
    summary="Free start times for a service, or several back to back, on a day",
    description="service_id: one service; service_ids (comma-separated, at most 4, 240 minutes in all): "
    "several in one visit, in order, back to back; each slot then says who does each service when "
    "(staff_id: that member does them all; else anyone free, with the fewest changes of staff member).",
    tags=["widget"],
    responses={200: {"description": "Free slots"}, **ERRORS},
)
def get_slots(
    salon_id: SalonId,
    date: Annotated[date, Query(description="The salon's local date, YYYY-MM-DD")],
    service_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    service_ids: Annotated[str | None, Query(min_length=1, max_length=400)] = None,
    staff_id: Annotated[str | None, Query(max_length=64)] = None,
) -> SlotsOut:
    catalog = _catalog(salon_id)
    if service_ids is not None and service_id is None:
        choices = [slots.Choice(x.strip(), staff_id) for x in service_ids.split(",") if x.strip()]
        chains = slots.free_chains(catalog, choices, date, clock.now())
        return SlotsOut(
            slots=[
                SlotOut(
                    start=salon_views.local_iso(way[0].start, catalog.salon),
                    staff_id=way[0].staff_id,
                    segments=[
                        VisitServiceOut(
                            service_id=p.service_id,
                            staff_id=p.staff_id,
                            start=salon_views.local_iso(p.start, catalog.salon),
                            end=salon_views.local_iso(p.end, catalog.salon),
                        )
                        for p in way
                    ],
                )
                for way in chains
            ]
        )
    if service_id is None or service_ids is not None:
        raise InvalidInput.field("service_id", "give service_id or service_ids", code="one_of")
    free = slots.free_slots(catalog, service_id, date, staff_id, clock.now())
    return SlotsOut(
        slots=[
            SlotOut(start=salon_views.local_iso(x.start, catalog.salon), staff_id=x.staff_id) for x in free
        ]
    )


@router.get(
    "/v1/salons/<salon_id>/availability",
    summary="Which days have free times for a service, or several back to back, and the next free time",
    description=f"Up to {free_days.MAX_DAYS} local days from `from` (default today): each day's state and "
    "number of free times, and the first free time on or after `from` across staff (or of staff_id). "
    "service_id: one service; service_ids (comma-separated, as for the slots): several in one visit, "
    "a day being free when the whole visit fits.",
    tags=["widget"],
    responses={200: {"description": "The days"}, **ERRORS},
)
def get_availability(
    salon_id: SalonId,
    service_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    service_ids: Annotated[str | None, Query(min_length=1, max_length=400)] = None,
    staff_id: Annotated[str | None, Query(max_length=64)] = None,
    from_: Annotated[
        date | None, Query(alias="from", description="The salon's local date to start at, YYYY-MM-DD")
    ] = None,
    days: Annotated[int, Query(ge=1, le=free_days.MAX_DAYS)] = 14,
) -> AvailabilityOut:
    catalog = _catalog(salon_id)
    if (service_id is None) == (service_ids is None):
        raise InvalidInput.field("service_id", "give service_id or service_ids", code="one_of")
    if service_ids is not None:
        choices = [slots.Choice(x.strip(), staff_id) for x in service_ids.split(",") if x.strip()]
    else:
        choices = [slots.Choice(str(service_id), staff_id)]
    found = free_days.availability(catalog, choices, from_, days, clock.now())
    return AvailabilityOut(
        today=found.today.isoformat(),
        last_day=found.last_day.isoformat(),
        days=[DayOut(date=d.day.isoformat(), state=d.state, free_times=d.free_times) for d in found.days],
        next=SlotOut(
            start=salon_views.local_iso(found.next.start, catalog.salon), staff_id=found.next.staff_id
        )
        if found.next
        else None,
    )


@router.post(
    "/v1/salons/<salon_id>/consents/read",
    summary="What a proven phone agreed to (offers and news), for the booking page's box",
    description="Only for the bearer of a live phone proof (POST .../phone-checks/{check_id}); anything "
    "else is refused 403 phone_check_required, saying nothing of the phone. Limited per network address.",
    tags=["widget"],
    responses={
        200: {"description": "The consent as it stands"},
        403: {
            "description": "No live proof of this phone (code phone_check_required)",
            "content": {"application/json": {"model": ErrorOut}},
        },
        429: LIMITED,
        **ERRORS,
    },
)
def post_consent_read(salon_id: SalonId, body: ConsentReadIn) -> ConsentStateOut:
    salon = _catalog(salon_id).salon
    phone = to_e164(body.phone, salon.country, field="phone")
    marketing = protection.proven_consent(salon, phone, body.phone_proof, address=_address(), now=clock.now())
    return ConsentStateOut(marketing=marketing)


def _address() -> str:
    """The caller's network address as API Gateway saw it (never a header the caller could write)."""
    identity = router.current_event.request_context.identity
    return (identity.source_ip if identity else None) or "unknown"


def booking_answer(booked: booking.Booked, salon: Salon) -> BookingOut:
    """What the booker is told. Links only to who may have them: a proven phone gets the client's
    links; an unproven booking of a new phone gets a link to this visit alone; an unproven booking of
    a phone the salon knows gets neither (the link goes to that phone with the booking notice)."""
    a = booked.appointment
    manage_url = telegram_url = None
    if booked.proven:
        manage_url = links.manage_url(salon, a, keys=link_keys())
        telegram_url = telegram_link.deep_link(salon.id, booked.client_id, now=clock.now())
    elif booked.new_client:
        manage_url = links.manage_url(salon, a, keys=link_keys(), scope="visit")
    return BookingOut(
        appointment=booking_views.brief(a, salon),
        manage_url=manage_url,
        telegram_url=telegram_url,
        phone_proven=booked.proven,
    )


@router.post(
    "/v1/salons/<salon_id>/appointments",
    summary="Book a visit",
    description="Idempotent with the Idempotency-Key header: a replay returns the first answer. Limited per "
    "network address, per phone and per salon (429 with Retry-After). A salon may want the phone "
    "proven by a one-time code first (403 phone_check_required: see phone-checks).",
    tags=["widget"],
    responses={
        201: {"description": "Booked", "content": {"application/json": {"model": BookingOut}}},
        403: {
            "description": "The phone must be proven first (code phone_check_required)",
            "content": {"application/json": {"model": ErrorOut}},
        },
        409: {
            "description": "The time was taken (code slot_taken), for any of the services: nothing is booked",
            "content": {"application/json": {"model": ErrorOut}},
        },
        429: LIMITED,
        **ERRORS,
    },
)
def post_appointment(
    salon_id: SalonId,
    body: BookingIn,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", min_length=8, max_length=128)
    ] = None,
) -> Response[BookingOut]:
    now = clock.now()
    catalog = _catalog(salon_id)
    address = _address()

    def answer(booked: booking.Booked) -> tuple[int, str]:
        out = booking_answer(booked, catalog.salon)
        return 201, json.dumps(out.model_dump(mode="json"), separators=(",", ":"))

    def admit(current: Catalog, phone: str, known_client: str | None) -> protection.Admitted:
        return protection.admit_booking(
            current.salon,
            phone,
            known=known_client is not None,
            proof=body.phone_proof,
            address=address,
            now=now,
        )

    service_id, staff_id, several = booking.choices(
        body.service_id, body.staff_id, [(x.service_id, x.staff_id) for x in body.services or []] or None
    )
    booked = booking.book(
        salon_id,
        booking.BookingRequest(
            service_id=service_id,
            staff_id=staff_id,
            services=several,
            start=body.start,
            client=booking.ClientInput(
                name=body.client.name,
                phone=body.client.phone,
                email=body.client.email,
                locale=body.client.locale,
            ),
            marketing_consent=body.consents.marketing if body.consents else None,
            referral_code=body.referral_code,
        ),
        now=now,
        source=m.Source.WIDGET,
        answer=answer,
        idempotency_key=idempotency_key,
        catalog_max_age=settings().catalog_cache_seconds,
        admit=admit,
    )
    status, text = answer(booked)
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=json.loads(text))


@router.post(
    "/v1/salons/<salon_id>/phone-checks",
    summary="Send a one-time code to a phone",
    description="The code goes by SMS, or where the salon already reaches the phone's owner; it works for 10 "
    "minutes. Limited per network address, per phone and per salon (429 with Retry-After).",
    tags=["widget"],
    responses={
        202: {"description": "Sent", "content": {"application/json": {"model": PhoneCheckOut}}},
        429: LIMITED,
        **ERRORS,
    },
)
def post_phone_check(salon_id: SalonId, body: PhoneCheckIn) -> Response[PhoneCheckOut]:
    now = clock.now()
    salon = _catalog(salon_id).salon
    phone = to_e164(body.phone, salon.country, field="phone")
    started = protection.start_check(salon, phone, address=_address(), locale=body.locale, now=now)
    out = PhoneCheckOut(
        check_id=started.check_id, expires_at=salon_views.local_iso(started.expires_at, salon)
    )
    return Response(status_code=202, content_type=content_types.APPLICATION_JSON, body=out)


@router.post(
    "/v1/salons/<salon_id>/phone-checks/<check_id>",
    summary="Answer a one-time code: the proof that the phone is the caller's",
    description="Five tries per code. The right code sent again while it holds (an answer lost on the way) "
    "gets a proof again; after that, it is used.",
    tags=["widget"],
    responses={
        200: {"description": "Proven", "content": {"application/json": {"model": PhoneProofOut}}},
        409: {
            "description": "The code was used and has expired, or was tried too often (ask for a new one)",
            "content": {"application/json": {"model": ErrorOut}},
        },
        **ERRORS,
    },
)
def post_phone_code(
    salon_id: SalonId, check_id: Annotated[str, Path(min_length=8, max_length=40)], body: PhoneCodeIn
) -> PhoneProofOut:
    now = clock.now()
    salon = _catalog(salon_id).salon
    phone = to_e164(body.phone, salon.country, field="phone")
    proof = protection.answer_check(salon_id, check_id, phone, body.code, now)
    return PhoneProofOut(
        phone_proof=proof.token, phone=proof.phone, expires_at=salon_views.local_iso(proof.expires_at, salon)
    )
