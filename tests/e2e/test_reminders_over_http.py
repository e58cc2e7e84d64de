"""Reminders on the running local runtime: a booking, the clock moved to 24 hours before the
visit, and the reminder appears in the client's outbox; a cancelled visit gets none."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo-runtime")]


def _book_in_two_days(rt):
    now = datetime.fromisoformat(rt.get("/local/clock").json()["now"])
    for n in range(2, 20):
        day = (now + timedelta(days=n)).date().isoformat()
        slots = rt.get(f"/v1/salons/demo/slots?service_id=manicure&date={day}").json()["slots"]
        if slots:
            slot = slots[-1]
            phone = f"+49 151 {uuid.uuid4().int % 10**8:08d}"
            made = rt.post(
                "/v1/salons/demo/appointments",
                json={
                    "service_id": "manicure",
                    "staff_id": slot["staff_id"],
                    "start": slot["start"],
                    "client": {"name": "Reminder Test", "phone": phone},
                    "phone_proof": rt.prove(phone),
                },
            )
            assert made.status_code == 201, made.text
            return made.json()["appointment"], now
    raise AssertionError("no free slot")


def _messages(rt, token, appointment_id):
    visit = rt.get(f"/v1/admin/appointments/{appointment_id}", token=token).json()
    client = rt.get(f"/v1/admin/clients/{visit['client_id']}", token=token).json()
    return [
        m
        for m in client["messages"]
        if m["appointment_id"] == appointment_id and m["kind"].startswith("reminder")
    ]


def test_the_reminders_come_when_the_clock_gets_there(demo_runtime):
    token = demo_runtime.token("demo")
    keep, now = _book_in_two_days(demo_runtime)
    cancelled, _ = _book_in_two_days(demo_runtime)
    demo_runtime.drain()
    assert _messages(demo_runtime, token, keep["id"]) == []
    demo_runtime.post(f"/v1/admin/appointments/{cancelled['id']}/cancel", token=token, json={})
    start = datetime.fromisoformat(keep["start"])
    # to 23 hours before the visit: past the 24-hour reminder, not yet the 2-hour one
    minutes = (start - timedelta(hours=23) - now).total_seconds() / 60
    demo_runtime.advance(max(minutes, 1))
    demo_runtime.drain()
    sent = _messages(demo_runtime, token, keep["id"])
    assert [(m["kind"], m["purpose"]) for m in sent] == [("reminder_with_confirmation", "transactional")]
    assert _messages(demo_runtime, token, cancelled["id"]) == []
