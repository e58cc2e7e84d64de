"""Which waiting client a freed time suits: days or weekdays, parts of the day in the salon's time,
staff, the last day an entry lives, and whether a freed time can still be offered."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from regulars.waitlist.rules import PartOfDay, Wish, last_day, offerable

BERLIN = ZoneInfo("Europe/Berlin")
TUESDAY = date(2026, 11, 24)


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=BERLIN)


def wish(**kw) -> Wish:
    base = {"service_id": "haircut", "days": (), "weekdays": (), "parts": tuple(PartOfDay), "staff_ids": ()}
    return Wish(**(base | kw))


@pytest.mark.parametrize(
    ("hh", "mm", "part"),
    [(0, 0, "morning"), (11, 55, "morning"), (12, 0, "afternoon"), (16, 59, "afternoon"), (17, 0, "evening")],
)
def test_parts_of_the_day_have_their_edges_at_noon_and_five(hh, mm, part):
    assert PartOfDay.of(time(hh, mm)) is PartOfDay(part)


def test_a_date_or_a_weekday_matches_and_the_local_day_counts_not_the_utc_one():
    by_date = wish(days=(TUESDAY,))
    assert by_date.matches(at(TUESDAY, 10), "anna", BERLIN)
    assert not by_date.matches(at(TUESDAY + timedelta(days=7), 10), "anna", BERLIN)
    by_weekday = wish(weekdays=(2,))  # every Tuesday
    assert by_weekday.matches(at(TUESDAY + timedelta(days=7), 10), "anna", BERLIN)
    assert not by_weekday.matches(at(TUESDAY + timedelta(days=1), 10), "anna", BERLIN)
    # 00:30 on Wednesday in Berlin is still Tuesday in UTC: Wednesday is what the client sees
    late = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)
    assert not by_date.matches(late, "anna", BERLIN)
    assert wish(days=(TUESDAY + timedelta(days=1),)).matches(late, "anna", BERLIN)


def test_parts_and_staff_narrow_the_match():
    mornings = wish(days=(TUESDAY,), parts=(PartOfDay.MORNING,))
    assert mornings.matches(at(TUESDAY, 9), "anna", BERLIN)
    assert not mornings.matches(at(TUESDAY, 12), "anna", BERLIN)
    with_marta = wish(days=(TUESDAY,), staff_ids=("marta",))
    assert with_marta.matches(at(TUESDAY, 9), "marta", BERLIN)
    assert not with_marta.matches(at(TUESDAY, 9), "anna", BERLIN)
    assert wish(days=(TUESDAY,)).matches(at(TUESDAY, 9), "anyone-at-all", BERLIN)


def test_an_entry_lives_to_its_last_date_or_with_weekdays_to_the_booking_horizon():
    today = date(2026, 11, 23)
    assert last_day(wish(days=(TUESDAY, today)), today, 60) == TUESDAY
    assert last_day(wish(weekdays=(1,)), today, 60) == today + timedelta(days=60)
    assert last_day(wish(days=(today + timedelta(days=90),), weekdays=(1,)), today, 60) == today + timedelta(
        days=90
    )


def test_a_freed_time_is_offered_only_if_an_answer_at_the_holds_end_can_still_book_it():
    now = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
    rules = {"notice": timedelta(minutes=60), "hold": timedelta(minutes=15), "horizon": timedelta(days=60)}
    assert offerable(now + timedelta(minutes=75), now, **rules)
    assert not offerable(now + timedelta(minutes=74), now, **rules)
    assert not offerable(now + timedelta(days=61), now, **rules)


# ------------------------------------------------------------------ the time a visit's change frees
def _visit_of_three(start: datetime):
    from regulars.core import appointments as m
    from regulars.core.money import Money

    eur = Money(amount=1000, currency="EUR")
    parts = [("cut", "anna", 0, 45), ("colour", "anna", 45, 105), ("nails", "marta", 105, 135)]
    segments = [
        m.Segment(
            service_id=s,
            staff_id=who,
            start=start + timedelta(minutes=a),
            end=start + timedelta(minutes=b),
            price=eur,
        )
        for s, who, a, b in parts
    ]
    return m.Appointment(
        id="v1",
        salon_id="s",
        client_id="c",
        staff_id="anna",
        service_id="cut",
        start=start,
        end=segments[-1].end,
        status=m.AppointmentStatus.CANCELLED,
        price=Money(amount=3000, currency="EUR"),
        source=m.Source.WIDGET,
        created_at=start - timedelta(days=3),
        updated_at=start - timedelta(days=1),
        segments=segments,
        version=3,
    )


def test_a_visit_of_several_services_frees_each_staff_members_own_part():
    from regulars.core.events import AppointmentEvent, EventType
    from regulars.waitlist.service import freed_spans, opening_id_of

    start = at(TUESDAY, 10)
    visit = _visit_of_three(start)
    cancelled = AppointmentEvent(type=EventType.CANCELLED, event_id="e1", salon_id="s", appointment=visit)
    assert freed_spans(cancelled) == [
        ("anna", start, start + timedelta(minutes=105)),  # her two services back to back: one time
        ("marta", start + timedelta(minutes=105), start + timedelta(minutes=135)),
    ]
    assert [opening_id_of(cancelled, i) for i in range(2)] == ["v1-3", "v1-3-1"]

    later = visit.model_copy(
        update={
            "start": start + timedelta(hours=3),
            "end": visit.end + timedelta(hours=3),
            "segments": [
                s.model_copy(
                    update={"start": s.start + timedelta(hours=3), "end": s.end + timedelta(hours=3)}
                )
                for s in visit.segments
            ],
            "status": visit.status.BOOKED,
        }
    )
    moved = AppointmentEvent(
        type=EventType.MOVED, event_id="e2", salon_id="s", appointment=later, previous_start=start
    )
    assert freed_spans(moved) == freed_spans(cancelled)  # where it was
