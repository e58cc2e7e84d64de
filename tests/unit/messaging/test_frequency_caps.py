"""Frequency caps over a sliding window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from regulars.messaging.rules.caps import cap_frees_at, within_cap

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


def days_ago(*days):
    return [NOW - timedelta(days=d) for d in days]


def test_under_the_cap_one_more_may_go():
    assert within_cap([], NOW, 2, WEEK)
    assert within_cap(days_ago(1), NOW, 2, WEEK)


def test_at_the_cap_nothing_more_goes():
    assert not within_cap(days_ago(1, 3), NOW, 2, WEEK)


def test_messages_older_than_the_window_do_not_count():
    assert within_cap(days_ago(1, 7, 30), NOW, 2, WEEK)  # exactly a week ago has left the window


def test_messages_already_queued_after_now_count():
    assert not within_cap([NOW + timedelta(hours=1), NOW - timedelta(days=1)], NOW, 2, WEEK)


def test_a_cap_of_zero_allows_nothing():
    assert not within_cap([], NOW, 0, WEEK)
    assert cap_frees_at([], NOW, 0, WEEK) is None


def test_the_window_must_be_positive():
    with pytest.raises(ValueError):
        within_cap([], NOW, 1, timedelta(0))


def test_cap_frees_when_the_oldest_counted_message_leaves_the_window():
    sent = days_ago(1, 3, 6)
    assert cap_frees_at(sent, NOW, 2, WEEK) == NOW - timedelta(days=3) + WEEK
    assert cap_frees_at(sent, NOW, 3, WEEK) == NOW - timedelta(days=6) + WEEK
    assert cap_frees_at(sent, NOW, 4, WEEK) == NOW


offsets = st.lists(st.integers(min_value=-20 * 24 * 60, max_value=2 * 24 * 60), max_size=12)


@given(
    offsets=offsets,
    cap=st.integers(min_value=0, max_value=6),
    hours=st.integers(min_value=1, max_value=24 * 14),
)
def test_cap_matches_a_count_and_frees_at_the_first_possible_instant(offsets, cap, hours):
    sent = [NOW + timedelta(minutes=m) for m in offsets]
    window = timedelta(hours=hours)
    counted = [t for t in sent if NOW - window < t]
    assert within_cap(sent, NOW, cap, window) == (len(counted) < cap)
    frees = cap_frees_at(sent, NOW, cap, window)
    if cap == 0:
        assert frees is None
        return
    assert frees >= NOW
    assert within_cap(sent, frees, cap, window)
    if frees > NOW:
        assert not within_cap(sent, frees - timedelta(microseconds=1), cap, window)
