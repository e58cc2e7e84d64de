"""The demo salon: loaded once into DynamoDB Local, then checked the way a salon owner would look at
it (a plausible book with no double bookings) and the way the application reads it."""

from __future__ import annotations

import json
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from regulars.booking import locks_repo
from regulars.booking import repo as appointment_store
from regulars.booking.items import Appointment
from regulars.clients import repo as client_store
from regulars.clients.items import Client, PhoneIndex
from regulars.core.phones import to_e164
from regulars.core.schedule import WEEKDAYS, cells, on_grid, parse_hhmm
from regulars.runtime.jobs.items import Job
from regulars.salon import repo as catalog_store
from regulars.salon.items import Salon, Service, StaffMember
from regulars.store.base import Entity, bind_table
from regulars_local.demo import LOCAL_PROTECTION, SALON_ID, DemoSummary, build_demo, load_demo, snapshot
from regulars_local.emulator import dynamodb_local

pytestmark = pytest.mark.xdist_group("demo_data")

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
CLIENTS = 100  # the generator at a third of its default size (`make dev` loads 300): every kind of
# client and every check below, at a third of the load
BERLIN = ZoneInfo("Europe/Berlin")


@dataclass
class Loaded:
    table: str
    summary: DemoSummary
    seconds: float
    salon: Salon
    staff: dict[str, StaffMember]
    services: dict[str, Service]
    clients: list[Client]
    phones: list[PhoneIndex]
    appointments: list[Appointment]
    locks: dict[tuple[str, datetime], str]  # (staff member, cell) -> its holder's tag
    raw_items: list[dict[str, Any]]
    jobs: list[Any]


@pytest.fixture(scope="module")
def demo(dynamodb) -> Iterator[Loaded]:
    ddb = dynamodb_local.client(dynamodb.endpoint)
    table = f"regulars-demo-{uuid.uuid4().hex[:8]}"
    dynamodb_local.create_table(ddb, table)
    bind_table(table)
    started = time.perf_counter()
    summary = load_demo(NOW, clients=CLIENTS)
    seconds = time.perf_counter() - started
    print(f"demo data: {summary.items} items loaded in {seconds:.1f} s")
    yield _read_back(table, summary, seconds, ddb)
    ddb.delete_table(TableName=table)


@pytest.fixture(autouse=True)
def bound(demo: Loaded) -> None:
    bind_table(demo.table)  # tests elsewhere bind tables of their own


def _read_back(table: str, summary: DemoSummary, seconds: float, ddb: Any) -> Loaded:
    salon_items = list(Entity.query(Salon.render_key("pk", salon_id=SALON_ID)))
    staff = {i.staff_id: i for i in salon_items if isinstance(i, StaffMember)}
    far = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    locks = {
        (staff_id, cell): mark
        for staff_id in sorted(staff)
        for cell, mark in locks_repo.held(SALON_ID, staff_id, *far).items()
    }
    return Loaded(
        table=table,
        summary=summary,
        seconds=seconds,
        salon=next(i for i in salon_items if isinstance(i, Salon)),
        staff=staff,
        services={i.service_id: i for i in salon_items if isinstance(i, Service)},
        clients=[i for i in salon_items if isinstance(i, Client)],
        phones=[i for i in salon_items if isinstance(i, PhoneIndex)],
        appointments=[i for i in salon_items if isinstance(i, Appointment)],
        locks=locks,
        raw_items=[  # what was built; the birthday jobs planned after it are read apart
            item
            for page in ddb.get_paginator("scan").paginate(TableName=table)
            for item in page["Items"]
            if item["type"]["S"] != "Job"
        ],
        jobs=[item for item in salon_items if isinstance(item, Job)],
    )


def _local(instant: datetime) -> datetime:
    return instant.astimezone(BERLIN)


def _spans(week: dict[str, list[list[str]]], day: date) -> list[tuple[datetime, datetime]]:
    return [
        (
            datetime.combine(day, parse_hhmm(start), tzinfo=BERLIN),
            datetime.combine(day, parse_hhmm(end), tzinfo=BERLIN),
        )
        for start, end in week.get(WEEKDAYS[day.weekday()], [])
    ]


def _canonical(item: dict[str, Any]) -> str:
    """An item in DynamoDB JSON with its sets sorted, for comparing items written and read."""

    def normal(value: dict[str, Any]) -> Any:
        ((kind, inner),) = value.items()
        if kind == "B":
            return {kind: inner.hex()}
        if kind == "BS":
            return {kind: sorted(b.hex() for b in inner)}
        if kind in ("SS", "NS"):
            return {kind: sorted(inner)}
        if kind == "M":
            return {kind: {k: normal(v) for k, v in inner.items()}}
        if kind == "L":
            return {kind: [normal(v) for v in inner]}
        return value

    return json.dumps({name: normal(value) for name, value in item.items()}, sort_keys=True)


# --- what was loaded --------------------------------------------------------------------------
def test_summary_counts_what_is_in_the_table(demo: Loaded) -> None:
    statuses = Counter(a.status for a in demo.appointments)
    assert demo.summary == DemoSummary(
        salon_id=SALON_ID,
        staff=4,
        services=9,
        clients=CLIENTS,
        appointments=len(demo.appointments),
        completed=statuses["completed"],
        no_shows=statuses["no_show"],
        cancelled=statuses["cancelled"],
        upcoming=statuses["booked"] + statuses["confirmed"],
        slot_locks=sum(1 for i in demo.raw_items if i["type"]["S"] == "DayLock"),
        name_words=sum(1 for i in demo.raw_items if i["type"]["S"] == "NameWord"),
    )
    assert demo.summary.name_words >= CLIENTS  # every demo client has a surname
    assert len(demo.clients) == len(demo.phones) == CLIENTS
    assert demo.summary.items == len(demo.raw_items)
    assert 0.15 * CLIENTS <= demo.summary.upcoming <= 0.25 * CLIENTS
    assert demo.summary.appointments > 5 * CLIENTS


def test_make_dev_loads_the_generator_at_its_default_size() -> None:
    summary = build_demo(NOW).summary()
    assert (summary.clients, summary.staff, summary.services) == (300, 4, 9)
    assert 45 <= summary.upcoming <= 75 and summary.appointments > 1500


def test_the_table_holds_exactly_what_was_built(demo: Loaded) -> None:
    built = sorted(_canonical(item.serialize()) for item in build_demo(NOW, clients=CLIENTS).items())
    assert sorted(_canonical(item) for item in demo.raw_items) == built


def test_every_client_with_a_birthday_has_the_greeting_planned(demo: Loaded) -> None:
    with_birthday = {c.client_id for c in demo.clients if c.birthday}
    assert with_birthday
    planned = {j.payload["client_id"] for j in demo.jobs if j.kind == "birthday" and j.status == "pending"}
    assert planned == with_birthday
    assert all(NOW <= j.due_at <= NOW + timedelta(days=366) for j in demo.jobs)


def test_same_seed_same_data_other_seed_other_data() -> None:
    first, again = build_demo(NOW, clients=CLIENTS), build_demo(NOW, clients=CLIENTS)
    other = build_demo(NOW, seed=8, clients=CLIENTS)
    assert first.summary() == again.summary()
    assert [_canonical(i.serialize()) for i in first.items()] == [
        _canonical(i.serialize()) for i in again.items()
    ]
    assert {a.appointment_id for a in first.appointments}.isdisjoint(
        a.appointment_id for a in other.appointments
    )


# --- the salon and its catalog ------------------------------------------------------------------
def test_salon_profile(demo: Loaded) -> None:
    salon = demo.salon
    assert (salon.name, salon.timezone, salon.currency, salon.locale, salon.country) == (
        "Studio Demo",
        "Europe/Berlin",
        "EUR",
        "en",
        "DE",
    )
    # the default rules, but for the limits a caller from 127.0.0.1 (every local one) would hit at once
    assert salon.settings == {"protection": LOCAL_PROTECTION}
    assert (
        LOCAL_PROTECTION["bookings_per_address_hour"] > 1000
        and "bookings_per_phone_day" not in LOCAL_PROTECTION
    )
    assert timedelta(days=550) < NOW - salon.created_at < timedelta(days=600)


def test_catalog_is_coherent(demo: Loaded) -> None:
    catalog = catalog_store.load_catalog(SALON_ID)
    assert len(catalog.services) == 9 and len(catalog.staff) == 4
    for service in catalog.services.values():
        assert service.duration_minutes % 5 == 0 and 30 <= service.duration_minutes <= 180
        assert service.price.amount > 0 and service.price.currency == "EUR"
        assert service.repeat_interval_days
    offered = {sid for member in catalog.staff.values() for sid in member.service_ids}
    assert offered == set(catalog.services)
    today = _local(NOW).date()
    for member in catalog.staff.values():
        assert set(member.working_hours) < set(WEEKDAYS[:5]) | {"sat"}, "everyone has a weekday off"
        assert member.days_off and all(today < day <= today + timedelta(days=31) for day in member.days_off)
        assert all(WEEKDAYS[day.weekday()] in member.working_hours for day in member.days_off)
    assert sum("sat" in member.working_hours for member in catalog.staff.values()) == 1


# --- the appointment book ------------------------------------------------------------------------
def test_no_staff_member_is_ever_double_booked(demo: Loaded) -> None:
    book: dict[str, list[Appointment]] = defaultdict(list)
    for appointment in demo.appointments:
        book[appointment.staff_id].append(appointment)
    for visits in book.values():
        visits.sort(key=lambda a: a.start)
        for earlier, later in pairwise(visits):
            assert earlier.end <= later.start, (earlier.appointment_id, later.appointment_id)


def test_every_visit_fits_its_staff_members_day(demo: Loaded) -> None:
    for a in demo.appointments:
        member, service = demo.staff[a.staff_id], demo.services[a.service_id]
        start, end = _local(a.start), _local(a.end)
        assert a.start.tzinfo is not None and on_grid(a.start)
        assert a.end - a.start == timedelta(minutes=int(service.duration_minutes))
        assert a.service_id in member.service_ids
        assert any(lo <= start and end <= hi for lo, hi in _spans(member.working_hours, start.date())), (
            a.start
        )
        assert not any(lo < end and start < hi for lo, hi in _spans(member.breaks, start.date())), a.start
        if a.start > NOW:
            assert start.date().isoformat() not in member.days_off


def test_visits_have_a_believable_past_and_future(demo: Loaded) -> None:
    past = [a for a in demo.appointments if a.start < NOW]
    future = [a for a in demo.appointments if a.start >= NOW]
    statuses = Counter(a.status for a in past)
    assert set(statuses) == {"completed", "no_show", "cancelled"}
    assert 0.03 < statuses["no_show"] / len(past) < 0.07
    assert 0.05 < statuses["cancelled"] / len(past) < 0.12
    assert any(a.late_cancellation for a in past) and not any(
        a.late_cancellation for a in past if a.status != "cancelled"
    )
    assert min(a.start for a in past) > NOW - timedelta(days=550)
    assert all(a.end <= NOW for a in past)
    assert {a.status for a in future} == {"booked", "confirmed"}
    assert all(a.start < NOW + timedelta(days=21) for a in future)
    for a in demo.appointments:
        assert a.currency == "EUR" and a.source in ("widget", "admin")
        assert a.created_at < a.start and a.created_at <= NOW
        assert (a.paid_amount is not None) == (a.status == "completed")
        if a.paid_amount is not None:
            assert abs(a.paid_amount - a.price_amount) <= 0.15 * a.price_amount + 1000
        moments = [datetime.fromisoformat(entry["at"]) for entry in a.history]
        assert moments == sorted(moments) and moments[0] == a.created_at and moments[-1] == a.updated_at
        assert a.history[0]["action"] == "booked"
        assert a.history[-1]["action"] == {"booked": "booked", "confirmed": "confirmed"}.get(
            a.status, a.status
        )


def test_clients_look_real_and_leave_statistics_to_the_stream(demo: Loaded) -> None:
    first_booking: dict[str, datetime] = {}
    for a in demo.appointments:
        first_booking[a.client_id] = min(a.created_at, first_booking.get(a.client_id, a.created_at))
    for client in demo.clients:
        assert client.created_at <= first_booking.get(client.client_id, NOW)
        assert client.created_at > demo.salon.created_at
        assert client.source in ("widget", "admin")
        assert (client.visits, client.no_shows, client.total_spent, client.last_visit_at) == (0, 0, 0, None)
        marketing = client.consents.get("marketing")
        if marketing:
            assert isinstance(marketing["granted"], bool) and marketing["source"] in ("widget", "admin")
            assert datetime.fromisoformat(marketing["at"]) == client.created_at and marketing["text"]
    consenting = sum(bool(c.consents) for c in demo.clients) / len(demo.clients)
    assert 0.6 < consenting < 0.8
    locales = Counter(c.locale for c in demo.clients)
    assert locales.most_common(1)[0][0] == "en" and {"ru", "es", "de"} < set(locales)
    assert any(c.email for c in demo.clients) and any(c.birthday for c in demo.clients)
    assert len({c.client_id for c in demo.clients}) == CLIENTS


def test_phones_are_unique_valid_and_indexed(demo: Loaded) -> None:
    phones = [c.phone for c in demo.clients]
    assert len(set(phones)) == len(phones)
    for phone in phones:
        assert to_e164(phone, "DE") == phone and phone[:5] in ("+4915", "+4916", "+4917")
    owner = {c.phone: c.client_id for c in demo.clients}
    assert {p.phone: p.client_id for p in demo.phones} == owner


def test_upcoming_visits_hold_exactly_their_lock_cells(demo: Loaded) -> None:
    expected = {
        (a.staff_id, cell): a.appointment_id
        for a in demo.appointments
        if a.start >= NOW and a.status in ("booked", "confirmed")
        for cell in cells(a.start, a.end)
    }
    assert demo.locks == {key: locks_repo.tag(holder) for key, holder in expected.items()}
    for item in demo.raw_items:
        if item["type"]["S"] == "DayLock":
            day = date.fromisoformat(item["SK"]["S"].removeprefix("DAY#"))
            assert int(item["ttl"]["N"]) == locks_repo.expiry(day).timestamp()


def test_every_visit_carries_its_clients_name_for_the_day_book(demo: Loaded) -> None:
    names = {c.client_id: c.name for c in demo.clients}
    assert all(a.client_name == names[a.client_id] for a in demo.appointments)
    week = [
        visit
        for staff_id in demo.staff
        for visit in appointment_store.for_staff(SALON_ID, staff_id, NOW, NOW + timedelta(days=7))
    ]
    assert week and all(v.client_name == names[v.client_id] for v in week)


def test_the_desk_finds_a_demo_client_by_their_surname(demo: Loaded) -> None:
    regular = max(demo.clients, key=lambda c: sum(a.client_id == c.client_id for a in demo.appointments))
    surname = regular.name.split()[-1]
    assert regular.client_id in {c.id for c in client_store.search_by_name(SALON_ID, surname.lower())}


def test_the_application_reads_the_demo_back(demo: Loaded) -> None:
    regular = max(demo.clients, key=lambda c: sum(a.client_id == c.client_id for a in demo.appointments))
    client = client_store.get(SALON_ID, regular.client_id)
    assert client.phone == regular.phone
    assert client_store.client_id_by_phone(SALON_ID, regular.phone) == regular.client_id
    visits = appointment_store.for_client(SALON_ID, regular.client_id)
    assert len(visits) >= 10 and visits == sorted(visits, key=lambda v: v.start, reverse=True)
    found = client_store.search_by_name(SALON_ID, regular.name.upper())
    assert regular.client_id in {c.id for c in found}
    week = appointment_store.for_staff(SALON_ID, "anna", NOW, NOW + timedelta(days=7))
    assert all(v.staff_id == "anna" for v in week)


# --- a saved demo -------------------------------------------------------------------------------
def test_a_saved_table_is_restored_item_for_item(demo: Loaded, dynamodb, tmp_path) -> None:
    """What ``--restore`` starts from is the saved table exactly (the e2e runtimes start from the demo
    settled once a test run)."""
    ddb = dynamodb_local.client(dynamodb.endpoint)

    def every_item(table: str) -> list[str]:
        return sorted(
            _canonical(item)
            for page in ddb.get_paginator("scan").paginate(TableName=table)
            for item in page["Items"]
        )

    saved, copy = tmp_path / "demo.jsonl", f"regulars-restored-{uuid.uuid4().hex[:8]}"
    # binary values too (the segment preview's packed profiles), alone, in a set and nested
    packed = {
        "PK": {"S": "SALON#demo"},
        "SK": {"S": "PROFILES#test"},
        "data": {"B": bytes(range(256))},
        "parts": {"BS": [b"\x00\xff", b"\x01"]},
        "nested": {"M": {"list": {"L": [{"B": b"\xfe"}, {"S": "text"}]}}},
    }
    ddb.put_item(TableName=demo.table, Item=packed)
    original = every_item(demo.table)
    assert snapshot.save(ddb, demo.table, saved) == len(original) > len(demo.raw_items)
    dynamodb_local.create_table(ddb, copy)
    try:
        assert snapshot.restore(ddb, copy, saved) == len(original)
        assert every_item(copy) == original
    finally:
        ddb.delete_table(TableName=copy)
        ddb.delete_item(TableName=demo.table, Key={"PK": packed["PK"], "SK": packed["SK"]})
