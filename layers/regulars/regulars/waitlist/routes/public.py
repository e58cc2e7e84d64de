"""The waitlist from the booking page: join, see and leave an entry, see and accept an offer. Public."""

from __future__ import annotations

import json
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Header, Path
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router

from regulars.booking import book as booking
from regulars.booking import views as booking_views
from regulars.booking.schemas import BookingOut
from regulars.core import clock, links
from regulars.core.config import link_keys, settings
from regulars.http.errors import ErrorOut
from regulars.salon import service as salon_service
from regulars.salon import views as salon_views
from regulars.salon.model import Catalog, Salon
from regulars.waitlist import service as waitlist
from regulars.waitlist import views
from regulars.waitlist.rules import PartOfDay
from regulars.waitlist.schemas import WaitlistEntryPage, WaitlistJoinIn, WaitlistJoinOut, WaitlistOfferPage

router = Router()

SalonId = Annotated[str, Path(min_length=1, max_length=64)]
Token = Annotated[str, Path(min_length=10, max_length=1024)]
Code = Annotated[str, Path(min_length=16, max_length=16, pattern=r"^[A-Za-z0-9_-]+$")]
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", min_length=8, max_length=128)]


def _error(description: str) -> OpenAPIResponse:
    return {"description": description, "content": {"application/json": {"model": ErrorOut}}}


LIMITED: OpenAPIResponse = {
    "description": "Too many requests: wait the Retry-After header's seconds (code rate_limited)",
    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    "content": {"application/json": {"model": ErrorOut}},
}
LINK_REFUSED = _error("The link is not valid or has expired (invalid_link, link_expired)")


def _address() -> str:
    identity = router.current_event.request_context.identity
    return (identity.source_ip if identity else None) or "unknown"


def _json(status: int, model: object) -> Response:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=model)


@router.post(
    "/v1/salons/<salon_id>/waitlist",
    summary="Join the waitlist: a message offers a freed time that fits (409 already_waiting)",
    description="Idempotent with the Idempotency-Key header. Limited per network address, per phone and per "
    "salon (429 with Retry-After). Unless the salon asks for no codes at all, the phone must be proven, a "
    "client's phone too (403 phone_check_required). 409 already_waiting: this phone already waits for this "
    "service.",
    tags=["widget"],
    responses={
        201: {"description": "On the waitlist", "content": {"application/json": {"model": WaitlistJoinOut}}},
        403: _error("The phone must be proven first (code phone_check_required)"),
        404: _error("Unknown salon, or it has no waitlist (waitlist_closed)"),
        409: _error("This phone is on the waitlist for this service already (code already_waiting)"),
        429: LIMITED,
    },
)
def join(
    salon_id: SalonId, body: WaitlistJoinIn, idempotency_key: IdempotencyKey = None
) -> Response[WaitlistJoinOut]:
    now = clock.now()

    def answer(joined: waitlist.Joined) -> tuple[int, str]:
        catalog_view = views.entry_public(joined.entry, _catalog_of(salon_id), now)
        out = WaitlistJoinOut(entry=catalog_view, leave_url=joined.leave_url)
        return 201, json.dumps(out.model_dump(mode="json"), separators=(",", ":"))

    joined = waitlist.join(
        salon_id,
        waitlist.JoinRequest(
            name=body.client.name,
            phone=body.client.phone,
            service_id=body.service_id,
            staff_ids=tuple(body.staff_ids),
            days=tuple(body.days),
            weekdays=tuple(body.weekdays),
            parts=tuple(PartOfDay(p) for p in body.parts),
            consent=body.consent,
            locale=body.client.locale,
            phone_proof=body.phone_proof,
        ),
        address=_address(),
        now=now,
        answer=answer,
        idempotency_key=idempotency_key,
    )
    status, text = answer(joined)
    return _json(status, json.loads(text))


def _catalog_of(salon_id: str) -> Catalog:
    return salon_service.catalog(salon_id, max_age=settings().catalog_cache_seconds)


@router.get(
    "/v1/salons/<salon_id>/waitlist/<token>",
    summary="A waitlist entry, by the client's link",
    tags=["widget"],
    responses={200: {"description": "The entry"}, 403: LINK_REFUSED, 404: _error("No such entry")},
)
def get_entry(salon_id: SalonId, token: Token) -> WaitlistEntryPage:
    now = clock.now()
    entry, catalog = waitlist.entry_by_token(salon_id, token, now)
    return WaitlistEntryPage(
        salon=salon_views.salon(catalog.salon), entry=views.entry_public(entry, catalog, now)
    )


@router.post(
    "/v1/salons/<salon_id>/waitlist/<token>/leave",
    summary="Leave the waitlist, by the client's link (twice is once)",
    tags=["widget"],
    responses={
        200: {"description": "Left"},
        403: LINK_REFUSED,
        404: _error("No such entry"),
        429: LIMITED,
    },
)
def leave(salon_id: SalonId, token: Token) -> WaitlistEntryPage:
    now = clock.now()
    entry, catalog = waitlist.leave(salon_id, token, address=_address(), now=now)
    return WaitlistEntryPage(
        salon=salon_views.salon(catalog.salon), entry=views.entry_public(entry, catalog, now)
    )


@router.get(
    "/v1/salons/<salon_id>/waitlist-offers/<code>",
    summary="A freed time offered from the waitlist: what, when, until when it holds",
    tags=["widget"],
    responses={200: {"description": "The offer"}, 404: _error("No such offer (offer_not_found)")},
)
def get_offer(salon_id: SalonId, code: Code) -> WaitlistOfferPage:
    view = waitlist.offer_view(salon_id, code, clock.now())
    return WaitlistOfferPage(
        salon=salon_views.salon(view.catalog.salon),
        offer=views.offer(view),
        appointment=booking_views.brief(view.appointment, view.catalog.salon) if view.appointment else None,
    )


def _booked(booked: booking.Booked, salon: Salon) -> BookingOut:
    a = booked.appointment
    return BookingOut(
        appointment=booking_views.brief(a, salon),
        manage_url=links.manage_url(salon, a, keys=link_keys()),
        phone_proven=True,  # the offer's link reached the phone
    )


@router.post(
    "/v1/salons/<salon_id>/waitlist-offers/<code>/accept",
    summary="Accept an offer: the first to accept books the time (409 offer_taken, offer_expired, entry_closed)",
    description="The same offer accepted again answers as the first time. 409 offer_taken: someone else took "
    "the time first; offer_expired: the hold is over (or the time can no longer be booked online); "
    "entry_closed: the waitlist entry was left, removed or booked. Limited per network address (429).",
    tags=["widget"],
    responses={
        201: {"description": "Booked", "content": {"application/json": {"model": BookingOut}}},
        404: _error("No such offer (offer_not_found)"),
        409: _error("Taken, expired or closed (codes offer_taken, offer_expired, entry_closed)"),
        429: LIMITED,
    },
)
def accept(salon_id: SalonId, code: Code) -> Response[BookingOut]:
    now = clock.now()
    salon = _catalog_of(salon_id).salon

    def answer(booked: booking.Booked) -> tuple[int, str]:
        return 201, json.dumps(_booked(booked, salon).model_dump(mode="json"), separators=(",", ":"))

    booked = waitlist.accept(salon_id, code, address=_address(), now=now, answer=answer)
    status, text = answer(booked)
    return _json(status, json.loads(text))
