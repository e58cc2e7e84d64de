"""Admin: checkout (a visit completed with what was paid in money and bonus, and its refund), a client's
bonus (balance, lots, tier, referral link), the ledger, manual adjustments (audited: who, when, why),
and the salon's outstanding bonus and what burns soon."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router

from regulars.booking import views as booking_views
from regulars.booking.schemas import AppointmentOut, CompleteIn, RefundIn
from regulars.core import clock
from regulars.http.auth import RequiredIdempotencyKey, caller, operation, request_key
from regulars.http.errors import ErrorOut
from regulars.loyalty import checkout, views
from regulars.loyalty import service as loyalty
from regulars.loyalty.schemas import (
    AdjustmentIn,
    BurnOut,
    ClientTiersOut,
    LedgerOut,
    LiabilityOut,
    LinkBonusOut,
    LoyaltyOut,
)
from regulars.salon import service as salon_service

router = Router()
public = Router()  # the client's manage link
ClientId = Annotated[str, Path(min_length=1, max_length=64)]
# up to 100 client ids, comma-separated: a page of a client list
ClientIds = Annotated[
    str, Query(min_length=1, max_length=6_599, pattern=r"^[0-9A-Za-z_-]{1,64}(,[0-9A-Za-z_-]{1,64}){0,99}$")
]


@router.get(
    "/v1/admin/clients/<client_id>/loyalty",
    summary="A client's bonus: balance, lots, tier, referral link",
    tags=["admin: loyalty"],
)
@operation("loyalty.read")
def get(client_id: ClientId) -> LoyaltyOut:
    salon_id, _ = caller(router)
    return views.client_bonus(loyalty.client_bonus(salon_id, client_id, clock.now()))


@router.get(
    "/v1/admin/loyalty/tiers",
    summary="The tiers of up to 100 clients (a client list's), in one read",
    tags=["admin: loyalty"],
)
@operation("loyalty.read")
def client_tiers(ids: ClientIds) -> ClientTiersOut:
    salon_id, _ = caller(router)
    found = loyalty.tiers_of(salon_id, ids.split(","))
    return ClientTiersOut(tiers={c: views.tier(t) for c, t in found.items()})


@router.get(
    "/v1/admin/clients/<client_id>/ledger",
    summary="A client's bonus ledger, newest first",
    tags=["admin: loyalty"],
)
@operation("loyalty.read")
def ledger(client_id: ClientId) -> LedgerOut:
    salon_id, _ = caller(router)
    return views.ledger(loyalty.ledger(salon_id, client_id))


@router.post(
    "/v1/admin/clients/<client_id>/loyalty/adjustments",
    summary="Credit or debit bonus by hand, with a reason",
    description="Once per Idempotency-Key: sent again, it answers as the first time; 409 idempotency_key_reused "
    "for the key with another amount or reason.",
    tags=["admin: loyalty"],
    status_code=201,
)
@operation("loyalty.adjust")
def adjust(
    client_id: ClientId,
    body: AdjustmentIn,
    idempotency_key: RequiredIdempotencyKey,
) -> tuple[LedgerOut, int]:
    salon_id, who = caller(router)
    now = clock.now()
    key = request_key(idempotency_key, now)
    loyalty.adjust(salon_id, client_id, amount=body.amount, reason=body.reason, key=key, now=now, by=who)
    return views.ledger(loyalty.ledger(salon_id, client_id)), 201


@router.get(
    "/v1/admin/loyalty",
    summary="The salon's outstanding bonus and what burns in the next 30 days",
    tags=["admin: loyalty"],
)
@operation("loyalty.liability")
def liability() -> LiabilityOut:
    salon_id, _ = caller(router)
    return views.liability(loyalty.liability(salon_id, clock.now()))


AppointmentId = Annotated[str, Path(min_length=1, max_length=64)]


@router.post(
    "/v1/admin/appointments/<appointment_id>/complete",
    summary="Complete with the amount paid",
    tags=["admin: appointments"],
)
@operation("appointments.complete")
def complete(appointment_id: AppointmentId, body: CompleteIn) -> AppointmentOut:
    salon_id, who = caller(router)
    a = checkout.complete(
        salon_id,
        appointment_id,
        paid_amount=body.paid_amount,
        bonus_amount=body.bonus_amount,
        now=clock.now(),
        by=who,
    )
    return booking_views.appointment(a, salon_service.salon(salon_id))


@router.post(
    "/v1/admin/appointments/<appointment_id>/refund",
    summary="Refund a completed visit: its cashback is taken back, the bonus it used returned",
    tags=["admin: appointments"],
)
@operation("appointments.refund")
def refund(appointment_id: AppointmentId, body: RefundIn | None = None) -> AppointmentOut:
    salon_id, who = caller(router)
    a = checkout.refund(
        salon_id, appointment_id, now=clock.now(), by=who, reason=body.reason if body else None
    )
    return booking_views.appointment(a, salon_service.salon(salon_id))


@public.get(
    "/v1/manage/<token>/bonus",
    summary="The client's bonus on their manage link: the balance and what burns when (shown false for a "
    "link that acts on the visit only)",
    tags=["manage link"],
    responses={
        200: {"description": "The bonus"},
        403: {"description": "Invalid or expired link", "content": {"application/json": {"model": ErrorOut}}},
    },
)
def link_bonus(token: Annotated[str, Path(min_length=10, max_length=512)]) -> LinkBonusOut:
    bonus = loyalty.link_bonus(token, clock.now())
    if bonus is None:
        return LinkBonusOut(shown=False)
    return LinkBonusOut(
        shown=True,
        balance=bonus.balance,
        currency=bonus.currency,
        burns=[BurnOut(day=b.day.isoformat(), amount=b.amount) for b in bonus.burns],
    )
