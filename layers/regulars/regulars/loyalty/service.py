"""Loyalty as the salon's admin sees and moves it: a client's bonus (balance, lots, tier, referral
link), their ledger, a manual adjustment (audited), and the salon's outstanding bonus.

The rest of the programme lives by use case: :mod:`~regulars.loyalty.credits` (every bonus is a lot
credited once per source), :mod:`~regulars.loyalty.visits` (cashback, checkout, refunds),
:mod:`~regulars.loyalty.burning` (expiry and the warning before it), :mod:`~regulars.loyalty.tiers`,
:mod:`~regulars.loyalty.birthdays` and :mod:`~regulars.loyalty.referrals`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from regulars.booking import manage
from regulars.clients import repo as client_store
from regulars.core.errors import Conflict
from regulars.core.ids import new_id
from regulars.loyalty import referrals, rules, tiers
from regulars.loyalty import repo as store
from regulars.loyalty.credits import credit, settings_of
from regulars.loyalty.model import Movement
from regulars.salon import service as salon_service
from regulars.salon.settings.loyalty import Tier
from regulars.store import audit


@dataclass(frozen=True)
class Standing:
    balance: int  # what can be spent now: lots that have not burned
    lots: list[rules.Lot]
    tier: Tier
    visits_12m: int
    spend_12m: int
    next_tier: Tier | None


def standing(salon_id: str, client_id: str, now: datetime) -> Standing:
    _, loyalty = settings_of(salon_id)
    lots = rules.usable(store.lots(salon_id, client_id), now)
    account = store.account(salon_id, client_id)
    visits = int(account.visits_12m or 0) if account else 0
    spend = int(account.spend_12m or 0) if account else 0
    tier = tiers.named(loyalty, account.tier if account else None) or loyalty.tiers[0]
    better = sorted((t for t in loyalty.tiers if t.rate_bp > tier.rate_bp), key=lambda t: t.rate_bp)
    return Standing(rules.balance(lots, now), lots, tier, visits, spend, better[0] if better else None)


def tiers_of(salon_id: str, client_ids: list[str]) -> dict[str, Tier]:
    """Each client's tier (the salon's first for a client who has none yet): a client list's tiers in one read."""
    _, loyalty = settings_of(salon_id)
    names = store.tier_names(salon_id, client_ids)
    return {c: tiers.named(loyalty, name) or loyalty.tiers[0] for c, name in names.items()}


@dataclass(frozen=True)
class ClientBonus:
    standing: Standing
    currency: str
    referral_code: str
    referral_url: str


def client_bonus(salon_id: str, client_id: str, now: datetime) -> ClientBonus:
    """The client's bonus, tier and referral link (the code resolvable from now on); NotFound for a
    client not of the salon."""
    client_store.get(salon_id, client_id)
    now_standing = standing(salon_id, client_id, now)
    code = referrals.referral_code(salon_id, client_id)
    return ClientBonus(
        now_standing, salon_service.salon(salon_id).currency, code, referrals.referral_url(salon_id, code)
    )


@dataclass(frozen=True)
class Burn:
    day: date  # the salon's local day the amount burns at the end of
    amount: int


@dataclass(frozen=True)
class LinkBonus:
    """What a client's manage link shows of their bonus: the balance and what burns when."""

    balance: int
    currency: str
    burns: list[Burn]


def link_bonus(token: str, now: datetime, most: int = 3) -> LinkBonus | None:
    """The bonus of the client behind a manage link that reached them (None for a link that acts on
    the visit only): the balance and, soonest first, up to ``most`` days on which some of it burns."""
    behind = manage.client_behind(token, now)
    if behind is None:
        return None
    catalog, client_id = behind
    lots = rules.usable(store.lots(catalog.salon.id, client_id), now)
    by_day: dict[date, int] = {}
    for lot in lots:
        day = lot.expires_at.astimezone(catalog.salon.tz).date()
        by_day[day] = by_day.get(day, 0) + lot.remaining
    burns = [Burn(day, amount) for day, amount in sorted(by_day.items())[:most]]
    return LinkBonus(rules.balance(lots, now), catalog.salon.currency, burns)


def ledger(salon_id: str, client_id: str) -> list[Movement]:
    """The client's ledger, newest first; NotFound for a client not of the salon."""
    client_store.get(salon_id, client_id)
    return store.movements(salon_id, client_id)


def adjust(
    salon_id: str, client_id: str, *, amount: int, reason: str, key: str, now: datetime, by: str
) -> int:
    """A manual adjustment, audited (who, when, why): a credit becomes a lot of the salon's lifetime;
    a debit spends the soonest-burning lots. The audit trail's entry is written in the adjustment's
    own transaction (its reason stays in the ledger, which an erasure reaches). NotFound for a client
    not of the salon; the same ``key`` adjusts once: sent again with the same amount and reason it
    answers as the first time (a debit that emptied the balance is not refused on its retry), with
    another it is refused (409 ``idempotency_key_reused``) rather than lost in silence."""
    client_store.get(salon_id, client_id)
    for earlier in (f"accrual:manual:{key}", f"adjustment:{key}"):
        found = store.entry(salon_id, client_id, earlier)
        if found is None:
            continue
        if int(found.amount) != amount or (found.reason or "") != reason:
            raise Conflict(
                "this Idempotency-Key was used for another adjustment", code="idempotency_key_reused"
            )
        return amount
    _, loyalty = settings_of(salon_id)
    entry_id = f"accrual:manual:{key}" if amount > 0 else f"adjustment:{key}"
    trail = audit.entry(
        salon_id,
        new_id(now),
        "loyalty.adjusted",
        by,
        now,
        client_id=client_id,
        detail={"amount": amount, "ledger_entry": entry_id},
    )
    if amount > 0:
        credit(
            salon_id,
            client_id,
            amount=amount,
            source="manual",
            source_id=key,
            lifetime_days=loyalty.lifetime_days,
            at=now,
            now=now,
            by=by,
            reason=reason,
            trail=trail,
        )
        return amount
    for attempt in range(5):  # another redemption may take the same lots first: read again
        taken = rules.allocate(store.lots(salon_id, client_id), -amount, now)
        try:
            return -store.spend(
                salon_id,
                client_id,
                taken,
                entry_id=entry_id,
                kind="adjustment",
                source="manual",
                source_id=key,
                by=by,
                now=now,
                reason=reason,
                audit=trail,
            )
        except store.AlreadyRecorded:
            return amount
        except store.BonusChanged:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Liability:
    outstanding: int  # open lots that have not burned
    burning: int  # what of it burns within the horizon
    by_day: list[dict]  # that by day: [{"date": ..., "amount": ...}]
    currency: str


def liability(salon_id: str, now: datetime, horizon: timedelta = timedelta(days=30)) -> Liability:
    """The salon's outstanding bonus (open lots that have not burned), what of it burns within
    ``horizon``, and that by day."""
    lots = store.open_lots_between(salon_id, now, now + timedelta(days=3650))
    outstanding = sum(int(lot.remaining) for lot in lots)
    salon = salon_service.salon(salon_id)
    soon: dict[date, int] = {}
    for lot in lots:
        if lot.expires_at < now + horizon:
            day = lot.expires_at.astimezone(salon.tz).date()  # the salon's day, as the client's page says
            soon[day] = soon.get(day, 0) + int(lot.remaining)
    return Liability(
        outstanding,
        sum(soon.values()),
        [{"date": d.isoformat(), "amount": v} for d, v in sorted(soon.items())],
        salon.currency,
    )
