"""Messages on the running local runtime, end to end: the widget books, the stream plans the notices,
dispatch routes them, the senders hand them to the providers (fake Telegram and WhatsApp on loopback,
SMS through moto's SNS), and the phone view shows what each provider received. The client's side is
played through the providers: a signed webhook call for a Telegram button, an in-bound SMS through
the two-way SMS topic."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from support.runtime import aws_client

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo-runtime")]

SALON_TZ = ZoneInfo("Europe/Berlin")  # the demo salon's


def _now(rt) -> datetime:
    return datetime.fromisoformat(rt.get("/local/clock").json()["now"])


def _phone_number() -> str:
    return f"+49151{uuid.uuid4().int % 10**8:08d}"


def _book(rt, *, marketing: bool | None = None, after_days: int = 2, hours: tuple[int, int] = (12, 17)):
    """Book a manicure at a local afternoon time a few days ahead, for a new client."""
    now = _now(rt)
    phone = _phone_number()
    # the demo's own staff (whose phones get the staff notices): the booking page's catalog may still
    # show, for its cache's seconds, a member another test added and took out of the book again
    demo_staff = {
        m["id"]
        for m in rt.get("/v1/admin/staff", token=rt.token("demo")).json()
        if m["active"] and m["phone"]
    }
    for n in range(after_days, after_days + 20):
        day = (now + timedelta(days=n)).date().isoformat()
        slots = rt.get(f"/v1/salons/demo/slots?service_id=manicure&date={day}").json()["slots"]
        fitting = [
            s
            for s in slots
            if hours[0] <= datetime.fromisoformat(s["start"]).astimezone(SALON_TZ).hour < hours[1]
            and s["staff_id"] in demo_staff
        ]
        if fitting:
            slot = fitting[0]
            body = {
                "service_id": "manicure",
                "staff_id": slot["staff_id"],
                "start": slot["start"],
                "client": {"name": "Ada Message", "phone": phone},
                "phone_proof": rt.prove(phone),
            }
            if marketing is not None:
                body["consents"] = {"marketing": marketing}
            made = rt.post("/v1/salons/demo/appointments", json=body)
            assert made.status_code == 201, made.text
            return made.json(), phone
    raise AssertionError("no free afternoon slot")


def _phone(rt, to: str) -> list[dict]:
    """What ``to`` received, the one-time code its booking was proven with aside."""
    return [
        m
        for m in rt.get("/local/phone").json()["messages"]
        if m["to"] == to and "is your code to book" not in m["text"]
    ]


def _wait_for(predicate, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.3)


def _client(rt, token: str, appointment_id: str) -> dict:
    visit = rt.get(f"/v1/admin/appointments/{appointment_id}", token=token).json()
    return rt.get(f"/v1/admin/clients/{visit['client_id']}", token=token).json()


def _link_telegram(rt, booked: dict) -> int:
    chat_id = uuid.uuid4().int % 10**9 + 10**9
    payload = booked["telegram_url"].split("start=", 1)[1]
    answer = rt.post(
        "/local/phone/act", json={"action": "telegram_start", "chat_id": chat_id, "payload": payload}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["body"]["method"] == "sendMessage"
    return chat_id


def _advance_to(rt, moment: datetime) -> None:
    minutes = (moment - _now(rt)).total_seconds() / 60
    if minutes > 0:
        rt.advance(minutes)
    rt.drain()


def _telegram_client(rt) -> tuple[str, str, int, str]:
    """A new client who booked and linked Telegram: (admin token, phone, chat id, client id)."""
    token = rt.token("demo")
    booked, phone = _book(rt)
    rt.drain()
    chat_id = _link_telegram(rt, booked)
    return token, phone, chat_id, _client(rt, token, booked["appointment"]["id"])["id"]


def _send(rt, token: str, client_id: str, text: str, purpose: str) -> dict:
    made = rt.post(
        f"/v1/admin/clients/{client_id}/messages",
        token=token,
        json={"text": text, "purpose": purpose},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert made.status_code == 201, made.text
    return made.json()


def _message(rt, token: str, client_id: str, message_id: str) -> dict:
    messages = rt.get(f"/v1/admin/clients/{client_id}", token=token).json()["messages"]
    return next(m for m in messages if m["id"] == message_id)


def test_a_booking_notifies_the_client_and_the_staff_member_then_reminders_and_a_telegram_confirmation(
    demo_runtime,
):
    rt = demo_runtime
    token = rt.token("demo")
    booked, phone = _book(rt)
    assert booked["telegram_url"].startswith("https://t.me/regulars_local_bot?start=")
    rt.drain()
    (notice,) = _wait_for(lambda: _phone(rt, phone))
    assert notice["channel"] == "sms" and "you're booked at Studio Demo" in notice["text"]
    assert "/manage.html?token=" in rt.link_in(notice["text"])

    chat_id = _link_telegram(rt, booked)
    start = datetime.fromisoformat(booked["appointment"]["start"])
    _advance_to(rt, start - timedelta(hours=23, minutes=50))  # past the 24-hour reminder
    # the staff member's notice went at once, or at 09:00 if the booking came in the quiet hours
    staff_notices = _wait_for(
        lambda: [
            m
            for m in rt.get("/local/phone").json()["messages"]
            if m["text"].startswith("New booking: Ada Message")
        ]
    )
    assert len(staff_notices) == 1 and staff_notices[0]["to"].startswith("+4915155500")
    reminders = _wait_for(lambda: [m for m in _phone(rt, str(chat_id)) if m["text"].startswith("Reminder")])
    assert len(reminders) == 1 and reminders[0]["buttons"] == ["Confirm", "Cancel visit"]

    pressed = rt.post(
        "/local/phone/act", json={"action": "telegram_press", "chat_id": chat_id, "button": "Confirm"}
    )
    assert pressed.json()["body"]["text"] == "Thank you, your visit is confirmed."
    visit = rt.get(f"/v1/admin/appointments/{booked['appointment']['id']}", token=token).json()
    assert visit["status"] == "confirmed"

    _advance_to(rt, start - timedelta(hours=1, minutes=55))  # past the 2-hour reminder
    reminders = _wait_for(
        lambda: [m for m in _phone(rt, str(chat_id)) if m["text"].startswith("Reminder")][1:]
    )
    assert len(reminders) == 1 and reminders[0]["buttons"] == []  # a confirmed visit is not asked again
    client = _client(rt, token, booked["appointment"]["id"])
    kinds = sorted((m["kind"], m["channel"], m["status"]) for m in client["messages"])
    assert kinds == [
        ("appointment_booked", "sms", "sent"),
        ("reminder", "telegram", "sent"),
        ("reminder_with_confirmation", "telegram", "sent"),
    ]


def test_cancelling_a_visit_withdraws_its_reminders_and_tells_the_client(demo_runtime):
    rt = demo_runtime
    token = rt.token("demo")
    booked, phone = _book(rt)
    rt.drain()
    cancelled = rt.post(f"/v1/admin/appointments/{booked['appointment']['id']}/cancel", token=token, json={})
    assert cancelled.status_code == 200, cancelled.text
    rt.drain()
    start = datetime.fromisoformat(booked["appointment"]["start"])
    _advance_to(rt, start - timedelta(hours=1))
    texts = [m["text"] for m in _wait_for(lambda: len(_phone(rt, phone)) >= 2 and _phone(rt, phone))]
    assert texts[0].startswith("Ada Message, you're booked") and "is cancelled" in texts[1]
    assert len(texts) == 2 and not any(m["text"].startswith("Reminder") for m in _phone(rt, phone))
    kinds = {m["kind"] for m in _client(rt, token, booked["appointment"]["id"])["messages"]}
    assert kinds == {"appointment_booked", "appointment_cancelled"}


def test_a_provider_that_answers_429_then_200_gets_the_message_once(demo_runtime):
    rt = demo_runtime
    token, _, chat_id, client_id = _telegram_client(rt)
    scripted = rt.post(
        "/local/phone/script",
        json={
            "channel": "telegram",
            "behaviour": "too_many_requests",
            "retry_after": 1,
            "times": 1,
            "to": chat_id,
        },
    )
    assert scripted.status_code == 200, scripted.text
    sent = _send(rt, token, client_id, "Your colour is in stock again.", "transactional")
    got = _wait_for(
        lambda: [m for m in _phone(rt, str(chat_id)) if m["text"] == "Your colour is in stock again."]
    )
    assert len(got) == 1
    message = _wait_for(lambda: (m := _message(rt, token, client_id, sent["id"]))["status"] == "sent" and m)
    # sent on its second call: the 429 was the channel's pace, counted as a throttle and not an attempt
    assert (message["attempts"], message["throttled"], message["channel"]) == (1, 1, "telegram")
    time.sleep(1.5)
    assert len([m for m in _phone(rt, str(chat_id)) if m["text"] == "Your colour is in stock again."]) == 1


def test_a_blocked_bot_sends_the_message_on_the_next_channel(demo_runtime):
    rt = demo_runtime
    token, phone, chat_id, client_id = _telegram_client(rt)
    rt.post("/local/phone/script", json={"channel": "telegram", "behaviour": "blocked", "to": chat_id})
    sent = _send(rt, token, client_id, "We moved to a new address.", "transactional")
    got = _wait_for(lambda: [m for m in _phone(rt, phone) if m["text"] == "We moved to a new address."])
    assert len(got) == 1 and got[0]["channel"] == "sms"
    message = _wait_for(lambda: (m := _message(rt, token, client_id, sent["id"]))["status"] == "sent" and m)
    assert message["channel"] == "sms"
    client = rt.get(f"/v1/admin/clients/{client_id}", token=token).json()
    assert client["channels"]["telegram"]["unreachable"]["reason"] == "Forbidden: bot was blocked by the user"
    assert [m for m in _phone(rt, str(chat_id)) if m["text"] == "We moved to a new address."] == []


def test_duplicated_queue_deliveries_send_once(demo_runtime):
    rt = demo_runtime
    token, _, chat_id, client_id = _telegram_client(rt)
    stack = rt.resources()
    sqs = aws_client("sqs", stack["aws_endpoint"])
    queue_url = stack["resources"]["SendQueue"]["QueueUrl"]
    # the provider takes two seconds to answer: a duplicate arrives while the first is being sent
    rt.post(
        "/local/phone/script",
        json={
            "channel": "telegram",
            "behaviour": "hang",
            "seconds": 2,
            "delivered": True,
            "times": 1,
            "to": chat_id,
        },
    )
    sent = _send(rt, token, client_id, "Twice delivered, once sent.", "transactional")
    sending = _wait_for(
        lambda: (m := _message(rt, token, client_id, sent["id"]))["status"] == "sending" and m, 10
    )
    assert sending, "the sender should be waiting on the provider"
    body = json.dumps({"salon_id": "demo", "message_id": sent["id"], "channel": "telegram", "route": 1})
    sqs.send_message(QueueUrl=queue_url, MessageBody=body)
    done = _wait_for(lambda: (m := _message(rt, token, client_id, sent["id"]))["status"] == "sent" and m)
    assert done["attempts"] == 1
    # and once more after it was sent
    sqs.send_message(QueueUrl=queue_url, MessageBody=body)
    sqs.send_message(QueueUrl=queue_url, MessageBody=body)
    rt.drain()
    assert len([m for m in _phone(rt, str(chat_id)) if m["text"] == "Twice delivered, once sent."]) == 1
    assert _message(rt, token, client_id, sent["id"])["attempts"] == 1


def test_marketing_needs_consent_and_stop_over_sms_ends_it_at_once(demo_runtime):
    rt = demo_runtime
    token = rt.token("demo")
    without, _ = _book(rt, marketing=None)
    willing, phone = _book(rt, marketing=True)
    rt.drain()
    _wait_for(lambda: _phone(rt, phone))
    no_consent = _client(rt, token, without["appointment"]["id"])["id"]
    consented = _client(rt, token, willing["appointment"]["id"])["id"]
    first_offer = _send(rt, token, no_consent, "20% off colour this week.", "marketing")
    rt.drain()
    skipped = _wait_for(
        lambda: (m := _message(rt, token, no_consent, first_offer["id"]))["status"] == "skipped" and m
    )
    assert skipped["skip_reason"] == "no marketing consent on any channel that reaches the client"
    # visit messages still reach the client who gave no consent to marketing
    notices = [
        m
        for m in rt.get(f"/v1/admin/clients/{no_consent}", token=token).json()["messages"]
        if m["kind"] == "appointment_booked"
    ]
    assert [m["status"] for m in notices] == ["sent"]

    stop = rt.post("/local/phone/act", json={"action": "sms_reply", "from": phone, "text": "STOP"})
    assert stop.status_code == 200, stop.text
    rt.drain()
    client = _wait_for(
        lambda: (
            (c := rt.get(f"/v1/admin/clients/{consented}", token=token).json())["consents"]["marketing"][
                "granted"
            ]
            is False
            and c
        )
    )
    assert client["consents"]["marketing"]["source"] == "sms"
    offer = _send(rt, token, consented, "20% off colour this week.", "marketing")
    rt.drain()
    skipped = _wait_for(
        lambda: (m := _message(rt, token, consented, offer["id"]))["status"] == "skipped" and m
    )
    assert skipped["skip_reason"] == "no marketing consent on any channel that reaches the client"
    assert not [m for m in _phone(rt, phone) if "20% off" in m["text"]]


def test_marketing_due_at_23_local_goes_out_at_9(demo_runtime):
    rt = demo_runtime
    token = rt.token("demo")
    booked, phone = _book(rt, marketing=True, after_days=3)
    rt.drain()
    client_id = _client(rt, token, booked["appointment"]["id"])["id"]
    local = _now(rt).astimezone(SALON_TZ)
    eleven = local.replace(hour=23, minute=0, second=0, microsecond=0)
    if eleven <= local:
        eleven += timedelta(days=1)
    _advance_to(rt, eleven)
    offer = _send(rt, token, client_id, "Early access to our new nail art.", "marketing")
    rt.drain()
    held = _message(rt, token, client_id, offer["id"])
    assert held["status"] == "planned" and held["error"] == "quiet hours"
    nine = (eleven + timedelta(days=1)).replace(hour=9, minute=0)
    assert datetime.fromisoformat(held["not_before"]) == nine
    _advance_to(rt, nine - timedelta(minutes=2))
    assert not [m for m in _phone(rt, phone) if m["text"] == "Early access to our new nail art."]
    _advance_to(rt, nine + timedelta(minutes=1))
    got = _wait_for(
        lambda: [m for m in _phone(rt, phone) if m["text"] == "Early access to our new nail art."]
    )
    assert len(got) == 1
    sent = _message(rt, token, client_id, offer["id"])
    assert sent["status"] == "sent" and datetime.fromisoformat(sent["sent_at"]) >= nine


def test_a_phone_registered_for_push_gets_messages_by_push_first(demo_runtime):
    rt = demo_runtime
    token = rt.token("demo")
    booked, phone = _book(rt)
    rt.drain()
    manage = booked["manage_url"].split("token=", 1)[1]
    bad = rt.post(f"/v1/manage/{manage}/push", json={"device_token": "no spaces allowed here"})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "device_token"
    registered = rt.post(f"/v1/manage/{manage}/push", json={"device_token": "fcm:" + uuid.uuid4().hex * 2})
    assert registered.status_code == 200, registered.text
    client_id = _client(rt, token, booked["appointment"]["id"])["id"]
    endpoint = rt.get(f"/v1/admin/clients/{client_id}", token=token).json()["channels"]["push"][
        "endpoint_arn"
    ]
    sent = _send(rt, token, client_id, "Your nails are ready for a refresh.", "transactional")
    got = _wait_for(lambda: _phone(rt, endpoint))
    assert [m["text"] for m in got] == ["Your nails are ready for a refresh."] and got[0]["channel"] == "push"
    assert _message(rt, token, client_id, sent["id"])["channel"] == "push"
    assert not [m for m in _phone(rt, phone) if m["text"] == "Your nails are ready for a refresh."]
