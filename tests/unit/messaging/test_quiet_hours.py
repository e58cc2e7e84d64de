"""Quiet hours: examples around midnight and on days the clocks change, and the invariants."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from regulars.messaging.rules.quiet_hours import QuietHours, edge_before, is_quiet, next_allowed

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
NIGHT = QuietHours.parse("21:00-09:00")
TCPA = QuietHours.parse("21:00-08:00")


# Arithmetic and ordering between two datetimes that share a ZoneInfo use wall time; the tests
# compare instants in UTC where it matters.


def berlin(*args, fold=0):
    return datetime(*args, tzinfo=BERLIN, fold=fold)


def new_york(*args, fold=0):
    return datetime(*args, tzinfo=NEW_YORK, fold=fold)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "allowed"),
    [
        (berlin(2026, 6, 10, 20, 59), berlin(2026, 6, 10, 20, 59)),
        (berlin(2026, 6, 10, 21, 0), berlin(2026, 6, 11, 9, 0)),
        (berlin(2026, 6, 10, 23, 59, 59), berlin(2026, 6, 11, 9, 0)),
        (berlin(2026, 6, 11, 0, 0), berlin(2026, 6, 11, 9, 0)),
        (berlin(2026, 6, 11, 8, 59, 59, 999999), berlin(2026, 6, 11, 9, 0)),
        (berlin(2026, 6, 11, 9, 0), berlin(2026, 6, 11, 9, 0)),
        (berlin(2026, 6, 11, 12, 0), berlin(2026, 6, 11, 12, 0)),
    ],
)
def test_next_allowed_around_midnight(at, allowed):
    assert next_allowed(at, NIGHT, BERLIN) == allowed


@pytest.mark.parametrize(
    ("at", "edge"),
    [
        (berlin(2026, 6, 10, 20, 0), berlin(2026, 6, 10, 20, 0)),
        (berlin(2026, 6, 10, 21, 0), berlin(2026, 6, 10, 20, 59)),
        (berlin(2026, 6, 10, 23, 30), berlin(2026, 6, 10, 20, 59)),
        (berlin(2026, 6, 11, 8, 0), berlin(2026, 6, 10, 20, 59)),
        (berlin(2026, 6, 11, 9, 0), berlin(2026, 6, 11, 9, 0)),
    ],
)
def test_edge_before_around_midnight(at, edge):
    assert edge_before(at, NIGHT, BERLIN) == edge


def test_edge_margin_is_configurable():
    at = berlin(2026, 6, 11, 7, 30)
    assert edge_before(at, NIGHT, BERLIN, margin=timedelta(minutes=15)) == berlin(2026, 6, 10, 20, 45)
    assert edge_before(at, NIGHT, BERLIN, margin=timedelta(microseconds=1)) == berlin(
        2026, 6, 10, 20, 59, 59, 999999
    )
    with pytest.raises(ValueError, match="positive"):
        edge_before(at, NIGHT, BERLIN, margin=timedelta(0))


def test_a_margin_longer_than_the_allowed_day_finds_no_edge():
    assert edge_before(berlin(2026, 6, 11, 7, 30), NIGHT, BERLIN, margin=timedelta(hours=13)) is None


def test_spring_forward_night_in_berlin_is_an_hour_shorter():
    # 2026-03-29: 02:00 CET -> 03:00 CEST
    at = berlin(2026, 3, 28, 22, 0)
    assert next_allowed(at, NIGHT, BERLIN) == utc(2026, 3, 29, 7, 0)  # 09:00 CEST
    assert next_allowed(at, NIGHT, BERLIN).astimezone(UTC) - at.astimezone(UTC) == timedelta(hours=10)
    assert edge_before(berlin(2026, 3, 29, 8, 0), NIGHT, BERLIN) == utc(2026, 3, 28, 19, 59)  # 20:59 CET


def test_a_window_edge_in_the_spring_gap_moves_forward():
    early = QuietHours.parse("02:30-06:00")  # 02:30 does not exist on 2026-03-29 in Berlin
    assert not is_quiet(utc(2026, 3, 29, 1, 0), early, BERLIN)  # 03:00 CEST
    assert is_quiet(utc(2026, 3, 29, 1, 30), early, BERLIN)  # 03:30 CEST
    assert next_allowed(utc(2026, 3, 29, 1, 45), early, BERLIN) == utc(2026, 3, 29, 4, 0)  # 06:00 CEST
    assert edge_before(utc(2026, 3, 29, 1, 45), early, BERLIN) == utc(2026, 3, 29, 1, 29)  # 03:29 CEST


def test_fall_back_night_in_berlin_covers_both_passes_of_the_repeated_hour():
    # 2026-10-25: 03:00 CEST -> 02:00 CET; 02:30 happens twice
    window = QuietHours.parse("22:00-08:00")
    first, second = berlin(2026, 10, 25, 2, 30, fold=0), berlin(2026, 10, 25, 2, 30, fold=1)
    assert second.astimezone(UTC) - first.astimezone(UTC) == timedelta(hours=1)
    for at in (first, second):
        assert is_quiet(at, window, BERLIN)
        assert next_allowed(at, window, BERLIN) == utc(2026, 10, 25, 7, 0)  # 08:00 CET
        assert edge_before(at, window, BERLIN) == utc(2026, 10, 24, 19, 59)  # 21:59 CEST
    evening = berlin(2026, 10, 24, 22, 0).astimezone(UTC)
    assert next_allowed(evening, window, BERLIN) - evening == timedelta(hours=11)


def test_tcpa_window_in_new_york_on_both_change_days():
    # 2026-03-08 spring forward, 2026-11-01 fall back, both at 02:00 local
    assert next_allowed(new_york(2026, 3, 8, 1, 30), TCPA, NEW_YORK) == utc(2026, 3, 8, 12, 0)  # 08:00 EDT
    assert next_allowed(new_york(2026, 11, 1, 1, 30, fold=1), TCPA, NEW_YORK) == utc(
        2026, 11, 1, 13, 0
    )  # 08:00 EST
    assert edge_before(new_york(2026, 11, 1, 7, 0), TCPA, NEW_YORK) == utc(
        2026, 11, 1, 0, 59
    )  # 20:59 EDT, Oct 31
    assert next_allowed(new_york(2026, 3, 7, 20, 0), TCPA, NEW_YORK) == new_york(2026, 3, 7, 20, 0)


def test_a_window_entirely_inside_the_spring_gap_vanishes_that_day():
    window = QuietHours.parse("02:00-03:00")
    assert not is_quiet(utc(2026, 3, 8, 7, 0), window, NEW_YORK)  # 03:00 EDT, the gap's end
    assert is_quiet(new_york(2026, 3, 9, 2, 30), window, NEW_YORK)


def test_a_window_ending_at_midnight():
    window = QuietHours.parse("21:00-24:00")
    assert next_allowed(berlin(2026, 6, 10, 23, 59), window, BERLIN) == berlin(2026, 6, 11, 0, 0)
    assert not is_quiet(berlin(2026, 6, 11, 0, 0), window, BERLIN)
    assert not is_quiet(berlin(2026, 6, 11, 20, 59), window, BERLIN)


def test_a_window_of_zero_length_is_no_quiet_hours():
    window = QuietHours.parse("09:00-09:00")
    assert window.is_empty
    for hour in range(24):
        at = berlin(2026, 6, 10, hour, 0)
        assert not is_quiet(at, window, BERLIN)
        assert next_allowed(at, window, BERLIN) == at
        assert edge_before(at, window, BERLIN) == at


def test_a_full_day_window_never_allows():
    window = QuietHours.parse("00:00-24:00")
    assert window.is_full_day
    at = berlin(2026, 3, 29, 2, 30)
    assert is_quiet(at, window, BERLIN)
    assert is_quiet(berlin(2026, 6, 10, 23, 59, 59), window, BERLIN)
    assert next_allowed(at, window, BERLIN) is None
    assert edge_before(at, window, BERLIN) is None


def test_time_zone_may_be_given_by_name_and_the_result_keeps_the_callers_zone():
    at = utc(2026, 6, 10, 20, 0)  # 22:00 in Berlin
    result = next_allowed(at, NIGHT, "Europe/Berlin")
    assert result == utc(2026, 6, 11, 7, 0)
    assert result.tzinfo is UTC


@pytest.mark.parametrize("text", ["24:00-08:00", "21:00", "9-10", "21:00-25:00", "21:60-08:00", ""])
def test_malformed_windows_are_refused(text):
    with pytest.raises((ValueError, ValidationError)):
        QuietHours.parse(text)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        next_allowed(datetime(2026, 6, 10, 22, 0), NIGHT, BERLIN)


ZONES = [
    BERLIN,
    NEW_YORK,
    ZoneInfo("Australia/Sydney"),
    ZoneInfo("America/Santiago"),
    ZoneInfo("Asia/Kolkata"),
    ZoneInfo("Australia/Lord_Howe"),
    ZoneInfo("UTC"),
]
HHMM = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 23), st.sampled_from([0, 15, 30, 45, 59]))


@st.composite
def windows(draw):
    start = draw(HHMM)
    end = draw(st.one_of(HHMM, st.just("24:00")))
    return QuietHours(start=start, end=end)


instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
)
# instants close to the days the clocks change, where the interesting cases are
near_changes = st.builds(
    lambda base, minutes: base + timedelta(minutes=minutes),
    st.sampled_from(
        [
            utc(2026, 3, 29, 0, 0),
            utc(2026, 10, 25, 0, 0),
            utc(2026, 3, 8, 6, 0),
            utc(2026, 11, 1, 5, 0),
            utc(2026, 4, 5, 0, 0),
            utc(2026, 9, 6, 3, 0),
        ]
    ),
    st.integers(-36 * 60, 36 * 60),
)


@settings(max_examples=400, deadline=None)
@given(at=st.one_of(instants, near_changes), window=windows(), tz=st.sampled_from(ZONES))
def test_next_allowed_properties(at, window, tz):
    result = next_allowed(at, window, tz)
    assume(result is not None)
    assert result >= at
    assert not is_quiet(result, window, tz)
    assert next_allowed(result, window, tz) == result
    if not is_quiet(at, window, tz):
        assert result == at
    else:
        # nothing earlier after at is allowed: the instant just before the result is quiet
        assert is_quiet(result - timedelta(microseconds=1), window, tz)


@settings(max_examples=400, deadline=None)
@given(
    at=st.one_of(instants, near_changes),
    window=windows(),
    tz=st.sampled_from(ZONES),
    margin=st.sampled_from([timedelta(minutes=1), timedelta(seconds=1), timedelta(minutes=30)]),
)
def test_edge_before_properties(at, window, tz, margin):
    result = edge_before(at, window, tz, margin=margin)
    assume(result is not None)
    assert result <= at
    assert not is_quiet(result, window, tz)
    assert edge_before(result, window, tz, margin=margin) == result
    if not is_quiet(at, window, tz):
        assert result == at
    else:
        assert is_quiet(result + margin, window, tz)


@settings(max_examples=100, deadline=None)
@given(at=instants, window=windows(), tz=st.sampled_from(ZONES))
def test_only_a_full_day_window_has_no_answer(at, window, tz):
    assert (next_allowed(at, window, tz) is None) == window.is_full_day
