"""A client's bonus, the ledger and the salon's liability as the API shows them."""

from __future__ import annotations

from regulars.loyalty.model import Movement
from regulars.loyalty.schemas import LedgerEntryOut, LedgerOut, LiabilityOut, LotOut, LoyaltyOut, TierOut
from regulars.loyalty.service import ClientBonus, Liability
from regulars.salon.settings.loyalty import Tier


def tier(t: Tier) -> TierOut:
    return TierOut(name=t.name, rate_bp=t.rate_bp, min_visits=t.min_visits, min_spend=t.min_spend)


def client_bonus(bonus: ClientBonus) -> LoyaltyOut:
    standing = bonus.standing
    return LoyaltyOut(
        balance=standing.balance,
        currency=bonus.currency,
        lots=[
            LotOut(
                id=lot.lot_id,
                amount=lot.amount,
                remaining=lot.remaining,
                expires_at=lot.expires_at,
                source=lot.source,
            )
            for lot in standing.lots
        ],
        tier=tier(standing.tier),
        next_tier=tier(standing.next_tier) if standing.next_tier else None,
        visits_12m=standing.visits_12m,
        spend_12m=standing.spend_12m,
        referral_code=bonus.referral_code,
        referral_url=bonus.referral_url,
    )


def ledger(movements: list[Movement]) -> LedgerOut:
    return LedgerOut(
        entries=[
            LedgerEntryOut(
                id=e.entry_id,
                kind=e.kind,
                amount=e.amount,
                lots=e.lots,
                source=e.source,
                source_id=e.source_id,
                reason=e.reason,
                by=e.by,
                created_at=e.created_at,
            )
            for e in movements
        ]
    )


def liability(owed: Liability) -> LiabilityOut:
    return LiabilityOut(
        outstanding=owed.outstanding,
        burning_30_days=owed.burning,
        burning_by_day=owed.by_day,
        currency=owed.currency,
    )
