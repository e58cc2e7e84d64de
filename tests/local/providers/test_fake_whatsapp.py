import hashlib
import hmac
import json
import re
import socket
from datetime import timedelta
from urllib.parse import parse_qs

import httpx
import pytest
from regulars_local.providers import (
    SIGNATURE_HEADER,
    ErrorCode,
    Fail,
    FakeWhatsApp,
    Hang,
    ServerError,
    encode_webhook,
    signature,
)

TOKEN = "test-access-token"
CLIENT = "79161234567"
OTHER = "16505551234"
APP_SECRET = "app-secret-0123456789abcdef"
WAMID = re.compile(r"wamid\.[A-Za-z0-9+/]{40}")
TEMPLATE = {
    "name": "visit_reminder",
    "language": {"code": "ru"},
    "components": [
        {"type": "body", "parameters": [{"type": "text", "text": "Anna"}, {"type": "text", "text": "10:00"}]},
        {
            "type": "button",
            "sub_type": "quick_reply",
            "index": "0",
            "parameters": [{"type": "payload", "payload": "confirm:A1"}],
        },
        {
            "type": "button",
            "sub_type": "quick_reply",
            "index": "1",
            "parameters": [{"type": "payload", "payload": "cancel:A1"}],
        },
    ],
}


def send(http, whatsapp, body, token=TOKEN, timeout=5.0):
    return http.post(
        whatsapp.messages_url(), json=body, headers={"Authorization": f"Bearer {token}"}, timeout=timeout
    )


def text(to=CLIENT, body="See you at 10:00"):
    return {"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": body}}


def template(to=CLIENT, **changes):
    return {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "template",
        "template": {**TEMPLATE, **changes},
    }


def graph_error(response):
    """The error object, with its random trace id checked and dropped."""
    error = dict(response.json()["error"])
    assert re.fullmatch(r"A[A-Za-z0-9_-]{22}", error.pop("fbtrace_id"))
    return error


def failure(code, message, details):
    return {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": details},
    }


# --- sending ------------------------------------------------------------------------------------
def test_a_text_inside_the_window(http, whatsapp, clock):
    whatsapp.open_window(CLIENT)

    response = send(http, whatsapp, text(to="+7 916 123-45-67"))

    assert response.status_code == 200
    body = response.json()
    message_id = body["messages"][0]["id"]
    assert WAMID.fullmatch(message_id)
    assert body == {
        "messaging_product": "whatsapp",
        "contacts": [{"input": "+7 916 123-45-67", "wa_id": CLIENT}],
        "messages": [{"id": message_id}],
    }
    [sent] = whatsapp.messages(CLIENT)
    assert (sent.id, sent.type, sent.text, sent.wa_id, sent.at) == (
        message_id,
        "text",
        "See you at 10:00",
        CLIENT,
        clock.now,
    )


def test_a_template(http, whatsapp):
    response = send(http, whatsapp, template())

    assert response.status_code == 200
    message_id = response.json()["messages"][0]["id"]
    assert response.json()["messages"] == [{"id": message_id, "message_status": "accepted"}]
    [sent] = whatsapp.messages(CLIENT)
    assert sent.template_name == "visit_reminder"
    assert sent.body_parameters == ["Anna", "10:00"]
    assert sent.quick_reply_payloads == ["confirm:A1", "cancel:A1"]


@pytest.mark.parametrize("authorization", [None, "Bearer wrong", f"Basic {TOKEN}", TOKEN])
def test_a_missing_or_wrong_token(http, whatsapp, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = http.post(whatsapp.messages_url(), json=template(), headers=headers)

    assert response.status_code == 401
    assert graph_error(response) == {
        "message": "Invalid OAuth access token - Cannot parse access token",
        "type": "OAuthException",
        "code": 190,
    }
    assert whatsapp.messages() == []


def test_another_phone_number_id(http, whatsapp):
    response = http.post(
        f"{whatsapp.base_url}/v21.0/999/messages",
        json=template(),
        headers={"Authorization": f"Bearer {TOKEN}"},
    )

    assert response.status_code == 400
    assert graph_error(response) == {
        "message": "Unsupported post request. Object with ID '999' does not exist, cannot be loaded due to "
        "missing permissions, or does not support this operation. Please read the Graph API documentation "
        "at https://developers.facebook.com/docs/graph-api",
        "type": "GraphMethodException",
        "code": 100,
        "error_subcode": 33,
    }


def test_an_unknown_path(http, whatsapp):
    response = http.post(
        f"{whatsapp.base_url}/v21.0/messages", json={}, headers={"Authorization": f"Bearer {TOKEN}"}
    )

    assert response.status_code == 400
    assert graph_error(response) == {
        "message": "Unknown path components: /v21.0/messages",
        "type": "OAuthException",
        "code": 2500,
    }


@pytest.mark.parametrize(
    ("body", "message", "details"),
    [
        (
            {"to": CLIENT, "type": "text", "text": {"body": "x"}},
            "(#100) The parameter messaging_product is required.",
            None,
        ),
        (
            {**text(), "messaging_product": "sms"},
            "(#100) Invalid parameter",
            "Param messaging_product must be 'whatsapp'.",
        ),
        ({**text(), "to": ""}, "(#100) The parameter to is required.", None),
        ({**text(), "to": "call me"}, "(#100) Invalid parameter", "Invalid 'to' parameter: 'call me'."),
        ({**text(), "text": {}}, "(#100) The parameter text['body'] is required.", None),
        (
            text(body="x" * 4097),
            "(#100) Invalid parameter",
            "Param text['body'] must be at most 4096 characters long.",
        ),
        (
            {**text(), "type": "image"},
            "(#100) Invalid parameter",
            "Message type 'image' is not supported: send 'text' or 'template'.",
        ),
        (template(name=""), "(#100) The parameter template['name'] is required.", None),
        (template(language={}), "(#100) The parameter template['language']['code'] is required.", None),
        (
            template(
                components=[
                    {
                        "type": "button",
                        "sub_type": "quick_reply",
                        "index": "0",
                        "parameters": [{"type": "text", "text": "x"}],
                    }
                ]
            ),
            "(#100) Invalid parameter",
            "A quick_reply button's parameter is {'type': 'payload', 'payload': <string>}.",
        ),
        (
            template(components=[{"type": "body", "parameters": [{"type": "text", "text": ""}]}]),
            "(#100) Invalid parameter",
            "A body parameter of type text needs a non-empty 'text'.",
        ),
    ],
)
def test_an_invalid_message(http, whatsapp, body, message, details):
    whatsapp.open_window(CLIENT)

    response = send(http, whatsapp, body)

    assert response.status_code == 400
    expected = {"message": message, "type": "OAuthException", "code": 100}
    if details:
        expected["error_data"] = {"messaging_product": "whatsapp", "details": details}
    assert graph_error(response) == expected
    assert whatsapp.messages() == []


def test_a_body_that_is_not_json(http, whatsapp):
    response = http.post(
        whatsapp.messages_url(),
        content=b"to=79161234567",
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert graph_error(response)["error_data"]["details"] == "The request body must be a JSON object."


def test_approved_templates(http, clock):
    with FakeWhatsApp(clock=clock, templates={"visit_reminder": ["ru", "en"]}) as whatsapp:
        approved = send(http, whatsapp, template())
        unknown = send(http, whatsapp, template(name="win_back"))
        untranslated = send(http, whatsapp, template(language={"code": "es"}))

    assert approved.status_code == 200
    assert unknown.status_code == untranslated.status_code == 404
    assert graph_error(untranslated) == {
        "message": "(#132001) Template name does not exist in the translation",
        "type": "OAuthException",
        "code": 132001,
        "error_data": {
            "messaging_product": "whatsapp",
            "details": "template name (visit_reminder) does not exist in es",
        },
    }


# --- the 24-hour window -------------------------------------------------------------------------
RE_ENGAGEMENT = failure(
    131047,
    "(#131047) Re-engagement message",
    "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
)


def test_a_text_outside_the_window(http, whatsapp):
    response = send(http, whatsapp, text())

    assert response.status_code == 400
    assert graph_error(response) == RE_ENGAGEMENT
    assert whatsapp.messages() == []


def test_the_window_is_open_for_24_hours(http, whatsapp, clock):
    opened = clock.now
    whatsapp.open_window(CLIENT, opened)

    clock.advance(timedelta(hours=24) - timedelta(seconds=1))
    inside = send(http, whatsapp, text())
    clock.advance(timedelta(seconds=1))
    after = send(http, whatsapp, text())
    template_after = send(http, whatsapp, template())

    assert inside.status_code == 200
    assert after.status_code == 400
    assert graph_error(after) == RE_ENGAGEMENT
    assert template_after.status_code == 200
    assert whatsapp.window_open(CLIENT, opened) and not whatsapp.window_open(CLIENT)


def test_the_window_is_per_recipient_and_reopens(http, whatsapp, clock):
    whatsapp.open_window(CLIENT)
    clock.advance(timedelta(hours=30))
    whatsapp.open_window(OTHER, clock.now - timedelta(hours=1))
    whatsapp.open_window(CLIENT, clock.now - timedelta(hours=48))  # an older message opens nothing new

    assert send(http, whatsapp, text(to=OTHER)).status_code == 200
    assert send(http, whatsapp, text(to=CLIENT)).status_code == 400


def test_a_message_from_the_client_opens_the_window(http, whatsapp):
    whatsapp.text_message_webhook(CLIENT, "Hi! Can I come at 11?")

    assert send(http, whatsapp, text()).status_code == 200


def test_a_closed_window_reported_later(http, clock, webhook):
    with FakeWhatsApp(clock=clock, closed_window_fails_later=True) as whatsapp:
        response = send(http, whatsapp, text())
        message_id = response.json()["messages"][0]["id"]
        [pending] = whatsapp.pending_webhooks

    assert response.status_code == 200
    status = pending["entry"][0]["changes"][0]["value"]["statuses"][0]
    assert status == {
        "id": message_id,
        "status": "failed",
        "timestamp": str(int(clock.now.timestamp())),
        "recipient_id": CLIENT,
        "errors": [
            {
                "code": 131047,
                "title": "Re-engagement message",
                "message": "Re-engagement message",
                "error_data": {"details": RE_ENGAGEMENT["error_data"]["details"]},
                "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
            }
        ],
    }


# --- scripted failures --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("code", "status", "message", "details"),
    [
        (131026, 400, "(#131026) Message undeliverable", "Message Undeliverable."),
        (130429, 429, "(#130429) Rate limit hit", "Cloud API message throughput has been reached."),
        (
            131056,
            429,
            "(#131056) (Business Account, Consumer Account) pair rate limit hit",
            "Message failed to send because there were too many messages sent from this phone number to the same "
            "phone number in a short period of time.",
        ),
        (
            80007,
            429,
            "(#80007) Rate limit issues",
            "The WhatsApp Business Account has reached its rate limit.",
        ),
        (
            131049,
            400,
            "(#131049) This message was not delivered to maintain healthy ecosystem engagement.",
            "In order to maintain a healthy ecosystem engagement, the message failed to be delivered.",
        ),
        (
            131050,
            400,
            "(#131050) This message was not delivered because the user has stopped marketing messages.",
            "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on "
            "WhatsApp from your business.",
        ),
    ],
)
def test_scripted_failures(http, whatsapp, code, status, message, details):
    whatsapp.script(Fail(code), recipient=CLIENT)

    response = send(http, whatsapp, template())

    assert response.status_code == status
    assert graph_error(response) == failure(code, message, details)
    assert whatsapp.messages() == []
    assert whatsapp.pending_webhooks == []


def test_a_failure_with_another_http_status(http, whatsapp):
    whatsapp.script(Fail(ErrorCode.THROUGHPUT_RATE_LIMIT, status=400))

    response = send(http, whatsapp, template())

    assert response.status_code == 400
    assert graph_error(response)["code"] == 130429


def test_a_failure_for_the_next_calls_then_success(http, whatsapp):
    whatsapp.script(Fail(131056), recipient="+7 (916) 123-45-67", times=2)

    statuses = [send(http, whatsapp, template()).status_code for _ in range(3)]

    assert statuses == [429, 429, 200]
    assert send(http, whatsapp, template(to=OTHER)).status_code == 200


def test_the_default_script_and_a_recipients_own(http, whatsapp):
    whatsapp.script(Fail(131049))
    whatsapp.script(Fail(131050), recipient=OTHER)

    assert graph_error(send(http, whatsapp, template()))["code"] == 131049
    assert graph_error(send(http, whatsapp, template(to=OTHER)))["code"] == 131050


def test_undeliverable_reported_later_as_a_failed_status(http, whatsapp, webhook, clock):
    whatsapp.script(Fail(131026, later=True), recipient=CLIENT)
    response = send(http, whatsapp, template())
    message_id = response.json()["messages"][0]["id"]

    responses = whatsapp.deliver_pending(webhook.url, APP_SECRET)

    assert response.status_code == 200
    assert [r.status_code for r in responses] == [200]
    [sent] = whatsapp.messages()
    assert sent.failure == 131026
    [delivery] = webhook.deliveries
    assert (
        delivery.headers[SIGNATURE_HEADER.lower()]
        == "sha256=" + hmac.new(APP_SECRET.encode(), delivery.body, hashlib.sha256).hexdigest()
    )
    value = json.loads(delivery.body)["entry"][0]["changes"][0]["value"]
    assert value["statuses"] == [
        {
            "id": message_id,
            "status": "failed",
            "timestamp": str(int(clock.now.timestamp())),
            "recipient_id": CLIENT,
            "errors": [
                {
                    "code": 131026,
                    "title": "Message undeliverable",
                    "message": "Message undeliverable",
                    "error_data": {"details": "Message Undeliverable."},
                    "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
                }
            ],
        }
    ]
    assert whatsapp.pending_webhooks == []


def test_a_pending_webhook_the_receiver_rejects_stays_owed(http, whatsapp, webhook):
    whatsapp.script(Fail(131050, later=True))
    send(http, whatsapp, template())
    webhook.respond = lambda delivery: (500, "text/plain", b"down")

    rejected = whatsapp.deliver_pending(webhook.url, APP_SECRET)
    webhook.respond = lambda delivery: (200, "text/plain", b"")
    accepted = whatsapp.deliver_pending(webhook.url, APP_SECRET)

    assert [r.status_code for r in rejected] == [500]
    assert [r.status_code for r in accepted] == [200]
    assert webhook.deliveries[0].body == webhook.deliveries[1].body
    assert whatsapp.pending_webhooks == []


def test_a_pending_webhook_stays_owed_when_the_receiver_is_unreachable(http, whatsapp):
    whatsapp.script(Fail(131026, later=True))
    send(http, whatsapp, template())
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{spare.getsockname()[1]}/webhook"

    with pytest.raises(httpx.ConnectError):
        whatsapp.deliver_pending(closed, APP_SECRET)

    assert len(whatsapp.pending_webhooks) == 1


@pytest.mark.parametrize(
    ("status", "code", "message", "details"),
    [
        (500, 131000, "(#131000) Something went wrong", "Message failed to send due to an unknown error."),
        (503, 131016, "(#131016) Service unavailable", "A service is temporarily unavailable."),
    ],
)
def test_server_errors(http, whatsapp, status, code, message, details):
    whatsapp.script(ServerError(status), times=1)

    response = send(http, whatsapp, template())

    assert response.status_code == status
    assert graph_error(response) == failure(code, message, details)
    assert send(http, whatsapp, template()).status_code == 200


def test_a_hang_outlasts_the_client_timeout(http, whatsapp):
    whatsapp.script(Hang(2.0), recipient=CLIENT, times=1)

    with pytest.raises(httpx.ReadTimeout):  # the client gave up long before the hold ended
        send(http, whatsapp, template(), timeout=0.2)

    [exchange] = whatsapp.requests
    assert (exchange.status, exchange.held) == (504, 2.0)
    assert whatsapp.messages() == []


def test_a_slow_send_that_was_delivered(http, whatsapp):
    whatsapp.script(Hang(0.5, delivered=True), recipient=CLIENT, times=1)

    with pytest.raises(httpx.ReadTimeout):
        send(http, whatsapp, template(), timeout=0.2)

    assert len(whatsapp.messages(CLIENT)) == 1


def test_only_whatsapp_behaviours_can_be_scripted(whatsapp):
    with pytest.raises(TypeError):
        whatsapp.script(429)
    with pytest.raises(ValueError):
        Fail(12345)


# --- Meta toward our webhook --------------------------------------------------------------------
def test_verify(whatsapp, webhook):
    def handshake(delivery):
        query = {name: values[0] for name, values in parse_qs(delivery.query).items()}
        if query.get("hub.mode") == "subscribe" and query.get("hub.verify_token") == "our-verify-token":
            return 200, "text/plain", query["hub.challenge"].encode()
        return 403, "text/plain", b""

    webhook.respond = handshake

    accepted = whatsapp.verify(webhook.url, "our-verify-token", "1158201444")
    refused = whatsapp.verify(webhook.url, "another", "1158201444")

    assert (accepted.status_code, accepted.text) == (200, "1158201444")
    assert refused.status_code == 403
    assert webhook.deliveries[0].method == "GET"
    assert parse_qs(webhook.deliveries[0].query) == {
        "hub.mode": ["subscribe"],
        "hub.verify_token": ["our-verify-token"],
        "hub.challenge": ["1158201444"],
    }


def test_deliver_signs_the_exact_bytes_sent(whatsapp, webhook):
    payload = whatsapp.text_message_webhook(CLIENT, "Запишите меня на 11:00 / Book me at 11", name="Анна")

    whatsapp.deliver(webhook.url, payload, APP_SECRET)

    [delivery] = webhook.deliveries
    expected = "sha256=" + hmac.new(APP_SECRET.encode(), delivery.body, hashlib.sha256).hexdigest()
    assert delivery.headers[SIGNATURE_HEADER.lower()] == expected
    assert delivery.headers["content-type"] == "application/json"
    assert json.loads(delivery.body) == payload
    assert b"\\u0417" in delivery.body and b"\\/" in delivery.body  # escaped as Meta escapes
    reencoded = json.dumps(json.loads(delivery.body)).encode()
    assert "sha256=" + hmac.new(APP_SECRET.encode(), reencoded, hashlib.sha256).hexdigest() != expected


def test_deliver_raw_bytes_as_they_are(whatsapp, webhook):
    body = b'{"object":"whatsapp_business_account","entry":[]}'

    whatsapp.deliver(webhook.url, body, "another-secret")

    [delivery] = webhook.deliveries
    assert delivery.body == body
    assert delivery.headers[SIGNATURE_HEADER.lower()] == signature(body, "another-secret")
    assert signature(body, "another-secret") != signature(body, APP_SECRET)


def test_encode_webhook_is_compact_and_escaped():
    assert encode_webhook({"a": "ж/1", "b": [1, 2]}) == b'{"a":"\\u0436\\/1","b":[1,2]}'


def test_a_text_message_webhook(whatsapp, clock):
    payload = whatsapp.text_message_webhook("+7 916 123 45 67", "Hi", name="Anna")

    message = payload["entry"][0]["changes"][0]["value"]["messages"][0]
    assert WAMID.fullmatch(message.pop("id"))
    assert payload == {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": "15550783881",
                                "phone_number_id": "106540352242922",
                            },
                            "contacts": [{"profile": {"name": "Anna"}, "wa_id": CLIENT}],
                            "messages": [
                                {
                                    "from": CLIENT,
                                    "timestamp": str(int(clock.now.timestamp())),
                                    "type": "text",
                                    "text": {"body": "Hi"},
                                }
                            ],
                        },
                        "field": "messages",
                    }
                ],
            }
        ],
    }
    assert whatsapp.window_open(CLIENT)


def test_a_quick_reply_button_webhook(http, whatsapp, clock):
    first = send(http, whatsapp, template()).json()["messages"][0]["id"]
    clock.advance(timedelta(hours=25))
    second = send(http, whatsapp, template()).json()["messages"][0]["id"]

    tap = whatsapp.button_webhook(CLIENT, "cancel:A1", "Cancel")
    on_first = whatsapp.button_webhook(CLIENT, "confirm:A1", "Confirm", context_id=first)

    message = tap["entry"][0]["changes"][0]["value"]["messages"][0]
    assert WAMID.fullmatch(message.pop("id"))
    assert message == {
        "context": {"from": "15550783881", "id": second},
        "from": CLIENT,
        "timestamp": str(int(clock.now.timestamp())),
        "type": "button",
        "button": {"payload": "cancel:A1", "text": "Cancel"},
    }
    assert on_first["entry"][0]["changes"][0]["value"]["messages"][0]["context"]["id"] == first
    assert whatsapp.window_open(CLIENT)
    with pytest.raises(LookupError):
        whatsapp.button_webhook(OTHER, "cancel:A1", "Cancel")


def test_status_webhooks_and_their_pricing(http, whatsapp, clock):
    reminder = send(http, whatsapp, template()).json()["messages"][0]["id"]
    whatsapp.text_message_webhook(OTHER, "hi")
    reply = send(http, whatsapp, text(to=OTHER)).json()["messages"][0]["id"]
    utility_in_window = send(http, whatsapp, template(to=OTHER)).json()["messages"][0]["id"]

    def status(message_id, state, **options):
        return whatsapp.status_webhook(message_id, state, **options)["entry"][0]["changes"][0]["value"][
            "statuses"
        ][0]

    delivered = status(reminder, "delivered")
    assert delivered == {
        "id": reminder,
        "status": "delivered",
        "timestamp": str(int(clock.now.timestamp())),
        "recipient_id": CLIENT,
        "pricing": {"billable": True, "pricing_model": "PMP", "category": "utility", "type": "regular"},
    }
    assert status(reminder, "read", category="marketing")["pricing"]["category"] == "marketing"
    free = {"billable": False, "pricing_model": "PMP", "type": "free_customer_service"}
    assert status(reply, "sent")["pricing"] == {**free, "category": "service"}
    assert status(utility_in_window, "delivered")["pricing"] == {**free, "category": "utility"}
    failed = status(reminder, "failed", errors=[131049])
    assert "pricing" not in failed
    assert failed["errors"][0]["code"] == 131049
    assert status("wamid.unknown", "sent", recipient="+1 650 555 1234")["recipient_id"] == OTHER
    with pytest.raises(LookupError):
        status("wamid.unknown", "sent")
    with pytest.raises(ValueError):
        status(reminder, "seen")


# --- the record ---------------------------------------------------------------------------------
def test_every_request_is_recorded(http, whatsapp, clock):
    send(http, whatsapp, template())
    send(http, whatsapp, text(), token="wrong")

    first, second = whatsapp.requests
    assert (first.operation, first.status, first.at) == ("messages", 200, clock.now)
    assert first.params == template()
    assert first.path == "/v21.0/106540352242922/messages"
    assert first.headers["authorization"] == f"Bearer {TOKEN}"
    assert second.status == 401


def test_reset(http, whatsapp):
    whatsapp.script(Fail(131026, later=True))
    whatsapp.open_window(CLIENT)
    send(http, whatsapp, template())

    whatsapp.reset()

    assert whatsapp.requests == whatsapp.messages() == whatsapp.pending_webhooks == []
    assert not whatsapp.window_open(CLIENT)
    assert send(http, whatsapp, template()).status_code == 200
    assert whatsapp.pending_webhooks == []


def test_past_its_rate_limit_the_number_answers_130429_and_sends_nothing(http, clock):
    with FakeWhatsApp(clock=clock, rate_limit=2) as limited:
        answers = [send(http, limited, template()) for _ in range(3)]
        assert [a.status_code for a in answers] == [200, 200, 429]
        assert graph_error(answers[2]) == failure(
            130429, "(#130429) Rate limit hit", "Cloud API message throughput has been reached."
        )
        assert len(limited.messages()) == 2 and limited.refused_for_rate == 1
        clock.advance(timedelta(seconds=1))
        assert send(http, limited, template()).status_code == 200
