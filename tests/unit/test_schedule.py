"""Free start times: properties that hold for any working pattern and any bookings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st
from regulars.core.schedule import Interval, WorkingPattern, cells, free_starts, local_instant

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
FAR_PAST = datetime(2000, 1, 1, tzinfo=UTC)


def pattern(hours=(("09:00", "18:00"),), breaks=(("13:00", "14:00"),), days_off=()):
    week = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    return WorkingPattern(
        {d: list(hours) for d in week}, {d: list(breaks) for d in week}, frozenset(days_off)
    )


minutes = st.integers(min_value=0, max_value=24 * 12 - 1).map(lambda n: n * 5)


@st.composite
def busy_intervals(draw, day: date, tz: ZoneInfo):
    out = []
    for _ in range(draw(st.integers(0, 6))):
        start = local_instant(day, time(0, 0), tz) + timedelta(minutes=draw(minutes))
        out.append(Interval(start, start + timedelta(minutes=draw(st.sampled_from([15, 30, 45, 60, 90])))))
    return out


@settings(max_examples=150, deadline=None)
@given(
    day=st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)),
    duration=st.sampled_from([15, 20, 30, 45, 60, 90, 120]),
    step=st.sampled_from([5, 10, 15, 30]),
    tz=st.sampled_from([BERLIN, NEW_YORK, ZoneInfo("Asia/Tokyo")]),
    data=st.data(),
)
def test_every_free_start_fits_hours_and_avoids_breaks_and_bookings(day, duration, step, tz, data):
    busy = data.draw(busy_intervals(day, tz))
    starts = free_starts(
        day=day,
        tz=tz,
        pattern=pattern(),
        busy=busy,
        duration=timedelta(minutes=duration),
        step=timedelta(minutes=step),
        earliest=FAR_PAST,
    )
    work = Interval(local_instant(day, time(9), tz), local_instant(day, time(18), tz))
    lunch = Interval(local_instant(day, time(13), tz), local_instant(day, time(14), tz))
    for s in starts:
        visit = Interval(s, s + timedelta(minutes=duration))
        assert work.start <= visit.start and visit.end <= work.end
        assert not visit.overlaps(lunch)
        assert not any(visit.overlaps(b) for b in busy)
        assert (s - work.start) % timedelta(minutes=step) == timedelta(0)
    assert starts == sorted(set(starts))


@settings(max_examples=100, deadline=None)
@given(
    day=st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)),
    duration=st.sampled_from([15, 30, 60]),
)
def test_with_nothing_booked_every_grid_start_that_fits_is_offered(day, duration):
    starts = free_starts(
        day=day,
        tz=BERLIN,
        pattern=pattern(breaks=()),
        busy=[],
        duration=timedelta(minutes=duration),
        step=timedelta(minutes=15),
        earliest=FAR_PAST,
    )
    assert len(starts) == (9 * 60 - duration) // 15 + 1


def test_days_off_and_minimum_notice():
    day = date(2026, 11, 24)
    assert (
        free_starts(
            day=day,
            tz=BERLIN,
            pattern=pattern(days_off=[day]),
            busy=[],
            duration=timedelta(hours=1),
            step=timedelta(minutes=15),
            earliest=FAR_PAST,
        )
        == []
    )
    earliest = datetime(2026, 11, 24, 10, 1, tzinfo=UTC)  # 11:01 in Berlin
    starts = free_starts(
        day=day,
        tz=BERLIN,
        pattern=pattern(),
        busy=[],
        duration=timedelta(hours=1),
        step=timedelta(minutes=15),
        earliest=earliest,
    )
    assert starts[0] == datetime(2026, 11, 24, 10, 15, tzinfo=UTC)


def test_working_hours_across_the_spring_gap_have_the_real_length():
    day = date(2027, 3, 28)  # Berlin: 02:00 -> 03:00
    night = pattern(hours=(("01:00", "05:00"),), breaks=())
    starts = free_starts(
        day=day,
        tz=BERLIN,
        pattern=night,
        busy=[],
        duration=timedelta(hours=1),
        step=timedelta(hours=1),
        earliest=FAR_PAST,
    )
    # 01:00 CET is 00:00Z, 05:00 CEST is 03:00Z: three real hours, three one-hour visits
    assert starts == [datetime(2027, 3, 28, h, tzinfo=UTC) for h in (0, 1, 2)]


def test_a_wall_time_in_the_gap_moves_forward():
    assert local_instant(date(2027, 3, 28), time(2, 30), BERLIN) == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)


def test_cells_cover_a_visit():
    start = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert len(cells(start, start + timedelta(minutes=60))) == 12
    assert len(cells(start, start + timedelta(minutes=61))) == 13
    assert cells(start, start + timedelta(minutes=5)) == [start]
