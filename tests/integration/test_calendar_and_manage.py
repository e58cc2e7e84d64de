"""Calendar files and the manage page on DynamoDB Local, over the functions' HTTP events: a visit's
.ics follows its moves and its cancellation; a staff member's feed works for its secret only (made,
rotated, revoked by the owner, audited) and names no phone; a visit moves into its own time; a
cancellation keeps the client's reason; the client's link shows their bonus and what burns when."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import icalendar
import pytest
from regulars.booking import repo as appointment_store
from regulars.core import links
from regulars.core.config import link_keys
from regulars.loyalty import credits
from regulars.salon import repo as catalog_store
from regulars.store import audit
from support.lambda_ import AdminApi
from support.salon import make_salon

pytestmark = pytest.mark.integration

SALON = "salon-a"
TUESDAY = "2026-11-24"
PHONE = "+49 151 23456789"


def book(public, start=f"{TUESDAY}T10:00:00+01:00", name="Eva Schmidt", phone=PHONE):
    r = public.post(
        f"/v1/salons/{SALON}/appointments",
        {
            "service_id": "haircut",
            "staff_id": "anna",
            "start": start,
            "client": {"name": name, "phone": phone},
        },
    )
    assert r.status == 201, r.text
    return r.json["appointment"], parse_qs(urlsplit(r.json["manage_url"]).query)["token"][0]


def client_token(appointment_id: str) -> str:
    """The link the client's own phone gets (client scope), as a message carries it."""
    catalog = catalog_store.load_catalog(SALON)
    url = links.manage_url(catalog.salon, appointment_store.get(SALON, appointment_id), keys=link_keys())
    return parse_qs(urlsplit(url).query)["token"][0]


def event_of(text: str) -> icalendar.Event:
    (event,) = icalendar.Calendar.from_ical(text).walk("VEVENT")
    return event


def test_a_visit_moves_into_its_own_time_and_its_file_follows_to_the_cancellation(salon, public):
    a, token = book(public)
    first = public.get(f"/v1/manage/{token}/calendar")
    assert first.status == 200 and first.headers["content-type"].startswith("text/calendar")
    assert "attachment" in first.headers["content-disposition"]
    booked = event_of(first.text)
    assert booked["SEQUENCE"] == 0 and booked["STATUS"] == "CONFIRMED"
    assert str(booked["LOCATION"]).startswith(salon.salon.name)

    # the widget's slots are anyone's: 10:15 overlaps the visit itself; the manage link's are the visit's
    widget = public.get(f"/v1/salons/{SALON}/slots?service_id=haircut&staff_id=anna&date={TUESDAY}").json
    assert f"{TUESDAY}T10:15:00+01:00" not in [s["start"] for s in widget["slots"]]
    own = public.get(f"/v1/manage/{token}/slots?date={TUESDAY}").json["slots"]
    starts = [s["start"] for s in own]
    assert f"{TUESDAY}T10:15:00+01:00" in starts and f"{TUESDAY}T09:45:00+01:00" in starts
    assert f"{TUESDAY}T10:00:00+01:00" not in starts  # where it is already
    moved = public.post(f"/v1/manage/{token}/reschedule", {"start": f"{TUESDAY}T10:15:00+01:00"})
    assert moved.status == 200, moved.text
    assert moved.json["appointment"]["start"] == f"{TUESDAY}T10:15:00+01:00"
    after_move = event_of(public.get(f"/v1/manage/{token}/calendar").text)
    assert after_move["UID"] == booked["UID"] and after_move["SEQUENCE"] == 1
    assert after_move.decoded("DTSTART").isoformat() == f"{TUESDAY}T09:15:00+00:00"

    # a reason outside the list changes nothing
    bad = public.post(f"/v1/manage/{token}/cancel", {"reason_code": "bored"})
    assert bad.status == 422 and "reason_code" in bad.text
    assert appointment_store.get(SALON, a["id"]).status.value == "booked"
    cancelled = public.post(
        f"/v1/manage/{token}/cancel", {"reason_code": "unwell", "reason": "A cold, sorry"}
    )
    assert cancelled.status == 200 and cancelled.json["appointment"]["status"] == "cancelled"
    stored = appointment_store.get(SALON, a["id"])
    assert stored.cancel_reason == "A cold, sorry"
    assert stored.history[-1].model_dump()["reason_code"] == "unwell"
    gone = event_of(public.get(f"/v1/manage/{token}/calendar").text)
    assert gone["STATUS"] == "CANCELLED" and gone["UID"] == booked["UID"] and gone["SEQUENCE"] == 2
    assert public.get(f"/v1/manage/{token}/slots?date={TUESDAY}").json["slots"] == []
    assert public.get("/v1/manage/not-a-token-at-all/calendar").status == 403


def test_a_picked_reason_alone_is_the_cancel_reason(salon, public):
    a, token = book(public)
    assert public.post(f"/v1/manage/{token}/cancel", {"reason_code": "another_time"}).status == 200
    assert appointment_store.get(SALON, a["id"]).cancel_reason == "another_time"


def test_the_bonus_and_the_offers_show_on_the_clients_own_link_only(salon, public, clock_at):
    a, visit_token = book(public)
    for source_id, amount, days in (("spring", 500, 10), ("summer", 300, 10), ("later", 1200, 40)):
        credits.credit(
            SALON,
            a["client_id"] if "client_id" in a else appointment_store.get(SALON, a["id"]).client_id,
            amount=amount,
            source="campaign",
            source_id=source_id,
            lifetime_days=days,
            at=clock_at,
            now=clock_at,
            announce=None,
        )
    # a link handed to whoever booked without proving the phone: the visit only
    assert public.get(f"/v1/manage/{visit_token}/bonus").json == {
        "shown": False,
        "balance": None,
        "currency": None,
        "burns": [],
    }
    view = public.get(f"/v1/manage/{visit_token}").json
    assert view["marketing"] is None and view["telegram_url"] is None
    assert public.post(f"/v1/manage/{visit_token}/subscribe").status == 403

    token = client_token(a["id"])
    bonus = public.get(f"/v1/manage/{token}/bonus").json
    assert bonus["shown"] is True and bonus["balance"] == 2000 and bonus["currency"] == "EUR"
    soon = (clock_at + timedelta(days=10)).astimezone(salon.salon.tz).date().isoformat()
    later = (clock_at + timedelta(days=40)).astimezone(salon.salon.tz).date().isoformat()
    assert bonus["burns"] == [{"day": soon, "amount": 800}, {"day": later, "amount": 1200}]
    view = public.get(f"/v1/manage/{token}").json
    assert view["marketing"] is False
    on = public.post(f"/v1/manage/{token}/subscribe")
    assert on.status == 200 and on.json["marketing"] is True
    from regulars.clients import repo as client_store

    consent = client_store.get(SALON, appointment_store.get(SALON, a["id"]).client_id).consents["marketing"]
    assert consent["granted"] is True and consent["source"] == "manage_link" and consent["text"]


def test_a_staff_feed_works_for_its_secret_only(salon, public, clock_at):
    make_salon("salon-b", clock_at)
    book(public, name="Eva Schmidt", phone=PHONE)
    book(public, start=f"{TUESDAY}T15:00:00+01:00", name="Olga Petrova", phone="+49 170 1111111")
    owner = AdminApi(SALON)
    assert owner.get("/v1/admin/staff/anna/calendar-feed").json["active"] is False
    assert (
        AdminApi(SALON, email="desk@example.com", role="reception")
        .post("/v1/admin/staff/anna/calendar-feed")
        .status
        == 403
    )
    assert owner.post("/v1/admin/staff/nobody/calendar-feed").status == 404

    made = owner.post("/v1/admin/staff/anna/calendar-feed", headers={"Idempotency-Key": "rotation-0001"})
    assert made.status == 201, made.text
    path = made.json["path"]
    again = owner.post("/v1/admin/staff/anna/calendar-feed", headers={"Idempotency-Key": "rotation-0001"})
    assert again.status == 201 and again.json["path"] == path  # a retry is the same feed
    state = owner.get("/v1/admin/staff/anna/calendar-feed").json
    assert state["active"] is True and state["path"] is None  # never shown again

    feed = public.get(path)
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(feed.text)
    summaries = sorted(str(e["SUMMARY"]) for e in cal.walk("VEVENT"))
    assert summaries == ["Eva · Haircut", "Olga · Haircut"]
    for secret in ("151", "23456789", "1111111", "Schmidt", "Petrova"):
        assert secret not in feed.text

    # another salon's staff member of the same id, another member, an altered secret: refused
    secret = path.rsplit("/", 1)[1]
    for bad in (
        f"/v1/calendar-feeds/salon-b/anna/{secret}",
        f"/v1/calendar-feeds/{SALON}/marta/{secret}",
        f"/v1/calendar-feeds/{SALON}/anna/{secret[:-1]}{'a' if secret[-1] != 'a' else 'b'}",
    ):
        assert public.get(bad).status == 403, bad

    rotated = owner.post("/v1/admin/staff/anna/calendar-feed", headers={"Idempotency-Key": "rotation-0002"})
    assert rotated.status == 201 and rotated.json["path"] != path
    assert public.get(path).status == 403 and public.get(rotated.json["path"]).status == 200
    reused = owner.post("/v1/admin/staff/anna/calendar-feed", headers={"Idempotency-Key": "rotation-0001"})
    assert reused.status == 409 and reused.json["error"]["code"] == "idempotency_key_reused"
    assert public.get(path).status == 403  # the old secret did not come back

    revoked = owner.delete("/v1/admin/staff/anna/calendar-feed")
    assert revoked.status == 200 and revoked.json["active"] is False
    assert public.get(rotated.json["path"]).status == 403
    assert owner.get("/v1/admin/staff/anna/calendar-feed").json["active"] is False
    actions = [
        e.action for e in audit.trail(SALON, clock_at - timedelta(days=1), clock_at + timedelta(days=1))
    ]
    assert sorted(actions) == ["calendar_feed.created", "calendar_feed.revoked", "calendar_feed.rotated"]
