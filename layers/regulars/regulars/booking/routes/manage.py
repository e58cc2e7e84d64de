"""The client's manage link: view, confirm, cancel, reschedule one visit without an account; and,
for a link that reached the client (see :mod:`regulars.core.links` on scopes), their consent to
offers, their push device and their Telegram chat. The rules are :mod:`regulars.booking.manage`'s."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router

from regulars.booking import calendar, manage
from regulars.booking import views as booking_views
from regulars.booking.schemas import (
    ManageCancelIn,
    ManageOut,
    ManageSlotsOut,
    PushDeviceIn,
    RescheduleIn,
    SlotOut,
)
from regulars.core import clock
from regulars.http.errors import ErrorOut
from regulars.salon import views as salon_views

router = Router()

Token = Annotated[str, Path(min_length=10, max_length=512)]
ERRORS: dict[int, OpenAPIResponse] = {
    403: {
        "description": "Invalid or expired link, or one that may not do this (code link_revoked once the visit "
        "is cancelled; link_not_for_client for a link that acts on the visit only)",
        "content": {"application/json": {"model": ErrorOut}},
    },
    409: {
        "description": "Not allowed now (too late, visit over)",
        "content": {"application/json": {"model": ErrorOut}},
    },
    429: {
        "description": "Too many changes from this network address (Retry-After)",
        "content": {"application/json": {"model": ErrorOut}},
    },
}


def _address() -> str:
    """The caller's network address as API Gateway saw it (never a header the caller could write)."""
    identity = router.current_event.request_context.identity
    return (identity.source_ip if identity else None) or "unknown"


@router.get(
    "/v1/manage/<token>",
    summary="The visit behind a manage link",
    tags=["manage link"],
    responses={200: {"description": "The visit"}, **ERRORS},
)
def view(token: Token) -> ManageOut:
    return booking_views.managed(manage.show(token, clock.now()))


@router.get(
    "/v1/manage/<token>/slots",
    summary="Where the visit can move on a day (its own time counts as free)",
    tags=["manage link"],
    responses={200: {"description": "Free starts"}, **ERRORS},
)
def free_times(
    token: Token, date: Annotated[date, Query(description="The salon's local date, YYYY-MM-DD")]
) -> ManageSlotsOut:
    now = clock.now()
    shown = manage.show(token, now)
    return ManageSlotsOut(
        slots=[
            SlotOut(start=salon_views.local_iso(x.start, shown.catalog.salon), staff_id=x.staff_id)
            for x in manage.free_times(token, date, now)
        ]
    )


@router.get(
    "/v1/manage/<token>/calendar",
    summary="The visit as a calendar file (text/calendar, RFC 5545): one UID for the visit's life, its "
    "SEQUENCE raised by each move and by the cancellation (then STATUS:CANCELLED)",
    tags=["manage link"],
    responses={
        200: {"description": "The .ics file", "content": {"text/calendar": {"schema": {"type": "string"}}}},
        **ERRORS,
    },
)
def calendar_file(token: Token) -> Response[str]:
    return Response(
        status_code=200,
        content_type="text/calendar; charset=utf-8",
        body=calendar.visit_file(token, clock.now()),
        headers={"Content-Disposition": 'attachment; filename="visit.ics"', "Cache-Control": "no-store"},
    )


@router.post(
    "/v1/manage/<token>/confirm",
    summary="Confirm the visit",
    tags=["manage link"],
    responses={200: {"description": "Confirmed"}, **ERRORS},
)
def confirm(token: Token) -> ManageOut:
    return booking_views.managed(manage.confirm(token, address=_address(), now=clock.now()))


@router.post(
    "/v1/manage/<token>/cancel",
    summary="Cancel the visit, with the client's reason (a pick from the short list and their words)",
    tags=["manage link"],
    responses={200: {"description": "Cancelled"}, **ERRORS},
)
def cancel(token: Token, body: ManageCancelIn | None = None) -> ManageOut:
    return booking_views.managed(
        manage.cancel(
            token,
            address=_address(),
            now=clock.now(),
            reason=body.reason if body else None,
            reason_code=body.reason_code if body else None,
        )
    )


@router.post(
    "/v1/manage/<token>/reschedule",
    summary="Move the visit to another free time",
    tags=["manage link"],
    responses={200: {"description": "Moved"}, **ERRORS},
)
def reschedule(token: Token, body: RescheduleIn) -> ManageOut:
    return booking_views.managed(
        manage.reschedule(
            token, address=_address(), now=clock.now(), start=body.start, staff_id=body.staff_id
        )
    )


@router.post(
    "/v1/manage/<token>/unsubscribe",
    summary="Stop offers and news on every channel (visit messages go on)",
    tags=["manage link"],
    responses={200: {"description": "Unsubscribed"}, **ERRORS},
)
def unsubscribe(token: Token) -> ManageOut:
    return booking_views.managed(manage.set_marketing(token, False, address=_address(), now=clock.now()))


@router.post(
    "/v1/manage/<token>/subscribe",
    summary="Agree to offers and news",
    tags=["manage link"],
    responses={200: {"description": "Subscribed"}, **ERRORS},
)
def subscribe(token: Token) -> ManageOut:
    return booking_views.managed(manage.set_marketing(token, True, address=_address(), now=clock.now()))


@router.post(
    "/v1/manage/<token>/push",
    summary="Register this device for push notifications (the salon's app)",
    tags=["manage link"],
    responses={200: {"description": "Registered"}, **ERRORS},
)
def register_push(token: Token, body: PushDeviceIn) -> ManageOut:
    return booking_views.managed(
        manage.register_push(token, body.device_token, address=_address(), now=clock.now())
    )
