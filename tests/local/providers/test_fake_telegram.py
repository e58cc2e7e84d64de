import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
import pytest
from regulars_local.providers import (
    SECRET_TOKEN_HEADER,
    FakeTelegram,
    Forbidden,
    Hang,
    ServerError,
    Succeed,
    TooManyRequests,
)

CHAT = 987654321
BIG_CHAT = 7_000_000_123  # beyond 32 bits
BOT = {"id": 123456789, "is_bot": True, "first_name": "Regulars", "username": "regulars_test_bot"}


def send(http, telegram, chat_id=CHAT, text="See you tomorrow at 10:00", **params):
    return http.post(f"{telegram.api_url}/sendMessage", json={"chat_id": chat_id, "text": text, **params})


def keyboard(*data):
    return {"inline_keyboard": [[{"text": f"Button {i}", "callback_data": d} for i, d in enumerate(data)]]}


def sent_body(telegram, clock, message_id=1, chat_id=CHAT, text="See you tomorrow at 10:00"):
    result = {
        "message_id": message_id,
        "from": BOT,
        "chat": {"id": chat_id, "type": "private"},
        "date": int(clock.now.timestamp()),
        "text": text,
    }
    return {"ok": True, "result": result}


# --- the API ------------------------------------------------------------------------------------
def test_get_me(http, telegram):
    response = http.get(f"{telegram.api_url}/getMe")

    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "result": {
            **BOT,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        },
    }


def test_send_message_with_a_json_body(http, telegram, clock):
    first = send(http, telegram)
    second = send(http, telegram, text="Second")

    assert first.status_code == 200
    assert first.json() == sent_body(telegram, clock)
    assert second.json() == sent_body(telegram, clock, message_id=2, text="Second")
    assert [m.text for m in telegram.messages(CHAT)] == ["See you tomorrow at 10:00", "Second"]


def test_send_message_with_a_form_body_is_the_same_message(http, telegram, clock):
    markup = keyboard("confirm:A1", "cancel:A1")
    response = http.post(
        f"{telegram.api_url}/sendMessage",
        data={"chat_id": str(CHAT), "text": "Confirm?", "reply_markup": json.dumps(markup)},
    )

    assert response.status_code == 200
    assert response.json()["result"]["reply_markup"] == markup
    [sent] = telegram.messages(CHAT)
    assert sent.chat_id == CHAT
    assert sent.buttons == markup["inline_keyboard"][0]
    [exchange] = telegram.requests
    assert exchange.operation == "sendMessage"
    assert exchange.params == {"chat_id": str(CHAT), "text": "Confirm?", "reply_markup": json.dumps(markup)}
    assert exchange.at == clock.now


def test_send_message_with_a_multipart_body(http, telegram):
    response = http.post(
        f"{telegram.api_url}/sendMessage",
        data={"chat_id": str(CHAT), "text": "Привет"},
        files={"unused": ("a.txt", b"file content")},
    )

    assert response.status_code == 200
    assert response.json()["result"]["text"] == "Привет"


def test_parameters_in_the_query_string(http, telegram):
    response = http.get(f"{telegram.api_url}/sendMessage", params={"chat_id": CHAT, "text": "Hi"})

    assert response.status_code == 200
    assert telegram.messages(CHAT)[0].text == "Hi"


@pytest.mark.parametrize("chat_id", [BIG_CHAT, -1001234567890, 2**63 - 1, -(2**63)])
def test_chat_ids_are_64_bit(http, telegram, chat_id):
    as_json = send(http, telegram, chat_id=chat_id)
    as_form = http.post(f"{telegram.api_url}/sendMessage", data={"chat_id": str(chat_id), "text": "Hi"})

    assert as_json.json()["result"]["chat"]["id"] == chat_id
    assert as_form.json()["result"]["chat"]["id"] == chat_id
    assert [m.chat_id for m in telegram.messages()] == [chat_id, chat_id]


@pytest.mark.parametrize("chat_id", [2**63, -(2**63) - 1, "@salon_channel", "12a", 1.5, True])
def test_a_chat_id_that_is_no_64_bit_integer_is_not_found(http, telegram, chat_id):
    response = send(http, telegram, chat_id=chat_id)

    assert response.status_code == 400
    assert response.json() == {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}


def test_a_missing_chat_id(http, telegram):
    response = http.post(f"{telegram.api_url}/sendMessage", json={"text": "Hi"})

    assert response.status_code == 400
    assert response.json() == {"ok": False, "error_code": 400, "description": "Bad Request: chat_id is empty"}


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("", "Bad Request: message text is empty"),
        (" \n ", "Bad Request: message text is empty"),
        (None, "Bad Request: message text is empty"),
        ("x" * 4097, "Bad Request: message is too long"),
        ("ж" * 4097, "Bad Request: message is too long"),
    ],
)
def test_text_is_1_to_4096_characters(http, telegram, text, description):
    response = send(http, telegram, text=text)

    assert response.status_code == 400
    assert response.json() == {"ok": False, "error_code": 400, "description": description}
    assert telegram.messages() == []


def test_4096_characters_are_allowed(http, telegram):
    assert send(http, telegram, text="ж" * 4096).status_code == 200


@pytest.mark.parametrize(
    "data",
    ["a", "x" * 64, "é" * 32, "ж" * 32, "🙂" * 16, "confirm:01JB7ZQK3V4RD2W8M9XK1P5T6Y"],
)
def test_callback_data_of_1_to_64_bytes(http, telegram, data):
    response = send(http, telegram, reply_markup=keyboard(data))

    assert response.status_code == 200
    assert telegram.messages(CHAT)[0].buttons[0]["callback_data"] == data


@pytest.mark.parametrize("data", ["", "x" * 65, "é" * 33, "ж" * 33, "🙂" * 17, "a" * 63 + "é"])
def test_callback_data_beyond_64_bytes_is_invalid(http, telegram, data):
    as_json = send(http, telegram, reply_markup=keyboard("ok", data))
    as_form = http.post(
        f"{telegram.api_url}/sendMessage",
        data={"chat_id": CHAT, "text": "Hi", "reply_markup": json.dumps(keyboard(data))},
    )

    for response in (as_json, as_form):
        assert response.status_code == 400
        assert response.json() == {
            "ok": False,
            "error_code": 400,
            "description": "Bad Request: BUTTON_DATA_INVALID",
        }
    assert telegram.messages() == []


@pytest.mark.parametrize(
    ("markup", "description"),
    [
        ("{not json", "Bad Request: can't parse reply keyboard markup JSON object"),
        (
            {"inline_keyboard": [{"text": "A"}]},
            'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays',
        ),
        (
            {"inline_keyboard": [[{"text": "", "callback_data": "a"}]]},
            "Bad Request: can't parse inline keyboard button: Text must be non-empty",
        ),
        (
            {"inline_keyboard": [[{"text": "A"}]]},
            "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
        ),
    ],
)
def test_a_broken_keyboard(http, telegram, markup, description):
    response = send(http, telegram, reply_markup=markup)

    assert response.status_code == 400
    assert response.json()["description"] == description


def test_a_url_button_needs_no_callback_data(http, telegram):
    markup = {"inline_keyboard": [[{"text": "Manage", "url": "https://example.com/m/abc"}]]}

    assert send(http, telegram, reply_markup=markup).status_code == 200


def test_an_unknown_token_is_unauthorized(http, telegram):
    response = http.post(
        f"{telegram.base_url}/bot123456789:wrong/sendMessage", json={"chat_id": CHAT, "text": "Hi"}
    )

    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert telegram.messages() == []
    assert [(e.operation, e.status) for e in telegram.requests] == [("sendMessage", 401)]


def test_unknown_paths_and_methods(http, telegram):
    no_bot = http.post(f"{telegram.base_url}/sendMessage", json={})
    no_method = http.post(f"{telegram.api_url}/sendCarrierPigeon", json={})

    assert no_bot.status_code == 404
    assert no_bot.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    assert no_method.status_code == 404
    assert no_method.json() == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}


def test_method_names_are_case_insensitive(http, telegram):
    assert (
        http.post(f"{telegram.api_url}/SENDMESSAGE", json={"chat_id": CHAT, "text": "Hi"}).status_code == 200
    )


def test_a_body_that_is_not_json(http, telegram):
    response = http.post(
        f"{telegram.api_url}/sendMessage", content=b"{chat_id", headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 400
    assert response.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: can't parse JSON object",
    }


# --- scripted behaviour ---------------------------------------------------------------------------
def test_too_many_requests_for_the_next_calls_then_success(http, telegram, clock):
    telegram.script(TooManyRequests(retry_after=5), chat_id=CHAT, times=2)

    answers = [send(http, telegram) for _ in range(3)]

    limited = {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 5",
        "parameters": {"retry_after": 5},
    }
    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].json() == answers[1].json() == limited
    assert answers[2].json() == sent_body(telegram, clock)
    assert len(telegram.messages(CHAT)) == 1


def test_a_script_is_per_chat(http, telegram):
    telegram.script(TooManyRequests(retry_after=1), chat_id=CHAT)

    assert send(http, telegram, chat_id=CHAT).status_code == 429
    assert send(http, telegram, chat_id=BIG_CHAT).status_code == 200


def test_the_default_script_applies_to_chats_without_their_own(http, telegram):
    telegram.script(ServerError(502), times=2)
    telegram.script(Succeed(), chat_id=BIG_CHAT)

    assert send(http, telegram, chat_id=BIG_CHAT).status_code == 200
    assert [send(http, telegram, chat_id=c).status_code for c in (CHAT, 42, CHAT)] == [502, 502, 200]


def test_scripted_behaviours_follow_one_another(http, telegram):
    telegram.script(TooManyRequests(retry_after=3), chat_id=CHAT, times=1)
    telegram.script(ServerError(), chat_id=CHAT, times=1)

    assert [send(http, telegram).status_code for _ in range(3)] == [429, 500, 200]


@pytest.mark.parametrize("forbidden", list(Forbidden))
def test_permanent_403s(http, telegram, forbidden):
    telegram.script(forbidden, chat_id=CHAT)

    answers = [send(http, telegram) for _ in range(3)]

    for answer in answers:
        assert answer.status_code == 403
        assert answer.json() == {"ok": False, "error_code": 403, "description": forbidden.value}
    assert telegram.messages() == []


def test_the_403_descriptions_are_telegrams():
    assert [f.value for f in Forbidden] == [
        "Forbidden: bot was blocked by the user",
        "Forbidden: user is deactivated",
        "Forbidden: bot can't initiate conversation with a user",
    ]


@pytest.mark.parametrize(
    ("status", "description"),
    [(500, "Internal Server Error"), (502, "Bad Gateway"), (503, "Service Unavailable")],
)
def test_server_errors(http, telegram, status, description):
    telegram.script(ServerError(status), times=1)

    response = send(http, telegram)

    assert response.status_code == status
    assert response.json() == {"ok": False, "error_code": status, "description": description}


def test_a_hang_outlasts_the_client_timeout(http, telegram):
    telegram.script(Hang(0.5), chat_id=CHAT, times=1)

    started = time.monotonic()
    with pytest.raises(httpx.ReadTimeout):
        send_with_timeout(http, telegram, 0.2)
    waited = time.monotonic() - started

    assert 0.2 <= waited < 0.5
    [exchange] = telegram.requests
    assert (exchange.status, exchange.held) == (504, 0.5)
    assert telegram.messages() == []
    assert send(http, telegram).status_code == 200  # the hang was for one call


def test_a_hang_answers_504_when_it_ends(http, telegram):
    telegram.script(Hang(0.5))

    started = time.monotonic()
    response = send_with_timeout(http, telegram, 5.0)

    assert time.monotonic() - started >= 0.5
    assert response.status_code == 504
    assert response.json() == {"ok": False, "error_code": 504, "description": "Gateway Timeout"}


def test_a_slow_send_that_was_delivered(http, telegram):
    telegram.script(Hang(0.5, delivered=True), chat_id=CHAT)

    with pytest.raises(httpx.ReadTimeout):
        send_with_timeout(http, telegram, 0.2)

    assert [m.text for m in telegram.messages(CHAT)] == ["See you tomorrow at 10:00"]
    assert send_with_timeout(http, telegram, 5.0).status_code == 200


def send_with_timeout(http, telegram, timeout):
    return http.post(
        f"{telegram.api_url}/sendMessage",
        json={"chat_id": CHAT, "text": "See you tomorrow at 10:00"},
        timeout=timeout,
    )


def test_only_telegram_behaviours_can_be_scripted(telegram):
    with pytest.raises(TypeError):
        telegram.script("blocked", chat_id=CHAT)


# --- callback queries ---------------------------------------------------------------------------
def test_answer_callback_query_for_a_press(http, telegram):
    send(http, telegram, reply_markup=keyboard("confirm:A1"))
    query_id = telegram.callback_query_update(CHAT, "confirm:A1")["callback_query"]["id"]

    first = http.post(
        f"{telegram.api_url}/answerCallbackQuery", data={"callback_query_id": query_id, "text": "Confirmed"}
    )
    again = http.post(f"{telegram.api_url}/answerCallbackQuery", json={"callback_query_id": query_id})

    assert first.json() == {"ok": True, "result": True}
    assert again.status_code == 400
    assert again.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: query is too old and response timeout expired or query ID is invalid",
    }
    [answer] = telegram.callback_answers
    assert (answer.callback_query_id, answer.text, answer.show_alert) == (query_id, "Confirmed", False)


def test_answering_an_unknown_callback_query(http, telegram):
    response = http.post(f"{telegram.api_url}/answerCallbackQuery", json={"callback_query_id": "123"})

    assert response.status_code == 400
    assert telegram.callback_answers == []


# --- the webhook --------------------------------------------------------------------------------
def test_set_webhook(http, telegram):
    response = http.post(
        f"{telegram.api_url}/setWebhook",
        data={
            "url": "https://hooks.example.com/telegram",
            "secret_token": "a" * 256,
            "allowed_updates": json.dumps(["message", "callback_query"]),
        },
    )
    info = http.get(f"{telegram.api_url}/getWebhookInfo")

    assert response.json() == {"ok": True, "result": True, "description": "Webhook was set"}
    assert telegram.webhook is not None
    assert telegram.webhook.secret_token == "a" * 256
    assert telegram.webhook.allowed_updates == ("message", "callback_query")
    assert info.json() == {
        "ok": True,
        "result": {
            "url": "https://hooks.example.com/telegram",
            "has_custom_certificate": False,
            "pending_update_count": 0,
            "allowed_updates": ["message", "callback_query"],
        },
    }


@pytest.mark.parametrize("secret", ["a" * 257, "has space", "slash/", "ключ"])
def test_a_secret_token_is_1_to_256_of_letters_digits_underscore_and_dash(http, telegram, secret):
    response = http.post(
        f"{telegram.api_url}/setWebhook", json={"url": "https://hooks.example.com/t", "secret_token": secret}
    )

    assert response.status_code == 400
    assert response.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: secret token contains unallowed characters",
    }
    assert telegram.webhook is None


def test_a_webhook_url_must_be_http(http, telegram):
    response = http.post(f"{telegram.api_url}/setWebhook", json={"url": "ftp://hooks.example.com/t"})

    assert (
        response.json()["description"]
        == "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
    )


def test_delete_webhook(http, telegram):
    http.post(f"{telegram.api_url}/setWebhook", json={"url": "https://hooks.example.com/t"})

    first = http.post(f"{telegram.api_url}/deleteWebhook")
    second = http.post(f"{telegram.api_url}/setWebhook", json={"url": ""})

    assert first.json() == {"ok": True, "result": True, "description": "Webhook was deleted"}
    assert second.json() == {"ok": True, "result": True, "description": "Webhook is already deleted"}
    assert telegram.webhook is None


def test_deliver_a_start_update(telegram, webhook, clock):
    update = telegram.start_update(BIG_CHAT, "tok_9f8A-x", first_name="Anna", language_code="ru")

    response = telegram.deliver_update(webhook.url, update, "s3cret_token-1")

    assert response.status_code == 200
    [delivery] = webhook.deliveries
    assert delivery.method == "POST"
    assert delivery.path == "/webhook"
    assert delivery.headers["content-type"] == "application/json"
    assert delivery.headers[SECRET_TOKEN_HEADER.lower()] == "s3cret_token-1"
    assert json.loads(delivery.body) == {
        "update_id": 10001,
        "message": {
            "message_id": 1,
            "from": {"id": BIG_CHAT, "is_bot": False, "first_name": "Anna", "language_code": "ru"},
            "chat": {"id": BIG_CHAT, "first_name": "Anna", "type": "private"},
            "date": int(clock.now.timestamp()),
            "text": "/start tok_9f8A-x",
            "entities": [{"offset": 0, "length": 6, "type": "bot_command"}],
        },
    }


def test_update_ids_increase_and_a_redelivery_keeps_its_id(telegram, webhook):
    first = telegram.text_update(CHAT, "hello")
    second = telegram.text_update(CHAT, "again")

    telegram.deliver_update(webhook.url, first)
    telegram.deliver_update(webhook.url, first)
    telegram.deliver_update(webhook.url, second)
    telegram.deliver_update(webhook.url, {"message": second["message"]})

    ids = [json.loads(d.body)["update_id"] for d in webhook.deliveries]
    assert ids == [10001, 10001, 10002, 10003]
    assert SECRET_TOKEN_HEADER.lower() not in webhook.deliveries[0].headers


def test_a_button_press_update(http, telegram, webhook, clock):
    send(
        http,
        telegram,
        chat_id=BIG_CHAT,
        text="Tomorrow 10:00?",
        reply_markup=keyboard("confirm:A1", "cancel:A1"),
    )

    update = telegram.button_press_update(BIG_CHAT, "Button 1")
    telegram.deliver_update(webhook.url, update, "secret")

    query = json.loads(webhook.deliveries[0].body)["callback_query"]
    assert query["from"] == {"id": BIG_CHAT, "is_bot": False, "first_name": "Client", "language_code": "en"}
    assert query["message"] == {
        "message_id": 1,
        "from": BOT,
        "chat": {"id": BIG_CHAT, "type": "private"},
        "date": int(clock.now.timestamp()),
        "text": "Tomorrow 10:00?",
        "reply_markup": keyboard("confirm:A1", "cancel:A1"),
    }
    assert query["data"] == "cancel:A1"
    assert query["chat_instance"].startswith("-")
    assert (
        query["chat_instance"]
        == telegram.callback_query_update(BIG_CHAT, "x")["callback_query"]["chat_instance"]
    )
    assert query["id"].isdigit()


def test_a_press_needs_a_message(telegram):
    with pytest.raises(LookupError):
        telegram.callback_query_update(CHAT, "confirm:A1")
    with pytest.raises(LookupError):
        telegram.button_press_update(CHAT, "Confirm")


def test_the_method_in_a_webhook_response_runs(http, telegram, webhook):
    send(http, telegram, reply_markup=keyboard("confirm:A1"))
    update = telegram.callback_query_update(CHAT, "confirm:A1")
    query_id = update["callback_query"]["id"]
    reply = {"method": "answerCallbackQuery", "callback_query_id": query_id, "text": "Confirmed"}
    webhook.respond = lambda delivery: (200, "application/json", json.dumps(reply).encode())

    telegram.deliver_update(webhook.url, update, "secret")

    [answer] = telegram.callback_answers
    assert (answer.callback_query_id, answer.text) == (query_id, "Confirmed")
    exchange = telegram.requests[-1]
    assert (exchange.operation, exchange.status, exchange.webhook_reply) == ("answerCallbackQuery", 200, True)
    assert exchange.params == {"callback_query_id": query_id, "text": "Confirmed"}


def test_a_failed_webhook_response_runs_nothing(telegram, webhook):
    webhook.respond = lambda delivery: (
        403,
        "application/json",
        b'{"method":"sendMessage","chat_id":1,"text":"x"}',
    )

    response = telegram.deliver_update(webhook.url, telegram.text_update(CHAT, "hi"), "wrong")

    assert response.status_code == 403
    assert telegram.messages() == []
    assert telegram.requests == []


def test_deliver_to_the_webhook_the_bot_set(http, telegram, webhook):
    http.post(
        f"{telegram.api_url}/setWebhook",
        json={"url": webhook.url, "secret_token": "our-secret", "allowed_updates": ["callback_query"]},
    )
    send(http, telegram, reply_markup=keyboard("confirm:A1"))

    skipped = telegram.deliver_to_webhook(telegram.text_update(CHAT, "hi"))
    delivered = telegram.deliver_to_webhook(telegram.button_press_update(CHAT, "Button 0"))

    assert skipped is None
    assert delivered is not None and delivered.status_code == 200
    [delivery] = webhook.deliveries
    assert delivery.headers[SECRET_TOKEN_HEADER.lower()] == "our-secret"
    assert "callback_query" in json.loads(delivery.body)


def test_deliver_to_the_webhook_needs_one(telegram):
    with pytest.raises(RuntimeError):
        telegram.deliver_to_webhook(telegram.text_update(CHAT, "hi"))


# --- the record ---------------------------------------------------------------------------------
def test_concurrent_sends_are_all_recorded(http, telegram):
    chats = [CHAT + i % 5 for i in range(60)]
    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = list(pool.map(lambda chat: send(http, telegram, chat_id=chat).status_code, chats))

    assert statuses == [200] * 60
    assert len(telegram.requests) == 60
    for chat in set(chats):
        assert sorted(m.message_id for m in telegram.messages(chat)) == list(range(1, 13))


def test_reset_forgets_everything_but_the_counters(http, telegram):
    send(http, telegram)
    telegram.text_update(CHAT, "hi")
    telegram.script(Forbidden.BOT_BLOCKED)
    http.post(f"{telegram.api_url}/setWebhook", json={"url": "https://hooks.example.com/t"})

    telegram.reset()

    assert telegram.requests == []
    assert telegram.messages() == []
    assert telegram.webhook is None
    assert send(http, telegram).json()["result"]["message_id"] == 3  # ids stay unique
    assert telegram.text_update(CHAT, "hi")["update_id"] == 10002


def test_a_token_must_look_like_one():
    with pytest.raises(ValueError):
        FakeTelegram("not-a-token")


def test_past_its_rate_limit_the_bot_api_answers_429_and_sends_nothing(http, clock):
    with FakeTelegram(clock=clock, rate_limit=3) as limited:
        answers = [send(http, limited, text=f"n{n}") for n in range(5)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
        assert answers[3].json() == {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 1",
            "parameters": {"retry_after": 1},
        }
        assert [m.text for m in limited.messages()] == ["n0", "n1", "n2"] and limited.refused_for_rate == 2
        clock.advance(timedelta(seconds=1))  # a second later the window is free again
        assert send(http, limited, text="n5").status_code == 200
