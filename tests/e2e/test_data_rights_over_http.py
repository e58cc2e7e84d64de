"""A client's data rights on the running local runtime: a client who booked through the widget (with
an Idempotency-Key), linked Telegram, was written to and cancelled is exported as JSON, then erased;
afterwards no item anywhere in the table holds their name, phone, e-mail, chat id or words, no list
finds them, the salon's figures for them stay, and both requests are in the audit trail."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest
from e2e.test_messaging_over_http import SALON_TZ, _link_telegram, _now, _phone, _wait_for
from support.runtime import aws_client
from support.traces import holding

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo-runtime")]


def _book(rt, name: str, phone: str, email: str) -> dict:
    now = _now(rt)
    for n in range(3, 25):
        day = (now + timedelta(days=n)).date().isoformat()
        slots = rt.get(f"/v1/salons/demo/slots?service_id=manicure&date={day}").json()["slots"]
        fitting = [
            s for s in slots if 12 <= datetime.fromisoformat(s["start"]).astimezone(SALON_TZ).hour < 17
        ]
        if fitting:
            body = {
                "service_id": "manicure",
                "staff_id": fitting[0]["staff_id"],
                "start": fitting[0]["start"],
                "client": {"name": name, "phone": phone, "email": email},
                "consents": {"marketing": True},
                "phone_proof": rt.prove(phone),
            }
            made = rt.post(
                "/v1/salons/demo/appointments",
                json=body,
                headers={"Idempotency-Key": f"widget-{uuid.uuid4().hex}"},
            )
            assert made.status_code == 201, made.text
            return made.json()
    raise AssertionError("no free afternoon slot")


def _items_holding(rt, needles: list[str]) -> list[dict]:
    """Every item of the runtime's table that holds one of ``needles`` anywhere, keys included."""
    stack = rt.resources()
    ddb = aws_client("dynamodb", stack["dynamodb"]["endpoint"])
    return holding(ddb.get_paginator("scan").paginate(TableName=stack["table"]), needles)


def test_a_client_exported_then_erased_leaves_no_trace_but_the_figures(demo_runtime):
    rt = demo_runtime
    token = rt.token("demo")
    tag = uuid.uuid4().hex[:8].translate(str.maketrans("0123456789", "ghijklmnop"))  # a name has no digits
    name, email = f"Erin Erasable {tag}", f"erin.{tag}@example.com"
    phone = f"+49152{uuid.uuid4().int % 10**8:08d}"
    booked = _book(rt, name, phone, email)
    visit_id = booked["appointment"]["id"]
    client_id = rt.get(f"/v1/admin/appointments/{visit_id}", token=token).json()["client_id"]
    rt.drain()
    chat_id = _link_telegram(rt, booked)
    assert _wait_for(lambda: _phone(rt, phone)), "the booking notice by SMS"
    rt.request(
        "PATCH",
        f"/v1/admin/clients/{client_id}",
        token=token,
        json={"notes": f"{name} prefers mornings", "tags": ["vip"]},
    )
    written = rt.post(
        f"/v1/admin/clients/{client_id}/messages",
        token=token,
        json={"text": f"Dear {name}, see you soon!", "purpose": "transactional"},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert written.status_code == 201, written.text
    assert _wait_for(lambda: [m for m in _phone(rt, str(chat_id)) if "see you soon" in m["text"]])

    # a visit to come: erasure is refused, and nothing changes
    refused = rt.post(f"/v1/admin/clients/{client_id}/erase", token=token, json={})
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "client_has_upcoming_visits"
    assert rt.get(f"/v1/admin/clients/{client_id}", token=token).json()["phone"] == phone

    cancelled = rt.post(
        f"/v1/admin/appointments/{visit_id}/cancel", token=token, json={"reason": f"{name} is moving away"}
    )  # her words, in the visit and its history
    assert cancelled.status_code == 200, cancelled.text
    rt.drain()
    needles = [name, phone, phone.lstrip("+"), email, str(chat_id)]
    before = _items_holding(rt, needles)
    kinds = {i["type"]["S"] for i in before}
    assert {"Client", "PhoneIndex", "Appointment", "Message", "Contact", "ProviderMessage"} <= kinds, kinds

    exported = rt.get(f"/v1/admin/clients/{client_id}/export", token=token)
    assert exported.status_code == 200, exported.text
    data = exported.json()
    assert (data["client"]["name"], data["client"]["phone"], data["client"]["email"]) == (name, phone, email)
    assert [v["appointment_id"] for v in data["visits"]] == [visit_id]
    assert any("see you soon" in (m["text"] or "") for m in data["messages"])
    assert data["messages_about"], "the staff member's notices speak of the client"

    erased = rt.post(f"/v1/admin/clients/{client_id}/erase", token=token, json={"reason": "asked by phone"})
    assert erased.status_code == 200, erased.text
    assert erased.json()["already"] is False
    rt.drain()

    assert _items_holding(rt, needles) == []
    client = rt.get(f"/v1/admin/clients/{client_id}", token=token).json()
    assert (client["name"], client["phone"], client["email"], client["notes"], client["tags"]) == (
        "Erased client",
        None,
        None,
        None,
        [],
    )
    assert client["erased_at"] and client["stats"]["cancellations"] == 1  # the figures stay
    assert len(client["messages"]) == len(data["messages"])  # counted still, with no words
    assert all(m["text"] is None for m in client["messages"])
    assert rt.get(f"/v1/admin/clients?q={phone.replace('+', '%2B')}", token=token).json()["clients"] == []
    assert rt.get(f"/v1/admin/clients?q=Erin Erasable {tag}", token=token).json()["clients"] == []
    listed = rt.get(
        f"/v1/admin/retention/clients?status={data['client']['lifecycle']['status']}&limit=500", token=token
    )
    assert listed.status_code == 200 and client_id not in {c["client_id"] for c in listed.json()["clients"]}

    again = rt.post(f"/v1/admin/clients/{client_id}/erase", token=token, json={})
    assert again.status_code == 200 and again.json()["already"] is True
    write = rt.post(
        f"/v1/admin/clients/{client_id}/messages",
        token=token,
        json={"text": "hi", "purpose": "marketing"},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert write.status_code == 409 and write.json()["error"]["code"] == "client_erased"

    trail = rt.get("/v1/admin/audit", token=token).json()["entries"]
    mine = [(e["action"], e["by"]) for e in trail if e["client_id"] == client_id]
    assert [a for a, _ in mine] == ["client.erased", "client.exported"]
    assert all(by.startswith("admin:") for _, by in mine)
