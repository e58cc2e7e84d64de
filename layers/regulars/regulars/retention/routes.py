"""Admin: clients by lifecycle status, defections and their statistics."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal
from zoneinfo import ZoneInfo

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router

from regulars.core import clock
from regulars.core.errors import InvalidInput
from regulars.core.schedule import local_instant
from regulars.http.auth import RequiredIdempotencyKey, caller, operation, request_key
from regulars.retention import history, invite
from regulars.retention.rules import Status
from regulars.retention.schemas import (
    DefectionOut,
    DefectionReasonIn,
    DefectionsOut,
    DefectionStatsOut,
    InvitationIn,
    InvitationOut,
    RetentionClientOut,
    RetentionClientsOut,
)
from regulars.salon import service as salon_service

router = Router()


StatusName = Literal["new", "active", "at_risk", "lapsed", "lost", "won_back"]
DefectionId = Annotated[str, Path(min_length=1, max_length=200)]


@router.get(
    "/v1/admin/retention/clients",
    summary="Clients in a lifecycle status, with the reason and their value",
    tags=["admin: retention"],
)
@operation("retention.read")
def clients_in(
    status: Annotated[StatusName, Query()] = "at_risk",
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query(pattern=r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\|[0-9a-z]{1,64}$")] = None,
) -> RetentionClientsOut:
    salon_id, _ = caller(router)
    found, following = history.in_status(salon_id, Status(status), clock.now(), limit=limit, cursor=cursor)
    return RetentionClientsOut(clients=[RetentionClientOut(**c) for c in found], next_cursor=following)


@router.post(
    "/v1/admin/clients/<client_id>/invitations",
    summary="Invite a client back: the win-back message in their language, with a bonus if given "
    "(409 no_marketing_consent without their consent to offers, 409 loyalty_off for a bonus while the "
    "bonus programme is off, 409 idempotency_key_reused for another invitation under the same key)",
    tags=["admin: retention"],
    status_code=201,
    responses={201: {"description": "Planned (with consent, outside quiet hours, within the marketing cap)"}},
)
@operation("clients.invite")
def invite_client(
    client_id: Annotated[str, Path(min_length=1, max_length=64)],
    body: InvitationIn,
    idempotency_key: RequiredIdempotencyKey,
) -> tuple[InvitationOut, int]:
    salon_id, who = caller(router)
    now = clock.now()
    done = invite.invite_back(
        salon_id,
        client_id,
        offer=body.offer,
        bonus_amount=body.bonus_amount,
        bonus_lifetime_days=body.bonus_lifetime_days,
        key=request_key(idempotency_key, now),
        by=who,
        now=now,
    )
    return (
        InvitationOut(
            message_id=done.message.message_id,
            kind=done.message.kind,
            status=done.message.status,
            bonus_amount=done.bonus_amount,
            bonus_expires_at=done.bonus_expires_at,
        ),
        201,
    )


@router.get(
    "/v1/admin/defections", summary="Defections between two months, newest first", tags=["admin: retention"]
)
@operation("defections.read")
def defection_list(
    first: Annotated[str | None, Query(alias="from", pattern=r"^(19|20)\d\d-(0[1-9]|1[0-2])$")] = None,
    last: Annotated[str | None, Query(alias="to", pattern=r"^(19|20)\d\d-(0[1-9]|1[0-2])$")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> DefectionsOut:
    salon_id, _ = caller(router)
    zone = salon_service.zone(salon_id)
    since, until = month_bounds(*months_asked(first, last, zone), zone)
    return DefectionsOut(
        defections=[DefectionOut(**d) for d in history.defections(salon_id, since, until, limit=limit)]
    )


@router.get(
    "/v1/admin/defections/stats",
    summary="Defections by type, reason, staff member, service and month",
    tags=["admin: retention"],
)
@operation("defections.read")
def defection_stats(
    first: Annotated[str | None, Query(alias="from", pattern=r"^(19|20)\d\d-(0[1-9]|1[0-2])$")] = None,
    last: Annotated[str | None, Query(alias="to", pattern=r"^(19|20)\d\d-(0[1-9]|1[0-2])$")] = None,
) -> DefectionStatsOut:
    salon_id, _ = caller(router)
    since, until = months_asked(first, last, salon_service.zone(salon_id))
    return DefectionStatsOut(**history.defection_stats(salon_id, f"{since:%Y-%m}", f"{until:%Y-%m}"))


@router.put(
    "/v1/admin/defections/<defection_id>/reason",
    summary="Say why a client defected",
    tags=["admin: retention"],
)
@operation("defections.reason")
def defection_reason(defection_id: DefectionId, body: DefectionReasonIn) -> DefectionOut:
    salon_id, who = caller(router)
    return DefectionOut(**history.give_reason(salon_id, defection_id, body.reason, body.note, who))


def months_asked(first: str | None, last: str | None, zone: ZoneInfo) -> tuple[date, date]:
    """The first days of the first and the last month asked, on the salon's calendar: ``last`` (default:
    the salon's month now) and ``first`` (default: eleven months before it). A salon's figures count
    in its own months, so these are the salon's too: in Mexico City, 18:30 on the 31st is that
    month, though it is the next one in UTC."""
    last_month = _month(last) if last else clock.now().astimezone(zone).date().replace(day=1)
    first_month = _month(first) if first else _months_after(last_month, -11)
    if first_month > last_month:
        raise InvalidInput.field("from", "must not be after to")
    return first_month, last_month


def month_bounds(first_month: date, last_month: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The first and the last instant of those months on the salon's calendar."""
    end = local_instant(_months_after(last_month, 1), time(0), zone)
    return local_instant(first_month, time(0), zone), end - timedelta(microseconds=1)


def _month(month: str) -> date:
    return datetime.strptime(month, "%Y-%m").date()


def _months_after(start: date, n: int) -> date:
    index = start.year * 12 + start.month - 1 + n
    return start.replace(year=index // 12, month=index % 12 + 1)
