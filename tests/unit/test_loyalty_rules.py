"""The loyalty rules, pure: allocation from the soonest-burning lots, the balance at a moment,
cashback, the cap, tiers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from regulars.loyalty import rules
from regulars.salon.settings.loyalty import LoyaltySettings, Tier

NOW = datetime(2026, 11, 23, 10, tzinfo=UTC)

lots_strategy = st.lists(
    st.builds(
        lambda i, amount, left, days: rules.Lot(
            lot_id=f"l{i}",
            amount=amount,
            remaining=min(left, amount),
            expires_at=NOW + timedelta(days=days),
            source="visit",
            created_at=NOW - timedelta(days=1),
        ),
        st.integers(0, 10_000),
        st.integers(1, 5000),
        st.integers(0, 5000),
        st.integers(-30, 90),
    ),
    max_size=12,
    unique_by=lambda lot: lot.lot_id,
)


@given(lots_strategy, st.integers(1, 20_000))
def test_allocation_takes_exactly_the_amount_from_the_soonest_burning_lots(lots, amount):
    available = rules.balance(lots, NOW)
    if amount > available:
        with pytest.raises(rules.NotEnoughBonus):
            rules.allocate(lots, amount, NOW)
        return
    taken = rules.allocate(lots, amount, NOW)
    assert sum(take for _, take in taken) == amount
    assert all(0 < take <= lot.remaining and lot.expires_at > NOW for lot, take in taken)
    # every lot but the last is emptied, and no lot burning sooner was left untouched
    assert all(take == lot.remaining for lot, take in taken[:-1])
    used = {lot.lot_id for lot, _ in taken}
    last = taken[-1][0]
    assert all(lot.lot_id in used for lot in rules.usable(lots, NOW) if lot.expires_at < last.expires_at)


@given(lots_strategy)
def test_the_balance_never_counts_a_burned_lot(lots):
    assert rules.balance(lots, NOW) == sum(lot.remaining for lot in lots if lot.expires_at > NOW)
    at_expiry = {lot.expires_at for lot in lots}
    for moment in at_expiry:
        assert all(lot.expires_at > moment for lot in rules.usable(lots, moment))


@given(st.integers(0, 10**7), st.integers(0, 10_000))
def test_cashback_is_never_more_than_earned(paid, rate):
    earned = rules.cashback(paid, rate)
    assert 0 <= earned <= paid * rate / 10_000 < earned + 1


def test_cashback_and_the_cap_in_examples():
    assert rules.cashback(4500, 500) == 225
    assert rules.cashback(999, 700) == 69  # 69.93 rounds down
    assert rules.redeem_cap(10_000, 30) == 3000
    assert rules.redeem_cap(999, 30) == 299


def test_tiers_by_visits_or_spend():
    tiers = LoyaltySettings().tiers
    assert [rules.tier_for(tiers, v, 0).name for v in (0, 2, 3, 7, 8, 30)] == [
        "Base",
        "Base",
        "Silver",
        "Silver",
        "Gold",
        "Gold",
    ]
    assert rules.tier_for(tiers, 1, 100_000).name == "Gold"  # the spend threshold alone is enough


def test_a_tier_by_spend_alone_is_reached_by_spending_not_by_everyone():
    tiers = [Tier(name="Base", rate_bp=500), Tier(name="VIP", rate_bp=1500, min_spend=500_000)]
    assert [rules.tier_for(tiers, 0, spend).name for spend in (0, 499_999, 500_000)] == [
        "Base",
        "Base",
        "VIP",
    ]
    assert rules.tier_for(tiers, 40, 0).name == "Base"  # visits are no criterion of this tier
    # a tier with neither is reached by no one (the base is everyone's)
    assert rules.tier_for([*tiers, Tier(name="Nobody", rate_bp=9000)], 100, 0).name == "Base"


def test_the_first_tier_is_the_base():
    with pytest.raises(ValueError, match="the first tier is the base"):
        LoyaltySettings(tiers=[Tier(name="Silver", rate_bp=700, min_visits=3)])


def test_a_visit_counts_for_the_tier_when_something_was_paid_for_it_in_money_or_bonus():
    from datetime import UTC, datetime, timedelta

    from regulars.core import appointments as m
    from regulars.core.money import Money
    from regulars.loyalty.checkout import _paid_above_price
    from regulars.loyalty.tiers import in_window

    at = datetime(2026, 11, 2, 9, tzinfo=UTC)

    def visit(n: int, paid: int | None, bonus: int | None = None, price: int = 4500) -> m.Appointment:
        return m.Appointment(
            id=f"a{n}", salon_id="s", client_id="c", staff_id="anna", service_id="haircut",
            start=at - timedelta(days=n), end=at - timedelta(days=n) + timedelta(hours=1),
            status=m.AppointmentStatus.COMPLETED, price=Money(amount=price, currency="EUR"),
            paid_amount=paid, bonus_amount=bonus, source=m.Source.DESK, created_at=at, updated_at=at, version=1,
        )  # fmt: skip

    visits = [
        visit(1, 4500),
        visit(2, 0, 4500),
        visit(3, 0),
        visit(4, None),
    ]  # money, bonus, nothing, imported
    assert [a.id for a in in_window(visits, at)] == ["a1", "a2", "a4"]
    # a payment of more than twice the price is audited; on a visit of no price, any payment is
    assert _paid_above_price(visit(5, 9000), 9000, 0, at, "admin:desk") is None
    assert _paid_above_price(visit(5, 9001), 9001, 0, at, "admin:desk") is not None
    assert _paid_above_price(visit(6, 500, price=0), 500, 0, at, "admin:desk") is not None
