"""The admin API: the salon comes from the token, and nothing of another salon is reachable."""

from __future__ import annotations

import pytest
from support.lambda_ import AdminApi
from support.salon import make_salon

pytestmark = pytest.mark.integration

TUESDAY = "2026-11-24"


@pytest.fixture
def two_salons(table, clock_at):
    make_salon("salon-a", clock_at)
    make_salon("salon-b", clock_at)
    admin_b = AdminApi("salon-b")
    client_b = admin_b.post("/v1/admin/clients", {"name": "Bea B", "phone": "+49 170 5550001"}).json
    appt_b = admin_b.post(
        "/v1/admin/appointments",
        {
            "service_id": "haircut",
            "staff_id": "anna",
            "start": f"{TUESDAY}T11:00:00+01:00",
            "client_id": client_b["id"],
        },
    )
    assert appt_b.status == 201, appt_b.text
    return {"client": client_b["id"], "appointment": appt_b.json["id"]}


def test_no_token_claims_is_401(table):
    r = AdminApi(None).get("/v1/admin/salon")
    assert r.status == 401
    assert r.json["error"]["code"] == "unauthorized"


def test_an_admin_of_salon_a_cannot_reach_any_object_of_salon_b(two_salons):
    admin_a = AdminApi("salon-a")
    c, a = two_salons["client"], two_salons["appointment"]
    attempts = [
        ("GET", f"/v1/admin/clients/{c}", None),
        ("PATCH", f"/v1/admin/clients/{c}", {"name": "Stolen"}),
        ("GET", f"/v1/admin/appointments/{a}", None),
        ("POST", f"/v1/admin/appointments/{a}/move", {"start": f"{TUESDAY}T15:00:00+01:00"}),
        ("POST", f"/v1/admin/appointments/{a}/cancel", {}),
        ("POST", f"/v1/admin/appointments/{a}/confirm", None),
        ("POST", f"/v1/admin/appointments/{a}/complete", {"paid_amount": 100}),
        ("POST", f"/v1/admin/appointments/{a}/no-show", None),
        (
            "POST",
            "/v1/admin/appointments",
            {
                "service_id": "haircut",
                "staff_id": "anna",
                "start": f"{TUESDAY}T15:00:00+01:00",
                "client_id": c,
            },
        ),
        ("POST", f"/v1/admin/clients/{c}/messages", {"text": "Hi from A", "purpose": "transactional"}),
    ]
    for n, (method, url, body) in enumerate(attempts):  # with a key where a route needs one: the salon is
        r = admin_a.request(
            method, url, body=body, headers={"Idempotency-Key": f"cross-salon-{n}"}
        )  # refused
        assert r.status in (403, 404), (method, url, r.status, r.text)
    # salon B's objects are untouched
    admin_b = AdminApi("salon-b")
    assert admin_b.get(f"/v1/admin/clients/{c}").json["name"] == "Bea B"
    appt = admin_b.get(f"/v1/admin/appointments/{a}").json
    assert (appt["status"], appt["start"]) == ("booked", f"{TUESDAY}T11:00:00+01:00")
    # lists and searches of salon A never show B
    assert admin_a.get("/v1/admin/clients?q=Bea").json["clients"] == []
    assert admin_a.get("/v1/admin/clients?q=%2B491705550001").json["clients"] == []
    assert admin_a.get(f"/v1/admin/appointments?from={TUESDAY}").json["appointments"] == []


def test_the_salon_in_a_path_or_body_is_ignored(two_salons):
    admin_a = AdminApi("salon-a")
    r = admin_a.patch("/v1/admin/salon", {"name": "Renamed A", "salon_id": "salon-b"})
    assert r.status == 422  # unknown fields are refused, not applied
    assert admin_a.patch("/v1/admin/salon", {"name": "Renamed A"}).json["name"] == "Renamed A"
    assert AdminApi("salon-b").get("/v1/admin/salon").json["name"] == "Salon salon-b"


def test_the_day_book_and_a_visit_through_its_life(table, clock_at):
    make_salon("salon-a", clock_at)
    admin = AdminApi("salon-a", email="maria@salon-a.example")
    created = admin.post(
        "/v1/admin/appointments",
        {
            "service_id": "manicure",
            "staff_id": "marta",
            "start": f"{TUESDAY}T10:00:00+01:00",
            "client": {"name": "Olga Ivanova", "phone": "+7 916 123-45-67"},
        },
    )
    assert created.status == 201, created.text
    appt = created.json
    day = admin.get(f"/v1/admin/appointments?from={TUESDAY}&staff_id=marta").json["appointments"]
    assert [x["id"] for x in day] == [appt["id"]]

    moved = admin.post(f"/v1/admin/appointments/{appt['id']}/move", {"start": f"{TUESDAY}T15:00:00+01:00"})
    assert moved.status == 200, moved.text
    assert moved.json["start"] == f"{TUESDAY}T15:00:00+01:00"
    # the old time is free again, the new one is not
    from support.lambda_ import PublicApi

    free = [
        s["start"]
        for s in PublicApi()
        .get(f"/v1/salons/salon-a/slots?service_id=manicure&date={TUESDAY}&staff_id=marta")
        .json["slots"]
    ]
    assert f"{TUESDAY}T10:00:00+01:00" in free
    assert f"{TUESDAY}T15:00:00+01:00" not in free

    early = admin.post(f"/v1/admin/appointments/{appt['id']}/complete", {"paid_amount": 3000})
    assert early.status == 409 and early.json["error"]["code"] == "appointment_future"
    bad = admin.post(f"/v1/admin/appointments/{appt['id']}/complete", {"paid_amount": -5})
    assert bad.status == 422 and bad.json["error"]["fields"][0]["field"] == "paid_amount"

    cancelled = admin.post(f"/v1/admin/appointments/{appt['id']}/cancel", {"reason": "client called"})
    assert cancelled.json["status"] == "cancelled"
    assert cancelled.json["late_cancellation"] is False  # more than 24 hours ahead
    assert [h["action"] for h in cancelled.json["history"]] == ["booked", "moved", "cancelled"]
    assert cancelled.json["history"][-1]["by"] == "admin:maria@salon-a.example"
    again = admin.post(f"/v1/admin/appointments/{appt['id']}/move", {"start": f"{TUESDAY}T16:00:00+01:00"})
    assert again.status == 409


def test_completing_and_no_show_of_past_visits(table, clock_at):
    make_salon("salon-a", clock_at)
    admin = AdminApi("salon-a")
    # an admin may write in a visit that began this morning
    past = admin.post(
        "/v1/admin/appointments",
        {
            "service_id": "brows",
            "staff_id": "anna",
            "start": "2026-11-23T07:00:00+01:00",
            "client": {"name": "Walk In", "phone": "+49 170 5550002"},
            "outside_hours": True,
        },
    )
    assert past.status == 201, past.text
    done = admin.post(f"/v1/admin/appointments/{past.json['id']}/complete", {"paid_amount": 1500})
    assert done.json["status"] == "completed" and done.json["paid_amount"] == 1500
    other = admin.post(
        "/v1/admin/appointments",
        {
            "service_id": "brows",
            "staff_id": "anna",
            "start": "2026-11-23T07:30:00+01:00",
            "client": {"name": "Nobody", "phone": "+49 170 5550003"},
            "outside_hours": True,
        },
    )
    noshow = admin.post(f"/v1/admin/appointments/{other.json['id']}/no-show")
    assert noshow.json["status"] == "no_show"


def test_catalog_administration(table, clock_at):
    make_salon("salon-a", clock_at)
    admin = AdminApi("salon-a")
    r = admin.post(
        "/v1/admin/services",
        {
            "id": "pedicure",
            "name": "Pedicure",
            "duration_minutes": 50,
            "price_amount": 4000,
            "repeat_interval_days": 28,
        },
    )
    assert r.status == 201 and r.json["price"] == {"amount": 4000, "currency": "EUR"}
    assert (
        admin.post(
            "/v1/admin/services",
            {"id": "pedicure", "name": "Again", "duration_minutes": 50, "price_amount": 1},
        ).status
        == 409
    )
    assert (
        admin.post(
            "/v1/admin/services", {"id": "x", "name": "Too long", "duration_minutes": 600, "price_amount": 1}
        ).status
        == 422
    )
    assert admin.patch("/v1/admin/services/pedicure", {"price_amount": 4200}).json["price"]["amount"] == 4200
    r = admin.patch("/v1/admin/staff/marta", {"service_ids": ["manicure", "pedicure"], "days_off": [TUESDAY]})
    assert r.status == 200 and r.json["service_ids"] == ["manicure", "pedicure"]
    assert admin.patch("/v1/admin/staff/marta", {"service_ids": ["ghost"]}).status == 422
    from support.lambda_ import PublicApi

    slots = PublicApi().get(f"/v1/salons/salon-a/slots?service_id=pedicure&date={TUESDAY}").json["slots"]
    assert slots == []  # marta is off that day
    assert admin.patch("/v1/admin/salon", {"timezone": "Mars/Olympus"}).status == 422
    s = admin.patch("/v1/admin/salon", {"settings": {"slot_step_minutes": 30, "late_cancel_hours": 48}})
    assert s.json["settings"]["slot_step_minutes"] == 30


def test_client_search_and_history(table, clock_at):
    make_salon("salon-a", clock_at)
    admin = AdminApi("salon-a")
    c = admin.post(
        "/v1/admin/clients",
        {"name": "Žofia Müller", "phone": "0171 2345678", "tags": ["vip"], "marketing_consent": True},
    ).json
    assert c["phone"] == "+491712345678"
    assert admin.post("/v1/admin/clients", {"name": "Dup", "phone": "+49 171 2345678"}).status == 409
    assert [x["id"] for x in admin.get("/v1/admin/clients?q=zof").json["clients"]] == [c["id"]]
    assert [x["id"] for x in admin.get("/v1/admin/clients?q=0171%202345678").json["clients"]] == [c["id"]]
    admin.post(
        "/v1/admin/appointments",
        {
            "service_id": "haircut",
            "staff_id": "anna",
            "start": f"{TUESDAY}T09:00:00+01:00",
            "client_id": c["id"],
        },
    )
    detail = admin.get(f"/v1/admin/clients/{c['id']}").json
    assert [a["service_id"] for a in detail["appointments"]] == ["haircut"]
    assert detail["consents"]["marketing"]["granted"] is True
    moved = admin.patch(f"/v1/admin/clients/{c['id']}", {"phone": "+49 171 9999999"}).json
    assert moved["phone"] == "+491719999999"
    assert admin.get("/v1/admin/clients?q=%2B491712345678").json["clients"] == []
    assert admin.post("/v1/admin/clients", {"name": "Reuse", "phone": "+49 171 2345678"}).status == 201


def test_patch_null_leaves_required_fields_and_clears_optional_ones(table, clock_at):
    make_salon("salon-a", clock_at)
    admin = AdminApi("salon-a")
    r = admin.patch(
        "/v1/admin/staff/anna", {"active": None, "service_ids": None, "days_off": None, "email": None}
    )
    assert r.status == 200, r.text
    assert r.json["active"] is True and r.json["service_ids"] == ["haircut", "brows"]
    r = admin.patch("/v1/admin/services/haircut", {"price_amount": None, "repeat_interval_days": None})
    assert r.status == 200 and r.json["price"]["amount"] == 4500 and r.json["repeat_interval_days"] is None
    c = admin.post(
        "/v1/admin/clients", {"name": "Nina", "phone": "+49 170 5550200", "notes": "likes tea"}
    ).json
    r = admin.patch(f"/v1/admin/clients/{c['id']}", {"name": None, "notes": None, "tags": None})
    assert r.status == 200 and r.json["name"] == "Nina" and r.json["notes"] is None


def test_the_book_refuses_dates_out_of_range(table, clock_at):
    make_salon("salon-a", clock_at)
    r = AdminApi("salon-a").get("/v1/admin/appointments?from=0010-01-01")
    assert r.status == 422 and r.json["error"]["fields"][0]["field"] == "from"


def test_a_message_the_salon_writes_is_planned_once_per_idempotency_key(table, clock_at):
    make_salon("salon-a", clock_at)
    admin = AdminApi("salon-a")
    client = admin.post("/v1/admin/clients", {"name": "Dora", "phone": "+49 170 5550002"}).json
    url = f"/v1/admin/clients/{client['id']}/messages"
    body = {"text": "Your order has arrived.", "purpose": "transactional"}
    first = admin.post(url, body, headers={"Idempotency-Key": "msg-key-0001"})
    assert first.status == 201, first.text
    assert (first.json["status"], first.json["kind"], first.json["text"]) == (
        "planned",
        "direct",
        body["text"],
    )
    again = admin.post(url, body, headers={"Idempotency-Key": "msg-key-0001"})
    assert again.status == 201 and again.json["id"] == first.json["id"]
    other = admin.post(url, {**body, "text": "Something else"}, headers={"Idempotency-Key": "msg-key-0001"})
    assert other.status == 409 and other.json["error"]["code"] == "idempotency_key_reused"
    bad = admin.post(url, {"text": "", "purpose": "spam"}, headers={"Idempotency-Key": "msg-key-0002"})
    assert bad.status == 422
    assert {f["field"] for f in bad.json["error"]["fields"]} == {"text", "purpose"}
    # without a key its retry would send it again: it is refused, and nothing is planned
    keyless = admin.post(url, {**body, "text": "Sent twice?"})
    assert (keyless.status, keyless.json["error"]["fields"]) == (
        422,
        [{"field": "idempotency-key", "reason": "Field required"}],
    )
    listed = admin.get(f"/v1/admin/clients/{client['id']}").json["messages"]
    assert [m["id"] for m in listed] == [first.json["id"]]


def test_the_day_book_names_the_client_of_every_visit_whichever_way_it_was_booked(table, clock_at):
    from support.lambda_ import PublicApi

    make_salon("salon-a", clock_at)
    admin, public = AdminApi("salon-a"), PublicApi()

    def visit(hour: int, **booking: object) -> dict:
        return {
            "service_id": "haircut",
            "staff_id": "anna",
            "start": f"{TUESDAY}T{hour:02d}:00:00+01:00",
        } | booking

    new_online = public.post(
        "/v1/salons/salon-a/appointments", visit(9, client={"name": "Eva Weber", "phone": "0151 23456789"})
    )
    known_online = public.post(  # the same phone under another name: the salon's name for the client stands
        "/v1/salons/salon-a/appointments", visit(10, client={"name": "E. W.", "phone": "+49 151 23456789"})
    )
    new_at_desk = admin.post(
        "/v1/admin/appointments", visit(11, client={"name": "Olga Ivanova", "phone": "+7 916 1234567"})
    )
    added = admin.post("/v1/admin/clients", {"name": "Jonas Klein", "phone": "0160 5550101"}).json
    by_id_at_desk = admin.post("/v1/admin/appointments", visit(12, client_id=added["id"]))
    by_phone_at_desk = admin.post(
        "/v1/admin/appointments", visit(14, client={"name": "Olga I.", "phone": "+7 916 123 45 67"})
    )
    for made in (new_online, known_online, new_at_desk, by_id_at_desk, by_phone_at_desk):
        assert made.status == 201, made.text
    day = admin.get(f"/v1/admin/appointments?from={TUESDAY}&staff_id=anna").json["appointments"]
    assert [(x["start"][11:16], x["client_name"]) for x in day] == [
        ("09:00", "Eva Weber"),
        ("10:00", "Eva Weber"),
        ("11:00", "Olga Ivanova"),
        ("12:00", "Jonas Klein"),
        ("14:00", "Olga Ivanova"),
    ]


def test_a_client_is_found_by_any_word_of_their_name_until_their_data_is_erased(table, clock_at):
    make_salon("salon-a", clock_at)
    admin = AdminApi("salon-a")
    olga = admin.post("/v1/admin/clients", {"name": "Olga Ivanova-Petrova", "phone": "+7 916 1234567"}).json
    maria = admin.post("/v1/admin/clients", {"name": "María José Núñez", "phone": "0171 2345678"}).json
    ivan = admin.post("/v1/admin/clients", {"name": "Ivan Sidorov", "phone": "+7 916 7654321"}).json

    def found(q: str) -> list[str]:
        return sorted(c["name"] for c in admin.get(f"/v1/admin/clients?q={q}").json["clients"])

    assert found("ivanova") == ["Olga Ivanova-Petrova"]  # a surname
    assert found("IVAN") == [
        "Ivan Sidorov",
        "Olga Ivanova-Petrova",
    ]  # a first name, then a surname: each once
    assert (
        found("nunez") == found("Núñez") == found("jose") == ["María José Núñez"]
    )  # any later word, accents aside
    assert found("olga%20iv") == ["Olga Ivanova-Petrova"]  # the start of the whole name
    assert found("petrova") == []  # a word is what spaces part

    erased = admin.post(f"/v1/admin/clients/{olga['id']}/erase", {"reason": "asked by phone"})
    assert erased.status == 200, erased.text
    assert found("ivanova") == [] and found("IVAN") == ["Ivan Sidorov"]
    from regulars.clients.items import NameWord
    from regulars.store.base import Entity

    words = [
        w for w in Entity.query("SALON#salon-a", Entity.sk.startswith("NAMEWORD#")) if isinstance(w, NameWord)
    ]
    assert sorted((w.word, w.client_id) for w in words) == sorted(
        [("jose", maria["id"]), ("nunez", maria["id"]), ("sidorov", ivan["id"])]
    )  # the erased client's words went with their data


def test_the_texts_a_salon_may_write_are_listed_with_their_placeholders_and_defaults(table, clock_at):
    make_salon("salon-a", clock_at)
    r = AdminApi("salon-a").get("/v1/admin/salon/templates")
    assert r.status == 200
    by_kind = {t["kind"]: t for t in r.json}
    reminder = by_kind["reminder"]
    assert "manage_link" in reminder["placeholders"] and "confirm_hint" not in reminder["placeholders"]
    assert set(reminder["defaults"]) == {"en", "ru", "es"}
    assert reminder["defaults"]["en"].startswith("Reminder: {service_name}")
    # a text the listing says is allowed is one the salon can save
    text = "{client_name}: " + " ".join("{" + p + "}" for p in reminder["placeholders"])
    saved = AdminApi("salon-a").patch(
        "/v1/admin/salon", {"settings": {"templates": {"reminder": {"es": text}}}}
    )
    assert saved.status == 200, saved.text
    assert AdminApi(None).get("/v1/admin/salon/templates").status == 401


def test_the_audit_trail_is_asked_for_by_the_salons_days(table, clock_at):
    """Half past midnight on 1 December in Berlin is still 30 November in UTC: a change made then is
    the 1st's, as the console's dates are the salon's."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from support.moments import moment

    make_salon("salon-a", clock_at)
    admin = AdminApi("salon-a")
    with moment(datetime(2026, 12, 1, 0, 30, tzinfo=ZoneInfo("Europe/Berlin"))):
        assert admin.patch("/v1/admin/salon", {"name": "Studio A"}).status == 200
        today = [e["action"] for e in admin.get("/v1/admin/audit").json["entries"]]
    first = [e["action"] for e in admin.get("/v1/admin/audit?from=2026-12-01&to=2026-12-01").json["entries"]]
    before = [e["action"] for e in admin.get("/v1/admin/audit?from=2026-11-30&to=2026-11-30").json["entries"]]
    assert (today, first, before) == (["salon.updated"], ["salon.updated"], [])
