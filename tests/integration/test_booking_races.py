"""Races and edges a review found: concurrent replays of one key, a consent change racing the
statistics, a rescheduled visit's link, midnight closing, visits completed early."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from regulars.clients import repo as client_store
from regulars.clients.items import Client
from regulars.core import clock
from regulars.salon import repo as catalog_store
from regulars.salon.model import StaffMember
from support.lambda_ import AdminApi, PublicApi
from support.phones import prove

pytestmark = pytest.mark.integration

TUESDAY = "2026-11-24"


def booking(start=f"{TUESDAY}T10:00:00+01:00", phone="0151 23456789", **extra):
    return {
        "service_id": "haircut",
        "staff_id": "anna",
        "start": start,
        "client": {"name": "Eva Weber", "phone": phone},
    } | extra


def test_concurrent_replays_of_one_key_all_get_the_first_answer(salon):
    key = {"Idempotency-Key": "same-key-for-everyone"}
    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(
            pool.map(
                lambda i: PublicApi(environment=100 + i).post(
                    "/v1/salons/salon-a/appointments", booking(), headers=key
                ),
                range(12),
            )
        )
    created = [a for a in answers if a.status == 201]
    in_progress = [
        a for a in answers if a.status == 409 and a.json["error"]["code"] == "idempotency_in_progress"
    ]
    assert len(created) + len(in_progress) == 12, [(a.status, a.text) for a in answers]
    assert len({a.text for a in created}) == 1  # one booking, one answer, byte for byte
    assert not [a for a in answers if a.status == 409 and a.json["error"]["code"] == "slot_taken"]
    again = PublicApi().post("/v1/salons/salon-a/appointments", booking(), headers=key)
    assert (again.status, again.text) == (201, created[0].text)


def test_the_same_instant_in_another_offset_is_the_same_request(salon, public):
    key = {"Idempotency-Key": "offset-key-0001"}
    first = public.post("/v1/salons/salon-a/appointments", booking(), headers=key)
    utc = public.post(
        "/v1/salons/salon-a/appointments", booking(start=f"{TUESDAY}T09:00:00+00:00"), headers=key
    )
    assert (utc.status, utc.text) == (first.status, first.text)


def test_a_consent_change_keeps_the_clients_version_moving_forward(salon, public):
    public.post("/v1/salons/salon-a/appointments", booking())
    client_id = client_store.client_id_by_phone("salon-a", "+4915123456789")
    before = Client.find(salon_id="salon-a", client_id=client_id, consistent=True).version
    r = public.post(
        "/v1/salons/salon-a/appointments",
        booking(
            start=f"{TUESDAY}T15:00:00+01:00",
            consents={"marketing": True},
            phone_proof=prove(public, "+4915123456789"),
        ),
    )
    assert r.status == 201, r.text
    after = Client.find(salon_id="salon-a", client_id=client_id, consistent=True)
    assert after.version == before + 1
    assert after.consents["marketing"]["granted"] is True


def test_a_rescheduled_visit_keeps_its_link_alive(salon, public):
    made = public.post("/v1/salons/salon-a/appointments", booking())
    token = parse_qs(urlsplit(made.json["manage_url"]).query)["token"][0]
    moved = public.post(f"/v1/manage/{token}/reschedule", {"start": "2027-01-19T10:00:00+01:00"})
    assert moved.status == 200, moved.text
    saved = clock.offset()
    try:
        clock.advance(timedelta(days=9))  # past the original visit plus a week
        assert public.get(f"/v1/manage/{token}").status == 200
        clock.advance(timedelta(days=70))  # past the new visit plus a week
        assert public.get(f"/v1/manage/{token}").json["error"]["code"] == "link_expired"
    finally:
        clock.set_offset(saved)


def test_hours_until_midnight_keep_the_last_slot(salon, public):
    late = {d: [("20:00", "24:00")] for d in ("mon", "tue", "wed", "thu", "fri")}
    catalog_store.put_staff(
        "salon-a",
        StaffMember(id="nina", name="Nina", service_ids=["haircut"], working_hours=late),
        create=True,
    )
    starts = [
        s["start"]
        for s in public.get(f"/v1/salons/salon-a/slots?service_id=haircut&date={TUESDAY}&staff_id=nina").json[
            "slots"
        ]
    ]
    assert starts[-1] == f"{TUESDAY}T23:00:00+01:00"


def test_a_visit_completed_early_still_holds_its_time(salon, public, clock_at):
    admin = AdminApi("salon-a")
    soon = admin.post(
        "/v1/admin/appointments",
        {
            "service_id": "haircut",
            "staff_id": "anna",
            "start": "2026-11-23T09:30:00+01:00",
            "client": {"name": "Early", "phone": "+49 170 5550400"},
        },
    )
    assert soon.status == 201, soon.text
    assert (
        admin.post(f"/v1/admin/appointments/{soon.json['id']}/complete", {"paid_amount": 4500}).status == 200
    )
    starts = {
        s["start"]
        for s in public.get("/v1/salons/salon-a/slots?service_id=haircut&date=2026-11-23&staff_id=anna").json[
            "slots"
        ]
    }
    assert "2026-11-23T10:15:00+01:00" not in starts  # still inside the completed visit's hour
    later = [s for s in sorted(starts) if s >= "2026-11-23T10:30:00+01:00"]
    assert later and later[0] == "2026-11-23T10:30:00+01:00"
    assert public.post("/v1/salons/salon-a/appointments", booking(start=later[0])).status == 201


def test_admin_replays_are_byte_identical(salon):
    admin = AdminApi("salon-a")
    body = {
        "service_id": "haircut",
        "staff_id": "anna",
        "start": f"{TUESDAY}T11:00:00+01:00",
        "client": {"name": "Jürgen Groß", "phone": "+49 170 5550401"},
    }
    key = {"Idempotency-Key": "admin-key-0001"}
    first, again = (admin.post("/v1/admin/appointments", body, headers=key) for _ in range(2))
    assert first.status == 201 and (again.status, again.text) == (201, first.text)
    # the widget's key space is its own
    widget = PublicApi().post(
        "/v1/salons/salon-a/appointments", booking(start=f"{TUESDAY}T11:00:00+01:00"), headers=key
    )
    assert widget.status == 409 and widget.json["error"]["code"] == "slot_taken"
