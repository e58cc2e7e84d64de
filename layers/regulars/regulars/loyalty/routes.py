"""Admin: a client's bonus (balance, lots, tier, referral link), the ledger, manual adjustments
(audited: who, when, why), and the salon's outstanding bonus and what burns soon."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path

from regulars.clients import repo as client_store
from regulars.core import clock
from regulars.http.auth import IdempotencyKey, caller, operation, request_key
from regulars.http.router import Router
from regulars.loyalty import repo as loyalty_store
from regulars.loyalty import service as loyalty
from regulars.loyalty.schemas import (
    AdjustmentIn,
    LedgerEntryOut,
    LedgerOut,
    LiabilityOut,
    LotOut,
    LoyaltyOut,
    TierOut,
)
from regulars.salon import repo as catalog_store
from regulars.salon.settings.loyalty import Tier

router = Router()
ClientId = Annotated[str, Path(min_length=1, max_length=64)]


def _tier(t: Tier) -> TierOut:
    return TierOut(name=t.name, rate_bp=t.rate_bp, min_visits=t.min_visits, min_spend=t.min_spend)


@router.get("/v1/admin/clients/<client_id>/loyalty", summary="A client's bonus: balance, lots, tier, referral link",
            tags=["admin: loyalty"])
@operation("loyalty.read")
def get(client_id: ClientId) -> LoyaltyOut:
    salon_id, _ = caller(router)
    client_store.get(salon_id, client_id)  # 404 outside the caller's salon
    now = clock.now()
    standing = loyalty.standing(salon_id, client_id, now)
    code = loyalty.referral_code(salon_id, client_id)
    return LoyaltyOut(
        balance=standing.balance, currency=catalog_store.load_catalog(salon_id).salon.currency,
        lots=[LotOut(id=lot.lot_id, amount=lot.amount, remaining=lot.remaining, expires_at=lot.expires_at,
                       source=lot.source) for lot in standing.lots],
        tier=_tier(standing.tier), next_tier=_tier(standing.next_tier) if standing.next_tier else None,
        visits_12m=standing.visits_12m, spend_12m=standing.spend_12m,
        referral_code=code, referral_url=loyalty.referral_url(salon_id, code),
    )


@router.get("/v1/admin/clients/<client_id>/ledger", summary="A client's bonus ledger, newest first",
            tags=["admin: loyalty"])
@operation("loyalty.read")
def ledger(client_id: ClientId) -> LedgerOut:
    salon_id, _ = caller(router)
    client_store.get(salon_id, client_id)
    return LedgerOut(entries=[
        LedgerEntryOut(id=e.entry_id, kind=e.kind, amount=int(e.amount), lots=e.lots or [], source=e.source,
                         source_id=e.source_id, reason=e.reason, by=e.by, created_at=e.created_at)
        for e in loyalty_store.ledger(salon_id, client_id)])


@router.post("/v1/admin/clients/<client_id>/loyalty/adjustments", summary="Credit or debit bonus by hand, with a reason",
             tags=["admin: loyalty"], status_code=201)
@operation("loyalty.adjust")
def adjust(
    client_id: ClientId,
    body: AdjustmentIn,
    idempotency_key: IdempotencyKey = None,
) -> tuple[LedgerOut, int]:
    salon_id, who = caller(router)
    client_store.get(salon_id, client_id)
    now = clock.now()
    key = request_key(idempotency_key, now)
    loyalty.adjust(salon_id, client_id, amount=body.amount, reason=body.reason, key=key, now=now, by=who)
    return ledger(client_id), 201


@router.get("/v1/admin/loyalty", summary="The salon's outstanding bonus and what burns in the next 30 days",
            tags=["admin: loyalty"])
@operation("loyalty.liability")
def liability() -> LiabilityOut:
    salon_id, _ = caller(router)
    outstanding, burning, by_day = loyalty.liability(salon_id, clock.now())
    return LiabilityOut(outstanding=outstanding, burning_30_days=burning, burning_by_day=by_day,
                          currency=catalog_store.load_catalog(salon_id).salon.currency)
