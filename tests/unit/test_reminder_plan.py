"""When a visit's reminders go: a day before is the same time on the salon's clock the day before,
across a change of the clocks too, and a reminder in the quiet hours goes at their edge before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from regulars.booking.reminders import plan
from regulars.core import appointments as m
from regulars.core.money import Money
from regulars.salon.model import SalonSettings

BERLIN = ZoneInfo("Europe/Berlin")


def visit(local: datetime) -> m.Appointment:
    start = local.replace(tzinfo=BERLIN).astimezone(UTC)
    booked = start - timedelta(days=20)
    return m.Appointment(
        id="a1",
        salon_id="demo",
        client_id="c1",
        staff_id="anna",
        service_id="haircut",
        start=start,
        end=start + timedelta(hours=1),
        status=m.AppointmentStatus.BOOKED,
        price=Money(amount=4500, currency="EUR"),
        source=m.Source.WIDGET,
        created_at=booked,
        updated_at=booked,
        version=1,
    )


def when(local: datetime, offsets: list[int]) -> list[tuple[str, bool]]:
    rules = SalonSettings(reminder_offsets_minutes=offsets)  # quiet hours 21:00-09:00, confirm at a day
    a = visit(local)
    return [
        (r.due_at.astimezone(BERLIN).strftime("%a %Y-%m-%d %H:%M"), r.confirm)
        for r in plan(a, rules, a.created_at, "Europe/Berlin")
    ]


@pytest.mark.parametrize(
    ("start", "day_before"),
    [
        (datetime(2027, 3, 21, 9, 30), "Sat 2027-03-20 09:30"),  # an ordinary Sunday
        (datetime(2027, 3, 28, 9, 30), "Sat 2027-03-27 09:30"),  # the clocks go forward in the night
        (datetime(2027, 10, 31, 9, 30), "Sat 2027-10-30 09:30"),  # the clocks go back in the night
        (datetime(2027, 3, 29, 9, 30), "Sun 2027-03-28 09:30"),  # the day before is the change's day
    ],
)
def test_a_day_before_is_the_same_time_the_day_before_whatever_the_clocks_do(start, day_before):
    # two hours before 09:30 is 07:30, in the night's quiet hours: the evening before, at their edge
    evening_before = (start - timedelta(days=1)).strftime("%a %Y-%m-%d") + " 20:59"
    assert when(start, [24 * 60, 120]) == [(day_before, True), (evening_before, False)]


def test_days_and_minutes_together_and_a_reminder_in_the_quiet_hours():
    # 25 hours before a 10:00 visit on the spring change's Sunday: 09:00 on Saturday, on its clock
    assert when(datetime(2027, 3, 28, 10, 0), [25 * 60]) == [("Sat 2027-03-27 09:00", False)]
    # a day before a visit at 08:00 is in the quiet hours: the evening before that, at their edge
    assert when(datetime(2027, 3, 28, 8, 0), [24 * 60]) == [("Fri 2027-03-26 20:59", True)]


def test_within_a_day_the_minutes_are_real_ones_in_the_repeated_hour_too():
    from regulars.core.schedule import before_on_the_clock

    # 02:30 the second time on the night the clocks go back (01:30 UTC): two hours before is 23:30 UTC
    second = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)
    assert before_on_the_clock(second, 120, BERLIN) == datetime(2027, 10, 30, 23, 30, tzinfo=UTC)
