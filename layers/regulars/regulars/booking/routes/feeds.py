"""A staff member's read-only calendar feed: the secret URL a phone's calendar subscribes to
(``public``), and the owner's or a manager's making, rotating and revoking it (``router``, admin)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router

from regulars.booking import calendar
from regulars.booking.schemas import FeedOut
from regulars.core import clock
from regulars.http.auth import IdempotencyKey, caller, operation
from regulars.http.errors import ErrorOut

public = Router()
router = Router()
TAGS = ["admin: calendar feeds"]
Ref = Annotated[str, Path(min_length=1, max_length=64)]
Secret = Annotated[str, Path(min_length=20, max_length=128, pattern=r"^[A-Za-z0-9_-]+$")]


def _out(state: calendar.FeedState) -> FeedOut:
    return FeedOut(
        active=state.active, created_at=state.created_at, created_by=state.created_by, path=state.path
    )


@public.get(
    "/v1/calendar-feeds/<salon_id>/<staff_id>/<secret>",
    summary="A staff member's visits as a calendar (text/calendar): a week back to the booking horizon "
    "ahead, each as the client's first name and the service; cancelled ones STATUS:CANCELLED",
    tags=["calendar feed"],
    responses={
        200: {"description": "The calendar", "content": {"text/calendar": {"schema": {"type": "string"}}}},
        403: {
            "description": "Not a feed's secret (rotated, revoked, another's)",
            "content": {"application/json": {"model": ErrorOut}},
        },
        429: {
            "description": "Read too often this hour (Retry-After)",
            "content": {"application/json": {"model": ErrorOut}},
        },
    },
)
def feed(salon_id: Ref, staff_id: Ref, secret: Secret) -> Response[str]:
    return Response(
        status_code=200,
        content_type="text/calendar; charset=utf-8",
        body=calendar.feed_file(salon_id, staff_id, secret, clock.now()),
        headers={"Cache-Control": "private, max-age=300"},
    )


@router.get(
    "/v1/admin/staff/<staff_id>/calendar-feed",
    summary="Whether the staff member has a calendar feed, since when and by whom (never its URL)",
    tags=TAGS,
)
@operation("staff.calendar_feed")
def state(staff_id: Ref) -> FeedOut:
    salon_id, _ = caller(router)
    return _out(calendar.feed_state(salon_id, staff_id))


@router.post(
    "/v1/admin/staff/<staff_id>/calendar-feed",
    summary="Make the staff member's calendar feed, or rotate it: a new secret URL (shown in this answer "
    "only), the previous one stops at once; audited. The same Idempotency-Key again answers the same URL; "
    "409 idempotency_key_reused for a key an earlier rotation used",
    tags=TAGS,
    status_code=201,
)
@operation("staff.calendar_feed")
def rotate(staff_id: Ref, idempotency_key: IdempotencyKey = None) -> tuple[FeedOut, int]:
    salon_id, who = caller(router)
    state = calendar.rotate(salon_id, staff_id, key=idempotency_key, now=clock.now(), by=who)
    return _out(state), 201


@router.delete(
    "/v1/admin/staff/<staff_id>/calendar-feed",
    summary="Revoke the staff member's calendar feed: its URL stops at once; audited. Answers the feed's "
    "state (no feed); revoking where there is none changes nothing",
    tags=TAGS,
)
@operation("staff.calendar_feed")
def revoke(staff_id: Ref) -> FeedOut:
    salon_id, who = caller(router)
    calendar.revoke(salon_id, staff_id, now=clock.now(), by=who)
    return _out(calendar.feed_state(salon_id, staff_id))
