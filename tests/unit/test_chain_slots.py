"""Free times for several services in one visit: the rules, on day views built in memory."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from regulars.booking.slots import Choice, assign, chain_starts, day_view, plan
from regulars.clients.model import ClientStats
from regulars.clients.stats import apply
from regulars.core.appointments import Appointment, AppointmentStatus, Segment, Source
from regulars.core.errors import InvalidInput
from regulars.core.events import EventType, derive
from regulars.core.money import Money
from regulars.core.schedule import Interval, WorkingPattern, local_instant
from regulars.salon.model import Catalog, Salon, Service, StaffMember

BERLIN = ZoneInfo("Europe/Berlin")
TUESDAY = date(2026, 11, 24)
STEP = timedelta(minutes=15)
FAR_PAST = datetime(2000, 1, 1, tzinfo=UTC)
FAR_AHEAD = datetime(2100, 1, 1, tzinfo=UTC)
CUT = ("cut", timedelta(minutes=60))
BROWS = ("brows", timedelta(minutes=20))
NAILS = ("nails", timedelta(minutes=45))


def at(hhmm: str, day: date = TUESDAY) -> datetime:
    h, m = hhmm.split(":")
    return local_instant(day, time(int(h), int(m)), BERLIN)


def pattern(days_off=()) -> WorkingPattern:
    week = ("mon", "tue", "wed", "thu", "fri")
    return WorkingPattern(
        {d: [("09:00", "18:00")] for d in week}, {d: [("13:00", "14:00")] for d in week}, frozenset(days_off)
    )


def view(staff_id: str, busy=(), days_off=(), day: date = TUESDAY):
    return day_view(
        staff_id, pattern(days_off), day, BERLIN, [Interval(at(a, day), at(b, day)) for a, b in busy]
    )


def starts(options, services, earliest=FAR_PAST, latest=FAR_AHEAD):
    return chain_starts(options, services, step=STEP, earliest=earliest, latest=latest)


def local(t: datetime) -> str:
    return t.astimezone(BERLIN).strftime("%H:%M")


def test_two_services_back_to_back_with_one_staff_member_clear_the_break():
    anna = view("anna")
    found = {local(w[0].start): w for w in starts([[anna], [anna]], [CUT, BROWS])}
    assert "11:30" in found  # 11:30-12:30 cut, 12:30-12:50 brows
    assert "11:45" not in found  # brows would run into the 13:00 break
    assert "12:00" not in found and "13:30" not in found
    assert "16:30" in found and "16:45" not in found  # 16:45 + 80 min passes 18:00
    cut, brows = found["11:30"]
    assert (cut.staff_id, local(cut.start), local(cut.end)) == ("anna", "11:30", "12:30")
    assert (brows.staff_id, local(brows.start), local(brows.end)) == ("anna", "12:30", "12:50")


def test_across_staff_the_second_service_waits_for_no_one():
    anna, marta = view("anna"), view("marta", busy=[("10:00", "11:00")])
    found = {local(w[0].start): w for w in starts([[anna], [marta]], [CUT, NAILS])}
    assert "09:00" not in found  # marta is busy from 10:00 when the nails would begin
    assert "11:00" in found and [p.staff_id for p in found["11:00"]] == ["anna", "marta"]
    assert local(found["11:00"][1].start) == "12:00"  # no gap between the two


def test_other_visits_of_the_first_staff_member_are_in_the_way():
    anna = view("anna", busy=[("09:30", "10:00")])
    found = {local(w[0].start) for w in starts([[anna], [anna]], [CUT, BROWS])}
    assert "09:00" not in found and "10:00" in found
    assert "08:45" not in found  # before working hours


def test_anyone_keeps_the_staff_member_of_the_service_before_when_free():
    anna, marta = view("anna"), view("marta")
    placed = assign([[anna], [marta, anna]], [CUT, BROWS], at("10:00"))
    assert placed is not None and [p.staff_id for p in placed] == ["anna", "anna"]
    busy_anna = view("anna", busy=[("11:00", "11:30")])
    placed = assign([[busy_anna], [marta, busy_anna]], [CUT, BROWS], at("10:00"))
    assert placed is not None and [p.staff_id for p in placed] == ["anna", "marta"]


def test_anyone_is_chosen_for_the_fewest_changes_of_staff_member():
    # anna is free for the cut but not for the brows after it; olga can do both
    anna = view("anna", busy=[("11:00", "12:00")])
    olga = view("olga")
    placed = assign([[anna, olga], [anna, olga]], [CUT, BROWS], at("10:00"))
    assert placed is not None and [p.staff_id for p in placed] == ["olga", "olga"]
    # when no one can do both, the first who can do each
    placed = assign([[anna, olga], [view("marta"), olga]], [CUT, NAILS], at("10:00"))
    assert placed is not None and [p.staff_id for p in placed] == ["olga", "olga"]
    placed = assign([[anna], [view("marta"), olga]], [CUT, NAILS], at("10:00"))
    assert placed is not None and [p.staff_id for p in placed] == ["anna", "marta"]
    assert assign([[anna], [anna]], [CUT, BROWS], at("10:00")) is None


def test_a_day_off_of_anyone_needed_leaves_no_time():
    anna = view("anna", days_off=[TUESDAY])
    assert starts([[anna], [anna]], [CUT, BROWS]) == []
    marta = view("marta", days_off=[TUESDAY])
    assert starts([[view("anna")], [marta]], [CUT, NAILS]) == []
    assert (
        starts([[view("anna", day=date(2026, 11, 29))], [view("anna", day=date(2026, 11, 29))]], [CUT, BROWS])
        == []
    )  # a Sunday


def test_the_notice_and_the_horizon_bound_the_first_start():
    anna = view("anna")
    found = [local(w[0].start) for w in starts([[anna], [anna]], [CUT, BROWS], at("10:00"), at("11:00"))]
    assert found == ["10:00", "10:15", "10:30", "10:45", "11:00"]


def catalog() -> Catalog:
    eur = Money(amount=1000, currency="EUR")
    services = {
        "cut": Service(id="cut", name="Cut", duration_minutes=60, price=eur),
        "brows": Service(id="brows", name="Brows", duration_minutes=20, price=eur),
        "nails": Service(id="nails", name="Nails", duration_minutes=45, price=eur),
        "colour": Service(id="colour", name="Colour", duration_minutes=150, price=eur),
        "wash": Service(id="wash", name="Wash", duration_minutes=10, price=eur),
    }
    staff = {
        "anna": StaffMember(id="anna", name="Anna", service_ids=["cut", "brows", "colour", "wash"]),
        "marta": StaffMember(id="marta", name="Marta", service_ids=["cut", "nails"]),
    }
    salon = Salon(id="s", name="S", timezone="Europe/Berlin", currency="EUR", locale="en", country="DE")
    return Catalog(salon=salon, services=services, staff=staff)


def refused(choices) -> tuple[str, str]:
    with pytest.raises(InvalidInput) as exc:
        plan(catalog(), [Choice(*c) for c in choices])
    (field,) = exc.value.fields
    return field.field, exc.value.code


def test_a_staff_member_who_does_not_do_a_service_is_refused_by_its_place():
    assert refused([("cut", "anna"), ("nails", "anna")]) == ("services.1.staff_id", "staff_mismatch")
    assert refused([("cut", None), ("nope", None)]) == ("services.1.service_id", "unknown_service")
    assert refused([("cut", "zoe")]) == ("services.0.staff_id", "unknown_staff")
    planned = plan(catalog(), [Choice("cut"), Choice("nails")])
    assert [[m.id for m in members] for _, members in planned] == [["anna", "marta"], ["marta"]]


def test_a_visit_holds_at_most_four_services_once_each_and_240_minutes():
    assert refused([("cut", None), ("brows", None), ("nails", None), ("wash", None), ("colour", None)]) == (
        "services",
        "too_many_services",
    )
    assert refused([("cut", None), ("cut", None)]) == ("services", "duplicate_service")
    assert refused([("colour", None), ("cut", None), ("nails", None)]) == ("services", "visit_too_long")
    assert len(plan(catalog(), [Choice("colour"), Choice("cut"), Choice("wash")])) == 3  # 220 minutes


def _visit(**extra) -> Appointment:
    eur = Money(amount=1000, currency="EUR")
    cut = Segment(service_id="cut", staff_id="anna", start=at("10:00"), end=at("11:00"), price=eur)
    nails = Segment(service_id="nails", staff_id="marta", start=at("11:00"), end=at("11:45"), price=eur)
    base = dict(
        id="v1",
        salon_id="s",
        client_id="c1",
        staff_id="anna",
        service_id="cut",
        start=at("10:00"),
        end=at("11:45"),
        status=AppointmentStatus.BOOKED,
        price=Money(amount=2000, currency="EUR"),
        source=Source.WIDGET,
        created_at=at("09:00"),
        updated_at=at("09:00"),
        segments=[cut, nails],
    )
    return Appointment(**(base | extra))


def test_a_visit_of_several_services_is_one_event_and_logs_each_service():
    before = _visit()
    assert before.staff_ids() == ["anna", "marta"]
    assert before.times_of("marta") == [(at("11:00"), at("11:45"))] and before.times_of("olga") == []
    later = before.model_copy(
        update={
            "segments": before.shifted(timedelta(hours=2)),
            "start": at("12:00"),
            "end": at("13:45"),
            "version": 1,
        }
    )
    (moved,) = derive(before, later)
    assert moved.type is EventType.MOVED
    done = before.model_copy(
        update={"status": AppointmentStatus.COMPLETED, "paid_amount": 2000, "version": 1}
    )
    (completed,) = derive(before, done)
    stats = apply(ClientStats(), completed)
    assert stats.visits == 1 and stats.total_spent == 2000  # the visit once
    assert [(e[1], e[2]) for e in stats.visit_log] == [("cut", "anna"), ("nails", "marta")]  # each service
    assert apply(stats, completed).visit_log == stats.visit_log  # logged once
