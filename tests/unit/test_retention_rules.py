"""Cadence, lifecycle status and joining rules: worked examples and the invariants behind them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from regulars.retention import rules
from regulars.retention.rules import STAGE, Booking, Complaint, Intervals, Rules, Status, Visit

T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
DAY = timedelta(days=1)
RULES = Rules()
INTERVALS = Intervals(
    days={"manicure": 21, "haircut": 28, "pedicure": 35, "massage": None},
    names={"manicure": "Manicure", "haircut": "Haircut", "pedicure": "Pedicure"},
)


def every(days: float, times: int, service: str = "manicure", start: datetime = T0) -> list[Visit]:
    return [Visit(start + i * timedelta(days=days), service, "anna") for i in range(times)]


# --- worked examples ------------------------------------------------------------------------------
def test_the_reason_is_said_in_words():
    visits = every(21, 4)
    now = visits[-1].at + 34 * DAY
    seen = rules.assess(visits, now=now, rules=RULES, intervals=INTERVALS)
    assert seen.status is Status.AT_RISK
    assert seen.reason == "usually every 21 days; 34 days since the last visit"
    assert seen.since == visits[-1].at + 31.5 * DAY and seen.next_check_at == visits[-1].at + 90 * DAY


def test_a_newer_client_is_judged_by_the_service_interval():
    visits = every(10, 2)  # two visits: not enough for a cadence of their own
    seen = rules.assess(visits, now=visits[-1].at + 32 * DAY, rules=RULES, intervals=INTERVALS)
    assert seen.status is Status.AT_RISK
    assert seen.reason == "Manicure is due every 21 days; 32 days since the last visit"
    assert (
        rules.assess(visits, now=visits[-1].at + 31 * DAY, rules=RULES, intervals=INTERVALS).status
        is Status.ACTIVE
    )


def test_lapsed_lost_and_won_back():
    visits = every(30, 4)
    last = visits[-1].at
    assert rules.assess(visits, now=last + 90 * DAY, rules=RULES, intervals=INTERVALS).status is Status.LAPSED
    lost = rules.assess(visits, now=last + 200 * DAY, rules=RULES, intervals=INTERVALS)
    assert lost.status is Status.LOST and lost.reason == "no visit for 200 days (lost after 180 days)"
    assert lost.next_check_at is None
    booked = Booking(start=last + 210 * DAY, booked_at=last + 200 * DAY)
    back = rules.assess(visits, now=last + 200 * DAY, rules=RULES, intervals=INTERVALS, booking=booked)
    assert back.status is Status.WON_BACK and back.reason.startswith("back after 200 days away")
    came = [*visits, Visit(last + 210 * DAY, "manicure", "anna", booked_at=last + 200 * DAY)]
    assert (
        rules.assess(came, now=last + 220 * DAY, rules=RULES, intervals=INTERVALS).status is Status.WON_BACK
    )
    again = [*came, Visit(last + 250 * DAY, "manicure", "anna", booked_at=last + 245 * DAY)]
    assert (
        rules.assess(again, now=last + 289 * DAY, rules=RULES, intervals=INTERVALS).status is Status.WON_BACK
    )
    assert rules.assess(again, now=last + 292 * DAY, rules=RULES, intervals=INTERVALS).status is Status.ACTIVE


def test_a_booking_keeps_a_client_out_of_risk_and_an_unhappy_rating_puts_them_in():
    visits = every(21, 4)
    now = visits[-1].at + 60 * DAY
    booked = Booking(start=now + 3 * DAY, booked_at=now - DAY)
    assert (
        rules.assess(visits, now=now, rules=RULES, intervals=INTERVALS, booking=booked).status
        is Status.ACTIVE
    )
    complaint = Complaint(visits[-1].at + DAY, "rated a visit 2/5: too long a wait")
    seen = rules.assess(
        visits, now=visits[-1].at + 2 * DAY, rules=RULES, intervals=INTERVALS, complaint=complaint
    )
    assert (seen.status, seen.reason) == (Status.AT_RISK, "rated a visit 2/5: too long a wait")
    again = [*visits, Visit(visits[-1].at + 20 * DAY, "manicure")]  # a visit after the rating: forgiven
    assert (
        rules.assess(
            again, now=again[-1].at + DAY, rules=RULES, intervals=INTERVALS, complaint=complaint
        ).status
        is Status.ACTIVE
    )


def test_one_sitting_counts_once_for_the_cadence():
    visits = [v for t in every(21, 4) for v in (t, Visit(t.at + timedelta(hours=1), "pedicure"))]
    assert rules.cadence(visits, INTERVALS, RULES).days == 21


def test_own_interval_per_service_after_three_visits():
    assert rules.service_interval(every(18, 2), "manicure", INTERVALS, RULES).interval_days == 21
    due = rules.service_interval(every(18, 3), "manicure", INTERVALS, RULES)
    assert (due.interval_days, due.own, due.due_at) == (18, True, T0 + 54 * DAY)
    assert rules.service_interval(every(40, 2, "massage"), "massage", INTERVALS, RULES) is None


def test_services_due_together_are_joined_and_each_is_invited_once_per_visit():
    visits = sorted(
        [
            *every(21, 1, "manicure"),
            *every(35, 1, "pedicure", start=T0 - 12 * DAY),
            *every(28, 1, "haircut", start=T0 + 10 * DAY),
        ],
        key=lambda v: v.at,
    )
    due = rules.due_services(
        visits, trigger="manicure", intervals=INTERVALS, rules=RULES, invited={}, join_days=4
    )
    assert [d.service_id for d in due] == ["manicure", "pedicure"]  # pedicure due 2 days later; haircut 17
    invited = {"pedicure": T0 + 21 * DAY}
    due = rules.due_services(
        visits, trigger="manicure", intervals=INTERVALS, rules=RULES, invited=invited, join_days=4
    )
    assert [d.service_id for d in due] == ["manicure"]
    assert (
        rules.due_services(
            visits, trigger="pedicure", intervals=INTERVALS, rules=RULES, invited=invited, join_days=4
        )
        == []
    )


def test_lapses_between_visits_and_since_the_last():
    visits = [
        Visit(T0, "manicure"),
        Visit(T0 + 100 * DAY, "manicure", booked_at=T0 + 95 * DAY),
        Visit(T0 + 120 * DAY, "manicure", booked_at=T0 + 60 * DAY),
    ]
    found = rules.lapses(visits, now=T0 + 400 * DAY, rules=RULES)
    assert [(lp.kind, lp.at, lp.after.at) for lp in found] == [
        ("lapsed", T0 + 90 * DAY, T0),
        ("lapsed", T0 + 210 * DAY, T0 + 120 * DAY),
        ("lost", T0 + 300 * DAY, T0 + 120 * DAY),
    ]


# --- invariants -------------------------------------------------------------------------------------
SERVICES = st.sampled_from(["manicure", "haircut", "pedicure", "massage"])


@st.composite
def histories(draw) -> list[Visit]:
    gaps = draw(st.lists(st.floats(min_value=0.2, max_value=200), min_size=0, max_size=12))
    at, out = T0, []
    for gap in [0.0, *gaps]:
        at += timedelta(days=gap)
        lead = draw(st.floats(min_value=0, max_value=60))
        out.append(Visit(at, draw(SERVICES), "anna", booked_at=at - timedelta(days=lead)))
    return out


AFTER = st.floats(min_value=0, max_value=500)


@settings(max_examples=300, deadline=None)
@given(histories(), AFTER, AFTER)
def test_time_alone_only_moves_a_client_further_out(visits, a, b):
    last = visits[-1].at
    early, late = sorted((a, b))
    s1 = rules.assess(visits, now=last + timedelta(days=early), rules=RULES, intervals=INTERVALS)
    s2 = rules.assess(visits, now=last + timedelta(days=late), rules=RULES, intervals=INTERVALS)
    assert STAGE[s1.status] <= STAGE[s2.status]


@settings(max_examples=300, deadline=None)
@given(histories(), AFTER)
def test_the_status_holds_until_the_next_check_and_changes_there(visits, after):
    now = visits[-1].at + timedelta(days=after)
    seen = rules.assess(visits, now=now, rules=RULES, intervals=INTERVALS)
    if seen.next_check_at is None:
        assert seen.status is Status.LOST or (seen.status is Status.NEW and len(visits) == 0)
        return
    assert seen.next_check_at > now
    just_before = rules.assess(
        visits, now=seen.next_check_at - timedelta(seconds=1), rules=RULES, intervals=INTERVALS
    )
    at = rules.assess(visits, now=seen.next_check_at, rules=RULES, intervals=INTERVALS)
    assert just_before.status is seen.status
    assert at.status is not seen.status


@settings(max_examples=300, deadline=None)
@given(histories())
def test_a_visit_today_is_never_a_risk(visits):
    seen = rules.assess(visits, now=visits[-1].at, rules=RULES, intervals=INTERVALS)
    assert seen.status in (Status.NEW, Status.ACTIVE, Status.WON_BACK)


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=1, max_value=120), st.integers(min_value=1, max_value=10))
def test_a_steady_client_has_their_own_rhythm_from_the_third_visit(gap, times):
    pace = rules.cadence(every(gap, times), INTERVALS, RULES)
    if times >= RULES.own_cadence_visits and gap >= 16 / 24:
        assert pace.own and abs(pace.days - max(gap, 1.0)) < 1e-6
    else:
        assert not pace.own and pace.days == 21


@settings(max_examples=300, deadline=None)
@given(
    histories(),
    SERVICES,
    st.integers(min_value=0, max_value=14),
    st.dictionaries(SERVICES, st.floats(min_value=-50, max_value=500), max_size=4),
)
def test_an_invitation_joins_only_what_falls_due_near_it_and_not_invited_since(
    visits, trigger, join, invited_days
):
    if trigger not in {v.service_id for v in visits}:
        visits = [*visits, Visit(visits[-1].at + DAY, trigger)]
    invited = {s: T0 + timedelta(days=d) for s, d in invited_days.items()}
    due = rules.due_services(
        visits, trigger=trigger, intervals=INTERVALS, rules=RULES, invited=invited, join_days=join
    )
    if not due:
        return
    first = next(d for d in due if d.service_id == trigger)
    assert len({d.service_id for d in due}) == len(due)
    for d in due:
        assert abs(d.due_at - first.due_at) <= timedelta(days=join)
        last = max(v.at for v in visits if v.service_id == d.service_id)
        assert d.service_id not in invited or invited[d.service_id] < last
    assert [d.due_at for d in due] == sorted(d.due_at for d in due)


@settings(max_examples=300, deadline=None)
@given(histories(), AFTER)
def test_every_long_gap_is_one_lapse_and_the_longest_also_a_loss(visits, after):
    now = visits[-1].at + timedelta(days=after)
    found = rules.lapses(visits, now=now, rules=RULES)
    seen = rules.sittings(visits)
    ends = [v.booked for v in seen[1:]] + [now]
    expected = sum(
        (end - v.at >= 90 * DAY) + (end - v.at >= 180 * DAY) for v, end in zip(seen, ends, strict=True)
    )
    assert len(found) == expected
    assert all(lp.at <= now for lp in found)
