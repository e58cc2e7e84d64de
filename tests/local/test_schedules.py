import threading
from datetime import UTC, datetime, timedelta

import pytest
from regulars_local.emulator.schedules import At, Cron, Rate, ScheduleTimer, entries, parse
from regulars_local.emulator.template import ScheduleSource

T0 = datetime(2026, 3, 2, 10, 7, 30, tzinfo=UTC)  # a Monday


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "period"),
    [
        ("rate(1 minute)", timedelta(minutes=1)),
        ("rate(5 minutes)", timedelta(minutes=5)),
        ("rate(1 hour)", timedelta(hours=1)),
        ("rate(12 hours)", timedelta(hours=12)),
        ("rate(2 days)", timedelta(days=2)),
    ],
)
def test_rate_parsing(expression, period):
    rate = parse(expression, T0)
    assert isinstance(rate, Rate)
    assert rate.period == period
    assert rate.anchor == at(2026, 3, 2, 10, 7)


@pytest.mark.parametrize(
    "expression",
    [
        "rate(1 minutes)",
        "rate(5 minute)",
        "rate(0 minutes)",
        "rate(5 weeks)",
        "rate(five minutes)",
        "rate()",
        "every(5 minutes)",
        "cron(* * * * *)",
        "cron(0 10 * * * *)",
        "cron(0 10 ? * ? *)",
        "cron(0 10 15W * ? *)",
        "cron(0 10 ? * 6#3 *)",
        "cron(61 10 * * ? *)",
        "cron(0 10 * FOO ? *)",
        "cron(0 5-2 * * ? *)",
        "at(tomorrow)",
    ],
)
def test_invalid_expressions(expression):
    with pytest.raises(ValueError):
        parse(expression, T0)


def test_rate_fires_on_its_grid_strictly_after():
    rate = parse("rate(5 minutes)", T0)
    assert rate.next_after(T0) == at(2026, 3, 2, 10, 12)
    assert rate.next_after(at(2026, 3, 2, 10, 12)) == at(2026, 3, 2, 10, 17)
    assert rate.next_after(at(2026, 3, 5, 0, 0, 1)) == at(2026, 3, 5, 0, 2)


def test_cron_every_day_at_a_time():
    cron = parse("cron(15 10 * * ? *)", T0)
    assert isinstance(cron, Cron)
    assert cron.next_after(T0) == at(2026, 3, 2, 10, 15)
    assert cron.next_after(at(2026, 3, 2, 10, 15)) == at(2026, 3, 3, 10, 15)


def test_cron_lists_ranges_and_steps():
    cron = parse("cron(0/20 8-9,17 * * ? *)", T0)
    assert cron.next_after(T0) == at(2026, 3, 2, 17, 0)
    assert cron.next_after(at(2026, 3, 2, 17, 40)) == at(2026, 3, 3, 8, 0)
    assert cron.next_after(at(2026, 3, 3, 8, 0)) == at(2026, 3, 3, 8, 20)


def test_cron_days_of_week_use_awss_numbering_and_names():
    weekdays = parse("cron(0 9 ? * MON-FRI *)", T0)
    assert weekdays.next_after(at(2026, 3, 6, 9, 0)) == at(2026, 3, 9, 9, 0)  # Friday -> Monday
    sunday = parse("cron(0 9 ? * 1 *)", T0)
    assert sunday.next_after(T0) == at(2026, 3, 8, 9, 0)


def test_cron_days_of_month_months_years_and_last_day():
    first = parse("cron(30 6 1 * ? *)", T0)
    assert first.next_after(T0) == at(2026, 4, 1, 6, 30)
    last = parse("cron(0 23 L FEB ? *)", T0)
    assert last.next_after(T0) == at(2027, 2, 28, 23, 0)
    past = parse("cron(0 0 1 1 ? 2020)", T0)
    assert past.next_after(T0) is None


def test_cron_in_a_time_zone():
    berlin = parse("cron(0 9 * * ? *)", T0, "Europe/Berlin")
    assert berlin.next_after(T0) == at(2026, 3, 3, 8, 0)  # 09:00 CET
    assert berlin.next_after(at(2026, 6, 1, 12, 0)) == at(2026, 6, 2, 7, 0)  # 09:00 CEST


def test_at_fires_once():
    once = parse("at(2026-03-02T11:00:00)", T0)
    assert isinstance(once, At)
    assert once.next_after(T0) == at(2026, 3, 2, 11, 0)
    assert once.next_after(at(2026, 3, 2, 11, 0)) is None


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def test_timer_fires_due_schedules_once_with_the_new_time():
    clock = Clock(T0)
    sources = [
        ScheduleSource("Ticker", "rate(1 minute)", event="Tick"),
        ScheduleSource("Nightly", "cron(0 2 * * ? *)", event="Night", kind="ScheduleV2"),
        ScheduleSource("Off", "rate(1 minute)", enabled=False, event="Off"),
        ScheduleSource("Custom", "rate(1 minute)", event="Custom", input='{"job": "x"}'),
    ]
    calls: list[tuple[str, dict]] = []
    timer = ScheduleTimer(
        entries(sources, T0, "stack", "us-east-1"), lambda f, e: calls.append((f, e)), clock, "us-east-1"
    )
    assert timer.fire_due() == []
    clock.now = T0 + timedelta(days=1)
    fired = timer.fire_due()
    assert sorted(f.function for f in fired) == ["Custom", "Nightly", "Ticker"]
    ticker_event = next(e for f, e in calls if f == "Ticker")
    assert ticker_event["detail-type"] == "Scheduled Event"
    assert ticker_event["source"] == "aws.events"
    assert ticker_event["time"] == "2026-03-03T10:07:30Z"
    assert ticker_event["resources"] == ["arn:aws:events:us-east-1:123456789012:rule/stack-TickerTick"]
    assert ticker_event["detail"] == {}
    nightly_event = next(e for f, e in calls if f == "Nightly")
    assert nightly_event["resources"][0].startswith("arn:aws:scheduler:us-east-1:123456789012:schedule/")
    assert next(e for f, e in calls if f == "Custom") == {"job": "x"}
    assert timer.fire_due() == []  # nothing is due twice
    clock.now += timedelta(minutes=1)
    assert sorted(f.function for f in timer.fire_due()) == ["Custom", "Ticker"]


def test_timer_keeps_going_when_a_function_fails():
    clock = Clock(T0)

    def invoke(function, event):
        raise RuntimeError("down")

    timer = ScheduleTimer(
        entries([ScheduleSource("T", "rate(1 minute)", event="E")], T0, "s", "us-east-1"),
        invoke,
        clock,
        "us-east-1",
    )
    clock.now += timedelta(minutes=2)
    (fired,) = timer.fire_due()
    assert fired.ok is False
    clock.now += timedelta(minutes=1)
    assert len(timer.fire_due()) == 1


def test_the_ticker_fires_at_once_when_asked_and_nothing_fires_while_the_timer_is_held():
    """What keeping the settled demo uses: a tick now, then a copy of the table no tick interrupts."""
    clock = Clock(T0)
    sources = [
        ScheduleSource("Ticker", "rate(1 minute)", event="Tick"),
        ScheduleSource("Nightly", "cron(0 2 * * ? *)", event="Night", kind="ScheduleV2"),
    ]
    calls: list[str] = []
    timer = ScheduleTimer(
        entries(sources, T0, "s", "us-east-1"), lambda f, e: calls.append(f), clock, "us-east-1"
    )
    next_fires = [e.next_fire for e in timer.entries]
    assert [f.function for f in timer.fire_frequent()] == ["Ticker"]
    assert calls == ["Ticker"] and [e.next_fire for e in timer.entries] == next_fires

    clock.now = T0 + timedelta(days=1)
    fired: list[list] = []
    with timer.held():
        other = threading.Thread(target=lambda: fired.append(timer.fire_due()))
        other.start()
        other.join(timeout=0.3)
        assert other.is_alive() and calls == ["Ticker"]  # waits for the hold to end
    other.join(timeout=5)
    assert sorted(f.function for f in fired[0]) == ["Nightly", "Ticker"]
