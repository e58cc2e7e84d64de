"""Segment conditions (pure): quintiles split the visited clients into five ordered parts, every
condition narrows, and an erased client is in no segment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError
from regulars.campaigns.segments import Profile, Ranking, SegmentFilter, select

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
TZ = ZoneInfo("Europe/Berlin")

profiles = st.lists(
    st.builds(
        Profile,
        client_id=st.uuids().map(str),
        name=st.just("x"),
        locale=st.just("en"),
        visits=st.integers(0, 40),
        total_spent=st.integers(0, 200_000),
        last_visit_at=st.one_of(st.none(), st.integers(0, 900).map(lambda d: NOW - timedelta(days=d))),
        lifecycle=st.sampled_from(["new", "active", "at_risk", "lapsed", "lost", "won_back"]),
        birthday=st.one_of(st.none(), st.dates(date(1950, 1, 1), date(2008, 12, 31))),
        erased=st.booleans(),
    ),
    max_size=60,
    unique_by=lambda p: p.client_id,
)


@given(profiles)
def test_each_score_splits_the_visited_clients_into_five_ordered_parts(population):
    visited = {p.client_id for p in population if p.visits > 0 and p.last_visit_at and not p.erased}
    for name in ("recency_scores", "frequency_scores", "monetary_scores"):
        parts = [
            {p.client_id for p in select(SegmentFilter(**{name: [s]}), population, NOW, TZ)}
            for s in range(1, 6)
        ]
        assert set().union(*parts) == visited
        assert sum(len(x) for x in parts) == len(visited)
    ranking = Ranking(population, NOW)
    spenders = sorted(
        (p for p in population if p.visits > 0 and p.last_visit_at), key=lambda p: p.total_spent
    )
    scores = [ranking.of(p).monetary for p in spenders]
    assert scores == sorted(scores)  # more spend never scores lower


@given(profiles, st.integers(0, 40), st.sampled_from(["at_risk", "lapsed"]), st.integers(1, 12))
def test_every_condition_narrows_and_the_erased_are_never_in(population, visits, status, month):
    everyone = select(SegmentFilter(), population, NOW, TZ)
    assert {p.client_id for p in everyone} == {p.client_id for p in population if not p.erased}
    f = SegmentFilter(visits_min=visits, lifecycle=[status], birthday_months=[month])
    chosen = select(f, population, NOW, TZ)
    assert all(
        p.visits >= visits and p.lifecycle == status and p.birthday and p.birthday.month == month
        for p in chosen
    )
    assert len(chosen) == sum(
        1
        for p in population
        if not p.erased
        and p.visits >= visits
        and p.lifecycle == status
        and p.birthday is not None
        and p.birthday.month == month
    )


def test_a_range_upside_down_is_refused_with_its_field():
    with pytest.raises(ValidationError, match="visits_min must not be above visits_max"):
        SegmentFilter(visits_min=5, visits_max=2)
    with pytest.raises(ValidationError):
        SegmentFilter(recency_scores=[6])
