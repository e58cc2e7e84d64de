"""The loyalty rules, pure: lots and what a redemption takes from them, cashback, the redemption cap,
tiers.

A lot is one accrual: ``amount`` minor units of the salon's currency, of which ``remaining`` is
left, usable until ``expires_at`` (exclusive). A lot whose moment has come is worth nothing,
whether or not the expiry job has written it off yet: the balance a client is shown counts only
lots with ``expires_at > now``. A redemption takes from the soonest-expiring lots first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from regulars.core.errors import Conflict
from regulars.salon.settings.loyalty import Tier


@dataclass(frozen=True)
class Lot:
    lot_id: str
    amount: int
    remaining: int
    expires_at: datetime
    source: str  # visit | birthday | referral | campaign | manual | restored
    created_at: datetime

    def open_at(self, now: datetime) -> bool:
        return self.remaining > 0 and self.expires_at > now


class NotEnoughBonus(Conflict):
    code = "not_enough_bonus"


def usable(lots: Iterable[Lot], now: datetime) -> list[Lot]:
    """The lots that can be spent at ``now``, soonest-expiring first (then oldest)."""
    return sorted(
        (lot for lot in lots if lot.open_at(now)),
        key=lambda lot: (lot.expires_at, lot.created_at, lot.lot_id),
    )


def balance(lots: Iterable[Lot], now: datetime) -> int:
    return sum(lot.remaining for lot in usable(lots, now))


def allocate(lots: Iterable[Lot], amount: int, now: datetime) -> list[tuple[Lot, int]]:
    """What a redemption of ``amount`` takes from each lot: the soonest-expiring first."""
    if amount <= 0:
        raise ValueError("a redemption takes a positive amount")
    taken: list[tuple[Lot, int]] = []
    left = amount
    for lot in usable(lots, now):
        if left == 0:
            break
        take = min(lot.remaining, left)
        taken.append((lot, take))
        left -= take
    if left:
        raise NotEnoughBonus(f"the balance is {amount - left}, less than {amount}")
    return taken


def cashback(paid_amount: int, rate_bp: int) -> int:
    """Cashback on the part of a bill paid in money, in basis points, rounded down (a bonus is
    never credited that was not earned)."""
    if paid_amount < 0 or rate_bp < 0:
        raise ValueError("amounts and rates are not negative")
    return paid_amount * rate_bp // 10_000


def redeem_cap(bill: int, cap_percent: int) -> int:
    """The most bonus that may pay a bill of ``bill``: ``cap_percent`` of it, rounded down."""
    return bill * cap_percent // 100


def tier_for(tiers: Sequence[Tier], visits: int, spend: int) -> Tier:
    """The best tier the client qualifies for by rolling-12-month visits or spend (the first tier
    is the base and always qualifies). A threshold of nothing is no criterion: a tier of 500,000 spent
    and no number of visits is reached by spending, not by anyone at all."""

    def reaches(t: Tier) -> bool:
        by_visits = t.min_visits > 0 and visits >= t.min_visits
        by_spend = bool(t.min_spend) and spend >= (t.min_spend or 0)
        return by_visits or by_spend

    return max([tiers[0], *(t for t in tiers[1:] if reaches(t))], key=lambda t: t.rate_bp)
