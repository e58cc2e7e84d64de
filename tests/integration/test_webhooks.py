"""The webhooks function on DynamoDB Local, called as API Gateway and SNS call it: Telegram updates,
WhatsApp's handshake, statuses and replies, in-bound SMS. A bad signature is 403 and changes nothing;
a redelivered update acts once; an update whose act failed (a DynamoDB write failed at the SDK
boundary) is acted on by the provider's retry."""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta

import pytest
from pynamodb.exceptions import PynamoDBException
from regulars.app import messages as dispatch
from regulars.booking import repo as appointment_store
from regulars.clients import repo as client_store
from regulars.core import config
from regulars.messaging.contacts import telegram_link
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.outbox.items import Message
from regulars_local.emulator.functions import context_for
from regulars_local.providers import signature
from support.faults import failing_write
from support.lambda_ import AdminApi, HttpResult, api_event, handler, invoke, sample
from support.salon import desk_booking, make_salon, plan_reminder

CHAT = 811200300
PHONE = "+4917055503"
TELEGRAM_SECRET = "telegram-secret_token-1"
APP_SECRET = "whatsapp-app-secret"


@pytest.fixture(autouse=True)
def secrets(monkeypatch):
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", TELEGRAM_SECRET)
    monkeypatch.setenv("WHATSAPP_APP_SECRET", APP_SECRET)
    monkeypatch.setenv("WHATSAPP_VERIFY_TOKEN", "verify-me")
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", "salon_bot")
    config.settings.cache_clear()
    yield
    config.settings.cache_clear()


def _send_as(salon_id: str, message_id: str, provider_id: str, now) -> None:
    """Carry a planned message through dispatch and a sender, as if its provider answered ``provider_id``."""
    dispatch.dispatch(salon_id, message_id, now)
    item = outbox.get_item(salon_id, message_id)
    assert outbox.claim(item, now)
    item.status = "sending"
    assert outbox.sent(
        item, provider_id=provider_id, segments=1, cost_micros=None, cost_currency=None, now=now
    )


@pytest.fixture
def visit(table, clock_at):
    """A booked visit whose client was sent a confirmation request by SMS (provider id sms-1), then
    linked Telegram and got one there too (message 42)."""
    make_salon("salon-a", clock_at)
    made = (
        AdminApi("salon-a")
        .post(
            "/v1/admin/appointments",
            {
                "service_id": "haircut",
                "staff_id": "anna",
                "start": "2026-11-25T14:00:00+01:00",
                "client": {"name": "Mia", "phone": PHONE + "00"},
            },
        )
        .json
    )
    for message_id, provider_id in (("reminder-sms", "sms-1"), ("reminder-1", "42")):
        if provider_id == "42":
            client_store.modify(
                "salon-a", made["client_id"], lambda c: {"channels": {"telegram": {"chat_id": CHAT}}}
            )
        plan_reminder(made, message_id, clock_at, kind="reminder_with_confirmation")
        _send_as("salon-a", message_id, provider_id, clock_at)
    assert outbox.get_item("salon-a", "reminder-sms").channel == "sms"
    assert outbox.get_item("salon-a", "reminder-1").channel == "telegram"
    return made


@pytest.fixture
def fail_once(table):
    """``fail_once(words)``: the first DynamoDB write whose request mentions ``words`` fails once, as
    DynamoDB fails one now and then (support.faults); returns the dict that counts the failures."""
    with contextlib.ExitStack() as stack:
        yield lambda words: stack.enter_context(failing_write(words))


def _delivered(event: dict) -> HttpResult:
    """What the provider sees: the function's answer, or 502 where the function failed (API Gateway's)."""
    try:
        return invoke("webhooks", event)
    except Exception as exc:  # the invocation failed: API Gateway answers 502
        return HttpResult(502, {}, json.dumps({"message": f"Internal server error ({type(exc).__name__})"}))


def _telegram(update: dict, secret: str | None = TELEGRAM_SECRET):
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    return _delivered(
        api_event(
            "POST",
            "/v1/webhooks/telegram",
            resource="/v1/webhooks/telegram",
            path_params={},
            body=json.dumps(update),
            headers=headers,
        )
    )


def _press(update_id: int, data: str, message_id: int = 42) -> dict:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"q{update_id}",
            "from": {"id": CHAT, "is_bot": False, "first_name": "Mia"},
            "message": {
                "message_id": message_id,
                "chat": {"id": CHAT, "type": "private"},
                "date": 0,
                "text": "…",
            },
            "chat_instance": "-1",
            "data": data,
        },
    }


def _status(visit) -> str:
    return appointment_store.get("salon-a", visit["id"]).status.value


def test_a_wrong_or_missing_secret_token_is_403_and_changes_nothing(visit):
    for secret in ("wrong", None):
        r = _telegram(_press(5001, f"confirm:{visit['id']}"), secret)
        assert r.status == 403 and r.json["error"]["code"] == "forbidden"
    assert _status(visit) == "booked"
    assert _telegram(_press(5001, f"confirm:{visit['id']}")).status == 200  # not marked as seen by the 403s
    assert _status(visit) == "confirmed"


def test_the_confirm_button_confirms_once_and_is_answered(visit):
    r = _telegram(_press(5002, f"confirm:{visit['id']}"))
    assert r.json == {
        "method": "answerCallbackQuery",
        "callback_query_id": "q5002",
        "text": "Thank you, your visit is confirmed.",
    }
    assert _status(visit) == "confirmed"
    history = appointment_store.get("salon-a", visit["id"]).history
    assert [h.by for h in history if h.action == "confirmed"] == ["client:telegram"]
    assert _telegram(_press(5002, f"confirm:{visit['id']}")).json == {}  # a redelivery acts once
    assert (
        len([h for h in appointment_store.get("salon-a", visit["id"]).history if h.action == "confirmed"])
        == 1
    )


def test_a_button_of_another_message_or_visit_does_nothing(visit):
    assert _telegram(_press(5003, "confirm:someone-else")).json["text"] == "This button has expired."
    assert (
        _telegram(_press(5004, f"cancel:{visit['id']}", message_id=999)).json["text"]
        == "This button has expired."
    )
    assert _status(visit) == "booked"


def test_the_cancel_button_cancels(visit):
    assert _telegram(_press(5005, f"cancel:{visit['id']}")).json["text"] == "Your visit is cancelled."
    assert _status(visit) == "cancelled"


def test_start_with_a_deep_link_links_the_chat_that_redeems_it_first(table, clock_at):
    make_salon("salon-a", clock_at)
    made = desk_booking("salon-a", "Ola", "+49 170 5550777")
    link = telegram_link.deep_link("salon-a", made["client_id"], now=clock_at)
    assert link.startswith("https://t.me/salon_bot?start=")
    token = link.split("start=")[1]
    assert len(token) <= 64 and token.replace("-", "").replace("_", "").isalnum()
    update = {
        "update_id": 6001,
        "message": {
            "message_id": 1,
            "from": {"id": 4242, "is_bot": False, "first_name": "O"},
            "chat": {"id": 4242, "type": "private"},
            "date": 0,
            "text": f"/start {token}",
        },
    }
    r = _telegram(update)
    assert r.json["method"] == "sendMessage" and r.json["text"].startswith("Done")
    assert client_store.get("salon-a", made["client_id"]).channels["telegram"]["chat_id"] == 4242
    again = _telegram({**update, "update_id": 6002})  # the same chat again: still linked (idempotent)
    assert again.json["text"].startswith("Done")
    stranger = {
        **update,
        "update_id": 6003,
        "message": {
            **update["message"],
            "chat": {"id": 777, "type": "private"},
            "from": {"id": 777, "is_bot": False, "first_name": "X"},
        },
    }
    assert "used already" in _telegram(stranger).json["text"]
    assert client_store.get("salon-a", made["client_id"]).channels["telegram"]["chat_id"] == 4242


def test_a_deep_link_works_for_a_day_after_it_was_shown(table, clock_at):
    make_salon("salon-a", clock_at)
    made = (
        AdminApi("salon-a")
        .post(
            "/v1/admin/appointments",
            {
                "service_id": "haircut",
                "staff_id": "anna",
                "start": "2026-11-25T14:00:00+01:00",
                "client": {"name": "Ola", "phone": "+49 170 5550778"},
            },
        )
        .json
    )
    token = telegram_link.deep_link("salon-a", made["client_id"], now=clock_at).split("start=")[1]
    from regulars.messaging.contacts.items import TelegramLink

    link = TelegramLink.find(token=token, consistent=True)
    assert link.expires == clock_at + timedelta(days=1)  # then DynamoDB's TTL deletes it


def _whatsapp(payload, secret: str = APP_SECRET):
    body = json.dumps(payload)
    return _delivered(
        api_event(
            "POST",
            "/v1/webhooks/whatsapp",
            resource="/v1/webhooks/whatsapp",
            path_params={},
            body=body,
            headers={"X-Hub-Signature-256": signature(body.encode(), secret)},
        )
    )


def _value(**value) -> dict:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "1",
                "changes": [{"field": "messages", "value": {"messaging_product": "whatsapp", **value}}],
            }
        ],
    }


def test_the_whatsapp_handshake(table):
    ok = invoke(
        "webhooks",
        api_event(
            "GET",
            "/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444",
            resource="/v1/webhooks/whatsapp",
            path_params={},
        ),
    )
    assert (ok.status, ok.text, ok.headers["content-type"]) == (200, "1158201444", "text/plain")
    bad = invoke(
        "webhooks",
        api_event(
            "GET",
            "/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1",
            resource="/v1/webhooks/whatsapp",
            path_params={},
        ),
    )
    assert bad.status == 403


def _whatsapp_sent(
    visit, clock_at, wamid: str = "wamid.ABC", *, message_id: str = "wa-1", kind: str = "direct"
) -> Message:
    outbox.plan(
        outbox.PlannedMessage(
            salon_id="salon-a",
            message_id=message_id,
            kind=kind,
            purpose="transactional",
            recipient="client",
            client_id=visit["client_id"],
            appointment_id=visit["id"] if kind.startswith("reminder") else None,
            text="Hi",
            values={"start": "2026-11-25T13:00:00+00:00"},
            created_at=clock_at,
        )
    )
    client_store.modify(
        "salon-a",
        visit["client_id"],
        lambda c: {"channels": {"whatsapp": {"opted_in_at": clock_at.isoformat()}}},
    )
    assert dispatch.dispatch("salon-a", message_id, clock_at).reason == "queued on whatsapp"
    item = outbox.get_item("salon-a", message_id)
    assert outbox.claim(item, clock_at)
    item.status = "sending"
    outbox.sent(item, provider_id=wamid, segments=None, cost_micros=None, cost_currency=None, now=clock_at)
    return item


def test_a_bad_whatsapp_signature_is_403_and_changes_nothing(visit, clock_at):
    _whatsapp_sent(visit, clock_at)
    payload = _value(
        statuses=[
            {
                "id": "wamid.ABC",
                "status": "delivered",
                "timestamp": "1795421160",
                "recipient_id": "49170555030",
            }
        ]
    )
    assert _whatsapp(payload, secret="not-the-secret").status == 403
    assert outbox.get_item("salon-a", "wa-1").status == "sent"
    assert _whatsapp(payload).status == 200
    item = outbox.get_item("salon-a", "wa-1")
    assert item.status == "delivered" and int(item.delivered_at.timestamp()) == 1795421160


def test_a_late_failed_status_sends_the_message_on_the_next_channel(visit, clock_at):
    _whatsapp_sent(visit, clock_at)
    payload = _value(
        statuses=[
            {
                "id": "wamid.ABC",
                "status": "failed",
                "timestamp": "1795421160",
                "recipient_id": "49170555030",
                "errors": [{"code": 131026, "title": "Undeliverable"}],
            }
        ]
    )
    assert _whatsapp(payload).status == 200
    item = outbox.get_item("salon-a", "wa-1")
    assert (item.status, item.channel, item.failed_channels) == ("queued", "sms", ["whatsapp"])
    assert client_store.get("salon-a", visit["client_id"]).channels["whatsapp"]["unreachable"]


def test_a_whatsapp_quick_reply_confirms_the_visit_it_answers(visit, clock_at):
    item = _whatsapp_sent(visit, clock_at, wamid="wamid.Q")
    Message(salon_id="salon-a", message_id="wa-1").update(actions=[Message.appointment_id.set(visit["id"])])
    tap = {
        "context": {"from": "15550783881", "id": "wamid.Q"},
        "from": PHONE[1:] + "00",
        "id": "wamid.IN1",
        "timestamp": "1795421200",
        "type": "button",
        "button": {"payload": f"confirm:{visit['id']}", "text": "Yes"},
    }
    assert _whatsapp(_value(messages=[tap])).status == 200
    assert _status(visit) == "confirmed"
    assert item.client_id == visit["client_id"]


def test_a_typed_yes_on_whatsapp_answers_the_request_whatever_went_to_the_address_since(visit, clock_at):
    """The text opens WhatsApp's window before it is read as an answer, and another message went to the
    address after the request: neither makes the YES lose the request it answers."""
    _whatsapp_sent(visit, clock_at, "wamid.R", message_id="wa-request", kind="reminder_with_confirmation")
    _whatsapp_sent(visit, clock_at + timedelta(minutes=5), "wamid.N", message_id="wa-notice")
    assert _whatsapp_text("Yes", "wamid.IN3").status == 200
    assert _status(visit) == "confirmed"
    assert _confirmed_by(visit) == ["client:whatsapp"]


def _whatsapp_text(body: str, wamid: str) -> HttpResult:
    """The client's phone writes ``body`` on WhatsApp."""
    text = {"from": PHONE[1:] + "00", "id": wamid, "timestamp": "1795421200", "type": "text"}
    return _whatsapp(_value(messages=[{**text, "text": {"body": body}}]))


def _confirmed_by(visit) -> list[str]:
    return [h.by for h in appointment_store.get("salon-a", visit["id"]).history if h.action == "confirmed"]


def test_stop_on_whatsapp_withdraws_marketing_and_opens_the_window(visit, clock_at):
    assert _whatsapp_text("Stop please", "wamid.IN2").status == 200
    client = client_store.get("salon-a", visit["client_id"])
    assert (
        client.consents["marketing"]["granted"] is False
        and client.consents["marketing"]["source"] == "whatsapp"
    )
    assert client.channels["whatsapp"]["last_inbound_at"]


def _sms_record(body: str, previous: str | None = None, inbound_id: str = "in-1", phone: str = PHONE + "00"):
    notification = {
        "originationNumber": phone,
        "destinationNumber": "+15550100000",
        "messageKeyword": "KEYWORD",
        "messageBody": body,
        "inboundMessageId": inbound_id,
    }
    if previous:
        notification["previousPublishedMessageId"] = previous
    record = sample("webhooks/inbound_sms.json")["Records"][0]
    record["Sns"]["Message"] = json.dumps(notification)
    record["Sns"]["MessageId"] = f"sns-{inbound_id}"
    return record


def _sms(body: str, previous: str | None = None, inbound_id: str = "in-1"):
    return handler("webhooks")(
        {"Records": [_sms_record(body, previous, inbound_id)]}, context_for("webhooks")
    )


def test_stop_by_sms_withdraws_marketing_at_once_and_cancels_what_was_waiting(visit, clock_at):
    client_store.modify(
        "salon-a",
        visit["client_id"],
        lambda c: {
            "consents": {
                "marketing": {
                    "granted": True,
                    "at": clock_at.isoformat(),
                    "source": "widget",
                    "text": "Offers, please",
                }
            }
        },
    )
    outbox.plan(
        outbox.PlannedMessage(
            salon_id="salon-a",
            message_id="offer-held",
            kind="direct",
            purpose="marketing",
            recipient="client",
            client_id=visit["client_id"],
            text="Sale!",
            not_before=clock_at.replace(hour=23),
            created_at=clock_at,
        )
    )
    assert _sms("STOP") == {}
    client = client_store.get("salon-a", visit["client_id"])
    assert client.consents["marketing"] == {
        "granted": False,
        "at": client.consents["marketing"]["at"],
        "source": "sms",
        "text": "STOP",
    }
    assert client.consents["transactional:sms"]["granted"] is False
    assert outbox.get_item("salon-a", "offer-held").status == "skipped"
    _sms("START", inbound_id="in-2")
    assert client_store.get("salon-a", visit["client_id"]).consents["transactional:sms"]["granted"] is True


def test_yes_by_sms_confirms_the_visit_the_reply_quotes(visit):
    assert _sms("Yes", previous="sms-1") == {}
    assert _status(visit) == "confirmed"
    assert _confirmed_by(visit) == ["client:sms"]


def test_a_redelivered_sms_acts_once(visit):
    _sms("NO", previous="sms-1", inbound_id="dup")
    assert _status(visit) == "cancelled"
    _sms("NO", previous="sms-1", inbound_id="dup")
    assert [h.action for h in appointment_store.get("salon-a", visit["id"]).history].count("cancelled") == 1


def test_answers_are_in_the_clients_language(visit):
    update = _press(5010, "confirm:someone-else")
    update["callback_query"]["from"]["language_code"] = "ru"
    assert _telegram(update).json["text"] == "Эта кнопка больше не действует."
    update = _press(5011, "confirm:someone-else")
    update["callback_query"]["from"]["language_code"] = "es-MX"
    assert _telegram(update).json["text"] == "Este botón ya no es válido."


def test_outside_the_window_a_reminder_goes_as_the_approved_template_and_its_quick_reply_confirms(
    table, clock_at
):
    import httpx
    from regulars.messaging.channels.whatsapp import WhatsAppChannel
    from regulars.messaging.outbox.sender import SendRef
    from regulars.salon import repo as catalog_store
    from regulars_local.providers import FakeWhatsApp

    make_salon("salon-a", clock_at)
    rules = catalog_store.load_catalog("salon-a").salon.settings.model_dump()
    rules["whatsapp_templates"] = {
        "reminder_with_confirmation": {
            "name": "visit_reminder",
            "parameters": ["client_name", "service_name", "when"],
        }
    }
    catalog_store.update_salon("salon-a", settings=rules)
    catalog_store.forget("salon-a")
    made = (
        AdminApi("salon-a")
        .post(
            "/v1/admin/appointments",
            {
                "service_id": "haircut",
                "staff_id": "anna",
                "start": "2026-11-25T14:00:00+01:00",
                "client": {"name": "Wanda", "phone": "+49 170 5550888"},
            },
        )
        .json
    )
    client_store.modify(
        "salon-a",
        made["client_id"],
        lambda c: {
            "channels": {
                "whatsapp": {
                    "opted_in_at": "2026-11-01T10:00:00+00:00",
                    "last_inbound_at": "2026-11-01T10:00:00+00:00",
                }
            }
        },
    )
    plan_reminder(made, "reminder-wa", clock_at, kind="reminder_with_confirmation")
    assert dispatch.dispatch("salon-a", "reminder-wa", clock_at).reason == "queued on whatsapp"
    item = outbox.get_item("salon-a", "reminder-wa")
    assert item.whatsapp_template == {
        "name": "visit_reminder",
        "language": "en",
        "body_parameters": ["Wanda", "Haircut", "Wed, Nov 25, 2:00 PM"],
        "quick_reply_payloads": [f"confirm:{made['id']}", f"cancel:{made['id']}"],
    }
    with FakeWhatsApp(clock=lambda: clock_at) as fake, httpx.Client() as http:
        channel = WhatsAppChannel(
            http,
            base_url=fake.base_url,
            version="v21.0",
            phone_number_id=fake.phone_number_id,
            token=fake.access_token,
            window_open=lambda _: False,
        )
        result = dispatch.send(
            SendRef.of(item),
            lambda _: channel,
            clock_at,
            requeue=lambda *_: None,
            dead_letter=lambda *_: None,
        )
        assert result.outcome == "sent"
        (sent,) = fake.messages("+491705550888")
        assert sent.template_name == "visit_reminder" and sent.quick_reply_payloads == [
            f"confirm:{made['id']}",
            f"cancel:{made['id']}",
        ]
        tap = fake.button_webhook("+491705550888", f"confirm:{made['id']}", "Confirm")
    assert _whatsapp(tap).status == 200
    assert _status(made) == "confirmed"
    client = client_store.get("salon-a", made["client_id"])
    assert (
        client.channels["whatsapp"]["last_inbound_at"] > "2026-11-01T10:00:00+00:00"
    )  # the window is open again


# --- durability: an update whose act failed is acted on by the provider's retry -------------------------
def test_a_cancel_button_whose_write_failed_is_cancelled_by_telegrams_retry(visit, fail_once):
    fault = fail_once(visit["id"])  # the visit's own write fails once
    first = _telegram(_press(5101, f"cancel:{visit['id']}"))
    assert fault["failed"] == 1 and first.status >= 500  # Telegram retries what is not 2xx
    assert _status(visit) == "booked"
    retry = _telegram(_press(5101, f"cancel:{visit['id']}"))
    assert retry.status == 200 and retry.json["text"] == "Your visit is cancelled."
    assert _status(visit) == "cancelled"
    assert (
        _telegram(_press(5101, f"cancel:{visit['id']}")).json == {}
    )  # handled now: a redelivery acts no more
    history = appointment_store.get("salon-a", visit["id"]).history
    assert [h.action for h in history].count("cancelled") == 1


def test_a_start_whose_linking_failed_is_linked_by_telegrams_retry(table, clock_at, fail_once):
    make_salon("salon-a", clock_at)
    made = desk_booking("salon-a", "Ola", "+49 170 5550777")
    token = telegram_link.deep_link("salon-a", made["client_id"], now=clock_at).split("start=")[1]  # shown
    update = {
        "update_id": 6101,
        "message": {
            "message_id": 1,
            "from": {"id": 4242, "is_bot": False, "first_name": "O"},
            "chat": {"id": 4242, "type": "private"},
            "date": 0,
            "text": f"/start {token}",
        },
    }
    fault = fail_once(made["client_id"])  # the client's write (the chat stored on it) fails once
    assert _telegram(update).status >= 500 and fault["failed"] == 1
    assert "telegram" not in client_store.get("salon-a", made["client_id"]).channels
    retry = _telegram(update)
    assert retry.status == 200 and retry.json["text"].startswith("Done")
    assert client_store.get("salon-a", made["client_id"]).channels["telegram"]["chat_id"] == 4242


def test_a_stop_whose_write_failed_is_honoured_by_whatsapps_retry(visit, clock_at, fail_once):
    text = {
        "from": PHONE[1:] + "00",
        "id": "wamid.IN9",
        "timestamp": "1795421200",
        "type": "text",
        "text": {"body": "STOP"},
    }
    fault = fail_once(visit["client_id"])
    assert _whatsapp(_value(messages=[text])).status >= 500 and fault["failed"] == 1  # Meta retries
    retry = _whatsapp(_value(messages=[text]))
    assert retry.status == 200
    client = client_store.get("salon-a", visit["client_id"])
    assert (
        client.consents["marketing"]["granted"] is False
        and client.consents["marketing"]["source"] == "whatsapp"
    )
    assert client.consents["transactional:whatsapp"]["granted"] is False


def test_a_stop_by_sms_whose_write_failed_raises_and_is_honoured_on_the_retry(visit, fail_once):
    fault = fail_once(visit["client_id"])
    with pytest.raises(PynamoDBException):  # Lambda tries the notification twice more, then dead-letters it
        _sms("STOP", inbound_id="in-stop")
    assert fault["failed"] == 1
    assert (
        client_store.get("salon-a", visit["client_id"]).consents.get("transactional:sms", {}).get("granted")
        is not False
    )
    assert _sms("STOP", inbound_id="in-stop") == {}
    assert client_store.get("salon-a", visit["client_id"]).consents["transactional:sms"]["granted"] is False


def test_a_stop_delivered_twice_keeps_the_first_ones_evidence(visit, clock_at):
    _sms("STOP", inbound_id="stop-a")
    first = client_store.get("salon-a", visit["client_id"]).consents
    from regulars.core import clock

    clock.set_offset(clock.offset() + timedelta(minutes=30))
    _sms("STOP", inbound_id="stop-b")  # the client sent it again, or a provider's id changed
    assert client_store.get("salon-a", visit["client_id"]).consents == first


@pytest.mark.parametrize(
    "payload",
    [
        [],
        "text",
        7,
        None,
        {"entry": "x"},
        {"entry": [1, {"changes": "y"}]},
        {"entry": [{"changes": [{"value": []}, {"value": {"statuses": [3, {}]}}]}]},
    ],
)
def test_a_signed_whatsapp_body_that_is_no_notification_is_acknowledged_and_changes_nothing(
    visit, clock_at, payload
):
    _whatsapp_sent(visit, clock_at)
    answer = _whatsapp(payload)
    assert answer.status == 200, answer.text  # Meta retries anything else for days
    assert outbox.get_item("salon-a", "wa-1").status == "sent"


def test_a_telegram_body_that_is_no_update_is_refused_with_the_error_shape(visit):
    for body in ([], {"message": {}}, {"update_id": "x"}):
        answer = _telegram(body)
        assert answer.status == 422, answer.text
        assert set(answer.json["error"]) == {"code", "message", "fields"}
    assert _status(visit) == "booked"
