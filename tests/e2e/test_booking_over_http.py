"""The foundation's acceptance, over HTTP against the running local runtime with its demo data."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
import requests

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo-runtime")]


def next_working_day(rt, service_id: str) -> tuple[str, list[dict]]:
    today = datetime.fromisoformat(rt.get("/local/clock").json()["now"]).date()
    for n in range(2, 30):
        day = (today + timedelta(days=n)).isoformat()
        slots = rt.get(f"/v1/salons/demo/slots?service_id={service_id}&date={day}").json()["slots"]
        if len(slots) >= 3:
            return day, slots
    raise AssertionError("no free day in four weeks")


def book(rt, slot, *, service_id="manicure", phone=None, key=None, name="Test Client", prove=True):
    """Book ``slot`` from the widget, for a new phone unless one is given, proving it with a code
    unless told not to (a phone the demo salon knows books without one)."""
    phone = phone or f"+49 151 {uuid.uuid4().int % 10**8:08d}"
    body = {
        "service_id": service_id,
        "staff_id": slot["staff_id"],
        "start": slot["start"],
        "client": {"name": name, "phone": phone},
    } | ({"phone_proof": rt.prove(phone)} if prove else {})
    headers = {"Idempotency-Key": key or str(uuid.uuid4())}
    return requests.post(f"{rt.base_url}/v1/salons/demo/appointments", json=body, headers=headers, timeout=60)


def test_the_demo_salon_answers(demo_runtime):
    catalog = demo_runtime.get("/v1/salons/demo/catalog").json()
    assert catalog["salon"]["id"] == "demo"
    assert 8 <= len(catalog["services"]) <= 10 and 3 <= len(catalog["staff"]) <= 4
    assert all(isinstance(s["price"]["amount"], int) for s in catalog["services"])


def test_twenty_concurrent_posts_for_one_slot(demo_runtime):
    day, slots = next_working_day(demo_runtime, "manicure")
    slot = slots[len(slots) // 2]
    token = demo_runtime.token("demo")
    regulars = [
        c["phone"]
        for c in demo_runtime.get("/v1/admin/clients?limit=100", token=token).json()["clients"]
        if (c["phone"] or "").startswith("+49")  # the page takes the salon's country's phones only
    ][:20]  # clients of the salon (other tests add some from abroad at the desk): they book without a code
    assert len(regulars) == 20
    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(
            pool.map(
                lambda i: book(demo_runtime, slot, phone=regulars[i], name="Racer", prove=False), range(20)
            )
        )
    book_ = demo_runtime.get(
        f"/v1/admin/appointments?from={day}&staff_id={slot['staff_id']}", token=token
    ).json()
    at_slot = [a for a in book_["appointments"] if a["start"] == slot["start"] and a["status"] == "booked"]
    # everything a failure needs to be understood, in its message
    seen = {"slot": slot, "created": [a.json() for a in answers if a.status_code == 201], "stored": at_slot}
    assert sorted(a.status_code for a in answers) == [201] + [409] * 19, seen
    assert {a.json()["error"]["code"] for a in answers if a.status_code == 409} == {"slot_taken"}
    assert len(at_slot) == 1, seen


def test_a_replayed_key_returns_the_first_answer_and_a_new_key_gets_409(demo_runtime):
    _, slots = next_working_day(demo_runtime, "brows")
    slot = slots[0]
    key = str(uuid.uuid4())
    phone = "+49 170 4440001"
    first = book(demo_runtime, slot, service_id="brows", key=key, phone=phone)
    replay = book(
        demo_runtime, slot, service_id="brows", key=key, phone=phone, prove=False
    )  # the answer is kept
    assert first.status_code == 201
    assert (replay.status_code, replay.text) == (201, first.text)
    other = book(demo_runtime, slot, service_id="brows")
    assert other.status_code == 409 and other.json()["error"]["code"] == "slot_taken"


def test_the_manage_link_confirms_and_the_admin_sees_it(demo_runtime):
    _, slots = next_working_day(demo_runtime, "manicure")
    booked = book(demo_runtime, slots[-1])
    assert booked.status_code == 201, booked.text
    token_part = booked.json()["manage_url"].split("token=")[1]
    assert (
        demo_runtime.post(f"/v1/manage/{token_part}/confirm").json()["appointment"]["status"] == "confirmed"
    )
    appointment_id = booked.json()["appointment"]["id"]
    admin = demo_runtime.token("demo")
    assert (
        demo_runtime.get(f"/v1/admin/appointments/{appointment_id}", token=admin).json()["status"]
        == "confirmed"
    )


def test_visit_statistics_follow_through_the_stream(demo_runtime):
    admin = demo_runtime.token("demo")
    catalog = demo_runtime.get("/v1/salons/demo/catalog").json()
    staff_id = next(m["id"] for m in catalog["staff"] if "brows" in m["service_ids"])
    today = datetime.fromisoformat(demo_runtime.get("/local/clock").json()["now"]).date()
    made = None
    for minute in range(0, 60, 5):  # a walk-in the admin writes in after hours, at a free moment
        start = f"{today.isoformat()}T00:{minute:02d}:00+00:00"
        made = demo_runtime.post(
            "/v1/admin/appointments",
            token=admin,
            json={
                "service_id": "brows",
                "staff_id": staff_id,
                "start": start,
                "outside_hours": True,
                "client": {"name": "Stream Check", "phone": "+49 170 4440002"},
            },
        )
        if made.status_code != 409:
            break
    assert made is not None and made.status_code == 201, made.text
    done = demo_runtime.post(
        f"/v1/admin/appointments/{made.json()['id']}/complete", token=admin, json={"paid_amount": 2500}
    )
    assert done.status_code == 200, done.text
    demo_runtime.drain()
    client = demo_runtime.get(f"/v1/admin/clients/{made.json()['client_id']}", token=admin).json()
    assert (client["stats"]["visits"], client["stats"]["total_spent"]) == (1, 2500)


def test_demo_clients_have_their_history_counted(demo_runtime):
    admin = demo_runtime.token("demo")
    found = demo_runtime.get("/v1/admin/clients?q=a&limit=20", token=admin).json()["clients"]
    assert found
    with_visits = [c for c in found if c["stats"]["visits"] > 0]
    assert with_visits
    one = demo_runtime.get(f"/v1/admin/clients/{with_visits[0]['id']}", token=admin).json()
    completed = [a for a in one["appointments"] if a["status"] == "completed"]
    assert one["stats"]["visits"] == len(completed)
    assert one["stats"]["total_spent"] == sum(a["paid_amount"] for a in completed)


def test_an_admin_of_another_salon_reaches_nothing_of_the_demo(demo_runtime):
    owner = demo_runtime.token("demo")
    day, _ = next_working_day(demo_runtime, "manicure")
    visit = demo_runtime.get(f"/v1/admin/appointments?from={day}&days=7", token=owner).json()["appointments"][
        0
    ]
    client_id, appointment_id = visit["client_id"], visit["id"]
    intruder = demo_runtime.token("intruder-salon")
    routes = [
        ("GET", "/v1/admin/salon", None),
        ("PATCH", "/v1/admin/salon", {"name": "x"}),
        ("GET", "/v1/admin/services", None),
        ("GET", "/v1/admin/services/manicure", None),
        ("PATCH", "/v1/admin/services/manicure", {"price_amount": 1}),
        ("POST", "/v1/admin/services", {"id": "x", "name": "x", "duration_minutes": 30, "price_amount": 1}),
        ("GET", "/v1/admin/staff", None),
        ("GET", "/v1/admin/staff/anna", None),
        ("PATCH", "/v1/admin/staff/anna", {"name": "x"}),
        ("POST", "/v1/admin/staff", {"id": "x", "name": "x"}),
        ("GET", f"/v1/admin/clients/{client_id}", None),
        ("PATCH", f"/v1/admin/clients/{client_id}", {"name": "x"}),
        ("POST", "/v1/admin/clients", {"name": "x", "phone": "+49 170 4440003"}),
        ("GET", f"/v1/admin/appointments?from={day}&days=7", None),
        ("GET", f"/v1/admin/appointments/{appointment_id}", None),
        ("POST", f"/v1/admin/appointments/{appointment_id}/move", {"start": visit["start"]}),
        ("POST", f"/v1/admin/appointments/{appointment_id}/confirm", None),
        ("POST", f"/v1/admin/appointments/{appointment_id}/cancel", {}),
        ("POST", f"/v1/admin/appointments/{appointment_id}/complete", {"paid_amount": 1}),
        ("POST", f"/v1/admin/appointments/{appointment_id}/no-show", None),
        (
            "POST",
            "/v1/admin/appointments",
            {
                "service_id": "manicure",
                "staff_id": visit["staff_id"],
                "start": visit["start"],
                "client_id": client_id,
            },
        ),
    ]
    for method, path, body in routes:
        r = demo_runtime.request(method, path, json=body, token=intruder)
        assert r.status_code in (403, 404), (method, path, r.status_code, r.text)
        assert set(r.json()["error"]) == {"code", "message", "fields"}
    after = demo_runtime.get(f"/v1/admin/appointments/{appointment_id}", token=owner).json()
    assert (after["status"], after["start"]) == (visit["status"], visit["start"])


def test_no_5xx_for_bad_input(demo_runtime):
    bad = [
        ("POST", "/v1/salons/demo/appointments", "{", {"Content-Type": "application/json"}),
        ("POST", "/v1/salons/demo/appointments", "[]", {"Content-Type": "application/json"}),
        ("GET", "/v1/salons/demo/slots?service_id=manicure&date=not-a-date", None, {}),
        ("GET", "/v1/salons/%00/catalog", None, {}),
        ("GET", "/v1/manage/" + "x" * 600, None, {}),
        ("POST", "/v1/manage/abc.def/explode", None, {}),
    ]
    for method, path, data, headers in bad:
        r = requests.request(method, demo_runtime.base_url + path, data=data, headers=headers, timeout=30)
        assert 400 <= r.status_code < 500, (path, r.status_code, r.text)
