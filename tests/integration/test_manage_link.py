"""The client's manage link: view, confirm, cancel, reschedule; nothing with a bad link."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from regulars.booking import repo as appointment_store
from regulars.core import clock
from support.tokens import altered

pytestmark = pytest.mark.integration

TUESDAY = "2026-11-24"


def book(public, start=f"{TUESDAY}T10:00:00+01:00"):
    r = public.post(
        "/v1/salons/salon-a/appointments",
        {
            "service_id": "haircut",
            "staff_id": "anna",
            "start": start,
            "client": {"name": "Eva", "phone": "0151 23456789"},
        },
    )
    assert r.status == 201, r.text
    token = parse_qs(urlsplit(r.json["manage_url"]).query)["token"][0]
    return r.json["appointment"]["id"], token


def test_view_confirm_and_cancel(salon, public):
    appointment_id, token = book(public)
    view = public.get(f"/v1/manage/{token}").json
    assert view["appointment"]["service_name"] == "Haircut"
    assert view["actions"] == {"confirm": True, "cancel": True, "reschedule": True}
    confirmed = public.post(f"/v1/manage/{token}/confirm")
    assert confirmed.json["appointment"]["status"] == "confirmed"
    assert public.post(f"/v1/manage/{token}/confirm").status == 200  # twice is once
    cancelled = public.post(f"/v1/manage/{token}/cancel", {"reason": "sick"})
    assert cancelled.json["appointment"]["status"] == "cancelled"
    assert cancelled.json["actions"] == {"confirm": False, "cancel": False, "reschedule": False}
    assert appointment_store.get("salon-a", appointment_id).cancel_reason == "sick"


def test_reschedule_to_a_free_time_only(salon, public):
    _, token = book(public)
    book_other = public.post(
        "/v1/salons/salon-a/appointments",
        {
            "service_id": "haircut",
            "staff_id": "anna",
            "start": f"{TUESDAY}T15:00:00+01:00",
            "client": {"name": "Other", "phone": "+49 170 1111111"},
        },
    )
    assert book_other.status == 201
    taken = public.post(f"/v1/manage/{token}/reschedule", {"start": f"{TUESDAY}T15:00:00+01:00"})
    assert taken.status == 409 and taken.json["error"]["code"] == "slot_taken"
    # moving by half an hour overlaps its own old time: allowed
    moved = public.post(f"/v1/manage/{token}/reschedule", {"start": f"{TUESDAY}T10:30:00+01:00"})
    assert moved.status == 200, moved.text
    assert moved.json["appointment"]["start"] == f"{TUESDAY}T10:30:00+01:00"


def test_a_tampered_or_foreign_token_is_403_and_changes_nothing(salon, public):
    appointment_id, token = book(public)
    kid, body, signature = token.split(".")
    for bad in (
        f"{kid}.{altered(body)}.{signature}",
        f"{kid}.{body}.{altered(signature)}",
        f"{kid}.{body}.AAAA",
        f"other.{body}.{signature}",
        f"{body}.{signature}",
        "not-a-token-at-all",
    ):
        r = public.post(f"/v1/manage/{bad}/cancel")
        assert r.status == 403, r.text
    assert appointment_store.get("salon-a", appointment_id).status.value == "booked"


def test_an_expired_link_is_refused(salon, public):
    _, token = book(public)
    saved = clock.offset()
    try:
        clock.advance(timedelta(days=9))  # the link lives until a week after the visit
        r = public.get(f"/v1/manage/{token}")
        assert r.status == 403 and r.json["error"]["code"] == "link_expired"
    finally:
        clock.set_offset(saved)


def test_too_late_to_cancel_online(salon, public):
    _, token = book(public, start="2026-11-23T11:00:00+01:00")  # two hours after now
    saved = clock.offset()
    try:
        clock.advance(timedelta(hours=1, minutes=30))
        r = public.post(f"/v1/manage/{token}/cancel")
        assert r.status == 409 and r.json["error"]["code"] == "too_late"
    finally:
        clock.set_offset(saved)
