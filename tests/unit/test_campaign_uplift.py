"""The holdout split and the uplift estimate: a synthetic campaign with a known effect is measured
with the right sign and size, a campaign with none is not called significant, and the sums the
stream keeps (each figure and its square, moved by 2xd + d^2) equal sums over the members."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from regulars.campaigns.uplift import Sums, effect, in_holdout, roi


def _sums(values: list[float]) -> Sums:
    return Sums(len(values), sum(values), sum(v * v for v in values))


def _group(rng: random.Random, n: int, book_rate: float, spend: int) -> list[float]:
    """Each member books with ``book_rate`` and then pays ``spend`` give or take 30 %."""
    return [rng.uniform(0.7, 1.3) * spend if rng.random() < book_rate else 0.0 for _ in range(n)]


@pytest.mark.parametrize(("sent_rate", "holdout_rate"), [(0.30, 0.20), (0.20, 0.30)])
def test_a_known_effect_is_found_with_its_sign_and_size(sent_rate, holdout_rate):
    """200 synthetic campaigns (2000 sent, 500 held out) whose true effect is known (4.4 standard errors):
    the estimates have the right sign, on average they hit the truth, the 95 % interval holds it about
    95 % of the time, and nearly every one is called significant."""
    rng = random.Random(7)
    true_total = (sent_rate - holdout_rate) * 4000 * 2000  # +-0.1 bookings x 4000 x 2000 members = +-800,000
    estimates, covered, significant = [], 0, 0
    for _ in range(200):
        e = effect(_sums(_group(rng, 2000, sent_rate, 4000)), _sums(_group(rng, 500, holdout_rate, 4000)))
        assert e is not None and (e.incremental > 0) == (true_total > 0)
        estimates.append(e.incremental)
        covered += e.low <= true_total <= e.high
        significant += e.significant
    assert abs(sum(estimates) / len(estimates) - true_total) < 0.05 * abs(true_total)
    assert 0.90 <= covered / 200 <= 0.99
    assert significant / 200 >= 0.9


def test_no_effect_is_not_called_significant_and_the_interval_holds_zero():
    rng = random.Random(11)
    e = effect(_sums(_group(rng, 5000, 0.25, 3000)), _sums(_group(rng, 600, 0.25, 3000)))
    assert e is not None and e.low < 0 < e.high and not e.significant


@pytest.mark.parametrize(("sent", "held", "rate"), [(450, 50, 0.02), (900, 100, 0.02), (180, 40, 0.03)])
def test_a_campaign_that_did_nothing_is_called_a_success_no_more_than_one_time_in_twenty(sent, held, rate):
    """Rare bookings and a small holdout: many holdouts have no booking at all, whose spread is none;
    the interval must still hold zero in 19 cases of 20 (Welch's alone called 35 % of these
    campaigns a success)."""
    rng = random.Random(5)
    runs = 1000
    called = sum(
        effect(_sums(_group(rng, sent, rate, 1)), _sums(_group(rng, held, rate, 1))).significant  # type: ignore[union-attr]
        for _ in range(runs)
    )
    assert called / runs <= 0.05


def test_fewer_than_thirty_held_out_are_too_few_to_tell():
    # five bookings of 180 sent, none of 20 held out: nothing can be said
    e = effect(Sums(180, 5, 5), Sums(20, 0, 0))
    assert e is not None and e.too_few and not e.significant
    one_each = effect(Sums(1, 1, 1), Sums(1, 0, 0))
    assert one_each is not None and one_each.too_few and not one_each.significant


def test_the_interval_narrows_as_the_groups_grow():
    rng = random.Random(3)
    small = effect(_sums(_group(rng, 500, 0.3, 4000)), _sums(_group(rng, 60, 0.2, 4000)))
    big = effect(_sums(_group(rng, 50000, 0.3, 4000)), _sums(_group(rng, 6000, 0.2, 4000)))
    assert small and big
    assert (big.high - big.low) / big.incremental < (small.high - small.low) / small.incremental


def test_nothing_is_said_of_an_empty_group_and_roi_needs_a_cost():
    assert effect(Sums(0, 0, 0), Sums(10, 5, 5)) is None
    assert roi(1000, 0) is None
    assert roi(3000, 1000) == 2.0


@given(st.lists(st.lists(st.integers(0, 5000), max_size=6), min_size=1, max_size=40))
def test_sums_moved_by_deltas_equal_sums_over_members(histories):
    """Each member's figure grows event by event; the group's sums move as the stream moves them."""
    total = squares = 0
    finals = []
    for deltas in histories:
        x = 0
        for d in deltas:
            total += d
            squares += 2 * x * d + d * d
            x += d
        finals.append(x)
    assert (total, squares) == (sum(finals), sum(v * v for v in finals))


@given(
    st.text(min_size=1, max_size=30),
    st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=50, unique=True),
    st.floats(0, 50),
)
def test_the_holdout_is_the_same_however_often_it_is_drawn(campaign, clients, percent):
    first = [in_holdout(campaign, c, percent) for c in clients]
    assert first == [in_holdout(campaign, c, percent) for c in clients]
    if percent == 0:
        assert not any(first)


def test_the_holdout_is_about_its_share_and_differs_between_campaigns():
    clients = [f"client-{n}" for n in range(20000)]
    a = {c for c in clients if in_holdout("camp-a", c, 10)}
    b = {c for c in clients if in_holdout("camp-b", c, 10)}
    assert 0.09 < len(a) / len(clients) < 0.11
    assert len(a & b) < 0.2 * len(a)  # not the same clients held out every time
