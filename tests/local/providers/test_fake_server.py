import socket
import threading

import httpx
import pytest
from regulars_local.providers import (
    MAX_HOLD_SECONDS,
    FakeTelegram,
    FakeWhatsApp,
    Hang,
    ServerError,
    TooManyRequests,
)
from regulars_local.providers.scripts import Script


def chat(http, telegram, chat_id=42, text="Hi", timeout=5.0):
    return http.post(
        f"{telegram.api_url}/sendMessage", json={"chat_id": chat_id, "text": text}, timeout=timeout
    )


# --- lifecycle ----------------------------------------------------------------------------------
def test_a_fake_listens_on_a_free_loopback_port_until_it_stops(http):
    fake = FakeTelegram().start()
    port = fake.port

    assert port > 0
    assert fake.base_url == f"http://127.0.0.1:{port}"
    assert chat(http, fake).status_code == 200
    fake.stop()

    with pytest.raises(RuntimeError):
        fake.base_url  # noqa: B018
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_a_fake_is_a_context_manager_and_restarts(http):
    fake = FakeWhatsApp()
    with fake:
        with pytest.raises(RuntimeError):
            fake.start()
        assert http.get(f"{fake.base_url}/_fake/messages").status_code == 200
    with fake:
        assert http.get(f"{fake.base_url}/_fake/messages").status_code == 200
    fake.stop()  # stopping a stopped fake does nothing


def test_two_fakes_side_by_side():
    with FakeTelegram() as telegram, FakeWhatsApp() as whatsapp:
        assert telegram.port != whatsapp.port


def test_a_given_port():
    with socket.socket() as spare:
        spare.bind(("127.0.0.1", 0))
        port = spare.getsockname()[1]
    with FakeTelegram(port=port) as fake:
        assert fake.port == port


# --- holding ------------------------------------------------------------------------------------
@pytest.mark.parametrize("seconds", [0, -1, MAX_HOLD_SECONDS + 0.1])
def test_a_hang_is_bounded(seconds):
    with pytest.raises(ValueError):
        Hang(seconds)


def test_stopping_releases_a_held_request(http):
    fake = FakeTelegram().start()
    fake.script(Hang(MAX_HOLD_SECONDS))
    answers: list[httpx.Response] = []
    client = threading.Thread(target=lambda: answers.append(chat(http, fake, timeout=10.0)))
    client.start()
    fake.wait_for_requests(1)

    fake.stop()
    client.join(timeout=5.0)  # released long before the 30 s hold ends

    assert not client.is_alive()
    assert [a.status_code for a in answers] == [504]
    assert [e.held for e in fake.requests] == [MAX_HOLD_SECONDS]


def test_a_held_request_does_not_hold_up_others(http):
    fake = FakeTelegram().start()
    fake.script(Hang(MAX_HOLD_SECONDS), chat_id=1, times=1)
    answers: list[httpx.Response] = []
    held = threading.Thread(
        target=lambda: answers.append(chat(http, fake, chat_id=1, timeout=MAX_HOLD_SECONDS + 5))
    )
    held.start()
    fake.wait_for_requests(1)

    # answered while the first is still held (it would hold for 30 s): no timing, an ordering
    assert chat(http, fake, chat_id=2).status_code == 200
    assert held.is_alive() and answers == []
    fake.stop()
    held.join(timeout=5.0)
    assert [a.status_code for a in answers] == [504]


# --- the record ---------------------------------------------------------------------------------
def test_wait_for_requests(http, telegram):
    sender = threading.Thread(target=lambda: [chat(http, telegram) for _ in range(3)])
    sender.start()

    record = telegram.wait_for_requests(3)
    sender.join()

    assert [e.status for e in record] == [200, 200, 200]
    with pytest.raises(TimeoutError):
        telegram.wait_for_requests(4, timeout=0.05)


def test_a_chunked_body(http, telegram):
    body = iter([b'{"chat_id": 42, ', b'"text": "chunked"}'])

    response = http.post(
        f"{telegram.api_url}/sendMessage", content=body, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 200
    assert telegram.messages(42)[0].text == "chunked"


# --- the control surface ------------------------------------------------------------------------
def test_the_control_surface(http, telegram, clock):
    chat(http, telegram, text="Hello")
    chat(http, telegram, chat_id="x")

    requests = http.get(f"{telegram.base_url}/_fake/requests").json()["requests"]
    messages = http.get(f"{telegram.base_url}/_fake/messages").json()["messages"]
    reset = http.post(f"{telegram.base_url}/_fake/reset")
    unknown = http.get(f"{telegram.base_url}/_fake/nothing")

    assert [(r["operation"], r["status"], r["webhookReply"]) for r in requests] == [
        ("sendMessage", 200, False),
        ("sendMessage", 400, False),
    ]
    assert requests[0]["params"] == {"chat_id": 42, "text": "Hello"}
    assert requests[0]["at"] == clock.now.isoformat()
    assert [(m["chat"]["id"], m["text"]) for m in messages] == [(42, "Hello")]
    assert reset.status_code == 204
    assert telegram.requests == []
    assert unknown.status_code == 404


def test_the_whatsapp_messages_view(http, whatsapp):
    http.post(
        whatsapp.messages_url(),
        json={
            "messaging_product": "whatsapp",
            "to": "79161234567",
            "type": "template",
            "template": {"name": "visit_reminder", "language": {"code": "en"}},
        },
        headers={"Authorization": "Bearer test-access-token"},
    )

    [message] = http.get(f"{whatsapp.base_url}/_fake/messages").json()["messages"]

    assert message["to"] == "79161234567"
    assert message["template"] == {"name": "visit_reminder", "language": {"code": "en"}}


# --- scripts ------------------------------------------------------------------------------------
def test_a_script_takes_a_keys_behaviours_then_the_defaults():
    script: Script[str, str] = Script()
    script.add("limited", "anna", times=2)
    script.add("down", None, times=1)
    script.add("blocked", "boris")

    assert [script.next("anna") for _ in range(4)] == ["limited", "limited", "down", None]
    assert [script.next("boris") for _ in range(3)] == ["blocked"] * 3
    assert script.next("vera") is None


def test_a_behaviour_lasts_at_least_one_call():
    with pytest.raises(ValueError):
        Script().add("x", times=0)


def test_behaviours_check_their_values():
    with pytest.raises(ValueError):
        ServerError(404)
    with pytest.raises(ValueError):
        TooManyRequests(retry_after=0)
