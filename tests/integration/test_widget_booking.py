"""The widget's contract, through the public function, against DynamoDB Local."""

from __future__ import annotations

import itertools
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from regulars.booking import locks_repo
from regulars.booking.items import Appointment
from regulars.clients import repo as client_store
from regulars.store.base import Entity
from support.lambda_ import PublicApi
from support.phones import prove

pytestmark = pytest.mark.integration

TUESDAY = "2026-11-24"


def booking(start: str = f"{TUESDAY}T10:00:00+01:00", phone: str = "0151 23456789", **extra):
    body = {
        "service_id": "haircut",
        "staff_id": "anna",
        "start": start,
        "client": {"name": "Eva Weber", "phone": phone},
    }
    return body | extra


def appointments_in_table() -> list[Appointment]:
    return [
        i for i in Entity.query("SALON#salon-a", Entity.sk.startswith("APPT#")) if isinstance(i, Appointment)
    ]


def test_catalog_has_the_contract_shape(salon, public):
    r = public.get("/v1/salons/salon-a/catalog")
    assert r.status == 200
    body = r.json
    assert body["salon"] == {
        "id": "salon-a",
        "name": "Salon salon-a",
        "timezone": "Europe/Berlin",
        "currency": "EUR",
        "locale": "en",
        # what the page shows of the salon: none given yet
        "address": None,
        "phone": None,
        "logo_url": None,
        "brand_color": None,
        "privacy_url": None,
    }
    assert {
        "id": "haircut",
        "name": "Haircut",
        "duration_minutes": 60,
        "price": {"amount": 4500, "currency": "EUR"},
        "description": None,
        "category": None,
    } in body["services"]
    assert {
        "id": "anna",
        "name": "Anna",
        "service_ids": ["brows", "haircut"],
        "title": None,
        "photo_url": None,
    } in body["staff"]


def test_unknown_salon_is_404_in_the_error_shape(table, public):
    r = public.get("/v1/salons/nope/catalog")
    assert r.status == 404
    assert r.json == {"error": {"code": "salon_not_found", "message": "salon nope not found", "fields": []}}


def test_slots_follow_hours_breaks_and_bookings(salon, public):
    r = public.get(f"/v1/salons/salon-a/slots?service_id=haircut&date={TUESDAY}&staff_id=anna")
    assert r.status == 200
    starts = [s["start"] for s in r.json["slots"]]
    assert starts[0] == f"{TUESDAY}T09:00:00+01:00"
    assert starts[-1] == f"{TUESDAY}T17:00:00+01:00"  # 60 minutes must fit before 18:00
    assert f"{TUESDAY}T12:15:00+01:00" not in starts  # would run into the 13:00 lunch break
    assert f"{TUESDAY}T13:30:00+01:00" not in starts
    assert public.post("/v1/salons/salon-a/appointments", booking()).status == 201
    after = [
        s["start"]
        for s in public.get(f"/v1/salons/salon-a/slots?service_id=haircut&date={TUESDAY}&staff_id=anna").json[
            "slots"
        ]
    ]
    assert set(starts) - set(after) == {
        f"{TUESDAY}T{t}:00+01:00" for t in ("09:15", "09:30", "09:45", "10:00", "10:15", "10:30", "10:45")
    }


def test_slots_without_staff_list_everyone_who_does_the_service(salon, public):
    slots = public.get(f"/v1/salons/salon-a/slots?service_id=haircut&date={TUESDAY}").json["slots"]
    assert {s["staff_id"] for s in slots} == {"anna", "marta"}
    manicure = public.get(f"/v1/salons/salon-a/slots?service_id=manicure&date={TUESDAY}").json["slots"]
    assert {s["staff_id"] for s in manicure} == {"marta"}


def test_slots_respect_minimum_notice(salon, public, clock_at):
    # clock_at is Monday 09:00 Berlin; the default notice is 60 minutes
    starts = [
        s["start"]
        for s in public.get("/v1/salons/salon-a/slots?service_id=haircut&date=2026-11-23&staff_id=anna").json[
            "slots"
        ]
    ]
    assert starts[0] == "2026-11-23T10:00:00+01:00"


def test_slots_on_the_day_clocks_go_forward(table, public, clock_at):
    from support.salon import make_salon

    make_salon("salon-a", clock_at, booking_horizon_days=365)
    day = "2027-03-29"  # Monday after the change: CEST, +02:00
    starts = [
        s["start"]
        for s in public.get(f"/v1/salons/salon-a/slots?service_id=haircut&date={day}&staff_id=anna").json[
            "slots"
        ]
    ]
    assert starts[0] == f"{day}T09:00:00+02:00"
    before = [
        s["start"]
        for s in public.get("/v1/salons/salon-a/slots?service_id=haircut&date=2027-03-26&staff_id=anna").json[
            "slots"
        ]
    ]
    assert before[0] == "2027-03-26T09:00:00+01:00"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("service_id=nope&date=2026-11-24", "service_id"),
        ("service_id=haircut&date=24.11.2026", "date"),
        ("date=2026-11-24", "service_id"),
        ("service_id=haircut&date=2026-11-24&staff_id=ghost", "staff_id"),
    ],
)
def test_bad_slot_queries_name_the_field(salon, public, query, field):
    r = public.get(f"/v1/salons/salon-a/slots?{query}")
    assert r.status == 422
    assert field in [f["field"] for f in r.json["error"]["fields"]]


def test_booking_answers_201_with_the_contract_and_normalises_the_phone(salon, public):
    r = public.post("/v1/salons/salon-a/appointments", booking(), headers={"Idempotency-Key": "key-00000001"})
    assert r.status == 201
    body = r.json
    assert set(body) == {"appointment", "manage_url", "telegram_url", "phone_proven"}
    assert body["appointment"] | {"id": "x"} == {
        "id": "x",
        "status": "booked",
        "start": f"{TUESDAY}T10:00:00+01:00",
        "end": f"{TUESDAY}T11:00:00+01:00",
        "service_id": "haircut",
        "staff_id": "anna",
        "segments": [
            {
                "service_id": "haircut",
                "staff_id": "anna",
                "start": f"{TUESDAY}T10:00:00+01:00",
                "end": f"{TUESDAY}T11:00:00+01:00",
            }
        ],
    }
    assert body["manage_url"].startswith("http")
    client_id = client_store.client_id_by_phone("salon-a", "+4915123456789")
    assert client_id is not None
    assert client_store.get("salon-a", client_id).name == "Eva Weber"


def test_a_replayed_key_returns_the_first_answer_and_books_nothing_more(salon, public):
    key = {"Idempotency-Key": "replay-key-1"}
    first = public.post("/v1/salons/salon-a/appointments", booking(), headers=key)
    again = public.post("/v1/salons/salon-a/appointments", booking(), headers=key)
    assert (first.status, first.text) == (again.status, again.text)
    assert len(appointments_in_table()) == 1
    other = public.post(
        "/v1/salons/salon-a/appointments",
        booking(phone="+49 170 1234567"),
        headers={"Idempotency-Key": "replay-key-2"},
    )
    assert other.status == 409
    assert other.json["error"]["code"] == "slot_taken"


def test_a_key_reused_for_another_request_is_refused(salon, public):
    key = {"Idempotency-Key": "reused-key-1"}
    assert public.post("/v1/salons/salon-a/appointments", booking(), headers=key).status == 201
    r = public.post(
        "/v1/salons/salon-a/appointments", booking(start=f"{TUESDAY}T15:00:00+01:00"), headers=key
    )
    assert r.status == 422
    assert r.json["error"]["code"] == "idempotency_key_reused"
    assert len(appointments_in_table()) == 1


def test_twenty_concurrent_bookings_of_one_slot_one_wins(salon, public):
    def attempt(i: int):  # each caller in an execution environment of its own, as in Lambda
        return PublicApi(environment=i).post(
            "/v1/salons/salon-a/appointments",
            booking(phone=f"+49151000000{i:02d}"),
            headers={"Idempotency-Key": f"concurrent-{i:04d}"},
        )

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(attempt, range(20)))
    statuses = sorted(r.status for r in results)
    assert statuses == [201] + [409] * 19, statuses
    assert all(r.json["error"]["code"] == "slot_taken" for r in results if r.status == 409)
    booked = appointments_in_table()
    assert len(booked) == 1
    held = locks_repo.held(
        "salon-a", "anna", datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    )
    assert set(held.values()) == {locks_repo.tag(booked[0].appointment_id)}
    assert len(held) == 12  # 60 minutes of 5-minute cells


def test_concurrent_bookings_of_overlapping_times_never_overlap(salon, public):
    starts = [f"{TUESDAY}T{h:02d}:{mm:02d}:00+01:00" for h in (14, 15) for mm in (0, 15, 30, 45)]

    def attempt(i: int):
        return PublicApi(environment=i).post(
            "/v1/salons/salon-a/appointments",
            booking(start=starts[i % len(starts)], phone=f"+49151000001{i:02d}"),
        )

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(attempt, range(16)))
    booked = sorted((a.start, a.end) for a in appointments_in_table() if a.staff_id == "anna")
    assert booked
    for (_, end), (start, _) in itertools.pairwise(booked):
        assert end <= start


@pytest.mark.parametrize(
    ("body", "status", "fields"),
    [
        (booking(phone="12"), 422, ["client.phone"]),
        (booking(phone="+49 000 0000"), 422, ["client.phone"]),
        ({"start": f"{TUESDAY}T10:00:00+01:00"}, 422, ["client"]),
        (booking(start="2026-11-24T10:00:00"), 422, ["start"]),
        (booking(start=f"{TUESDAY}T10:07:00+01:00"), 422, ["start"]),
        (booking(start=f"{TUESDAY}T07:00:00+01:00"), 422, ["start"]),
        (booking(start="2025-01-01T10:00:00+01:00"), 422, ["start"]),
        (booking(service_id="ghost"), 422, ["service_id"]),
        (booking(service_id="manicure"), 422, ["staff_id"]),
        (booking(client={"name": "", "phone": "0151 23456789"}), 422, ["client.name"]),
    ],
)
def test_bad_bookings_name_each_field_and_change_nothing(salon, public, body, status, fields):
    r = public.post("/v1/salons/salon-a/appointments", body)
    assert r.status == status, r.text
    assert sorted({f["field"] for f in r.json["error"]["fields"]}) == sorted(fields)
    assert appointments_in_table() == []


def test_an_unreadable_body_is_400(salon, public):
    r = public.post("/v1/salons/salon-a/appointments", "{not json")
    assert r.status == 400
    assert r.json["error"]["code"] == "invalid_json"


def test_a_staff_member_added_after_the_function_read_the_catalog_is_booked_at_once(salon):
    """The public function serves the catalog from a copy some seconds old; a booking that names a staff
    member the copy does not have yet (the page got their times from a fresher one) reads it again."""
    from support.lambda_ import AdminApi

    public = PublicApi(environment=1)  # an execution environment of its own, as in Lambda
    assert public.get("/v1/salons/salon-a/catalog").status == 200  # its copy, without Zoe
    hours = {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}
    added = AdminApi("salon-a").post(
        "/v1/admin/staff",
        {"id": "zoe", "name": "Zoe Neu", "service_ids": ["haircut"], "working_hours": hours},
    )
    assert added.status == 201, added.text
    made = public.post("/v1/salons/salon-a/appointments", booking(staff_id="zoe"))
    assert made.status == 201, made.text
    assert made.json["appointment"]["staff_id"] == "zoe"


def test_without_staff_the_first_free_staff_member_is_booked(salon, public):
    first = public.post("/v1/salons/salon-a/appointments", booking(staff_id=None))
    second = public.post("/v1/salons/salon-a/appointments", booking(staff_id=None, phone="+49 170 1234567"))
    third = public.post("/v1/salons/salon-a/appointments", booking(staff_id=None, phone="+49 170 7654321"))
    assert (first.status, second.status, third.status) == (201, 201, 409)
    assert {first.json["appointment"]["staff_id"], second.json["appointment"]["staff_id"]} == {
        "anna",
        "marta",
    }


def test_a_returning_client_is_recognised_by_phone_in_any_format(salon, public):
    public.post("/v1/salons/salon-a/appointments", booking(phone="0151 23456789"))
    public.post(
        "/v1/salons/salon-a/appointments",
        booking(start=f"{TUESDAY}T15:00:00+01:00", phone="+49 (151) 234-56789"),
    )
    owners = {a.client_id for a in appointments_in_table()}
    assert len(owners) == 1


def test_marketing_consent_is_recorded_with_its_evidence(salon, public):
    proof = prove(public, "+4915123456789")
    public.post("/v1/salons/salon-a/appointments", booking(consents={"marketing": True}, phone_proof=proof))
    client = client_store.get("salon-a", client_store.client_id_by_phone("salon-a", "+4915123456789"))
    consent = client.consents["marketing"]
    assert consent["granted"] is True
    assert consent["source"] == "widget"
    assert "Salon salon-a" in consent["text"]
    assert datetime.fromisoformat(consent["at"])


def test_every_error_has_the_one_shape(salon, public):
    for r in (
        public.get("/v1/salons/nope/catalog"),
        public.post("/v1/salons/salon-a/appointments", "{"),
        public.post("/v1/salons/salon-a/appointments", {}),
    ):
        body = json.loads(r.text)
        assert set(body) == {"error"}
        assert set(body["error"]) == {"code", "message", "fields"}


@pytest.mark.parametrize(
    "content_type", ["text/plain", "multipart/form-data", "application/x-www-form-urlencoded"]
)
def test_a_body_that_is_not_json_is_415(salon, public, content_type):
    r = public.post(
        "/v1/salons/salon-a/appointments", json.dumps(booking()), headers={"Content-Type": content_type}
    )
    assert r.status == 415
    assert r.json["error"]["code"] == "unsupported_media_type"
    assert appointments_in_table() == []


def test_days_outside_the_booking_window_have_no_slots(salon, public):
    for day in ("0010-01-01", "2020-01-01", "2099-12-31", "9999-12-31"):
        r = public.get(f"/v1/salons/salon-a/slots?service_id=haircut&date={day}")
        assert (r.status, r.json) == (200, {"slots": []}), day


def test_a_body_that_is_not_utf8_is_400(salon, public):
    from support.lambda_ import api_event, invoke

    event = api_event(
        "POST",
        "/v1/salons/salon-a/appointments",
        resource="/v1/salons/{salon_id}/appointments",
        path_params={"salon_id": "salon-a"},
        body="/f8=",
    )  # base64 of b"\xff\xff"
    event["isBase64Encoded"] = True
    r = invoke("public_api", event)
    assert (r.status, r.json["error"]["code"]) == (400, "invalid_json")
