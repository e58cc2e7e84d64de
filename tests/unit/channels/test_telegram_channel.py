from collections.abc import Iterator

import httpx
import pytest
from pydantic import ValidationError
from regulars.messaging.channels import (
    Button,
    MessageRejected,
    OutgoingMessage,
    RetryLater,
    TelegramChannel,
    Undeliverable,
)
from regulars_local.providers import FakeTelegram, Forbidden, Hang, ServerError, TooManyRequests

CHAT = 987654321
BIG_CHAT = 7_000_000_123  # beyond 32 bits


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=2.0) as client:  # below the 3 s a Hang waits
        yield client


@pytest.fixture
def channel(http, telegram) -> TelegramChannel:
    return TelegramChannel(http, base_url=telegram.base_url, token=telegram.token)


def message(address=CHAT, text="See you tomorrow at 10:00", buttons=()):
    return OutgoingMessage(
        message_id="m-1", purpose="transactional", text=text, locale="en", address=address, buttons=buttons
    )


def test_a_message_with_buttons_goes_as_an_inline_keyboard(channel, telegram):
    buttons = (Button(text="Confirm", data="confirm:A1"), Button(text="Cancel", data="cancel:A1"))

    sent = channel.send(message(buttons=buttons))

    [delivered] = telegram.messages(CHAT)
    assert delivered.text == "See you tomorrow at 10:00"
    assert delivered.reply_markup == {
        "inline_keyboard": [
            [
                {"text": "Confirm", "callback_data": "confirm:A1"},
                {"text": "Cancel", "callback_data": "cancel:A1"},
            ]
        ]
    }
    assert sent.provider_id == str(delivered.message_id)
    assert (sent.segments, sent.cost_micros) == (None, 0)


def test_a_chat_id_beyond_32_bits_is_sent_as_an_integer(channel, telegram):
    channel.send(message(address=BIG_CHAT))
    channel.send(message(address=str(BIG_CHAT)))

    assert [m.chat_id for m in telegram.messages()] == [BIG_CHAT, BIG_CHAT]
    assert [r.params["chat_id"] for r in telegram.requests] == [BIG_CHAT, BIG_CHAT]


def test_a_message_without_buttons_has_no_keyboard(channel, telegram):
    channel.send(message())

    assert "reply_markup" not in telegram.requests[0].params


def test_button_data_is_at_most_64_ascii_bytes():
    Button(text="Confirm", data="c" * 64)

    for data in ("c" * 65, "подтвердить", "confirm A1", ""):
        with pytest.raises(ValidationError):
            Button(text="Confirm", data=data)


def test_button_data_over_64_bytes_never_reaches_telegram(channel, telegram):
    oversized = Button.model_construct(text="Confirm", data="c" * 65)

    with pytest.raises(MessageRejected, match="64 bytes"):
        channel.send(message(buttons=(oversized,)))

    assert telegram.requests == []


def test_a_text_over_4096_characters_never_reaches_telegram(channel, telegram):
    with pytest.raises(MessageRejected):
        channel.send(message(text="a" * 4097))

    assert telegram.requests == []


def test_too_many_requests_retries_after_what_telegram_asks(channel, telegram):
    telegram.script(TooManyRequests(retry_after=7), chat_id=CHAT, times=1)

    with pytest.raises(RetryLater) as failure:
        channel.send(message())

    assert failure.value.retry_after_seconds == 7 and failure.value.throttled
    assert channel.send(message()).provider_id == "1"


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_retry_later(channel, telegram, status):
    telegram.script(ServerError(status), times=1)

    with pytest.raises(RetryLater) as failure:
        channel.send(message())

    assert failure.value.retry_after_seconds is None


def test_a_timeout_retries_later(channel, telegram):
    telegram.script(Hang(seconds=3, delivered=True), times=1)

    with pytest.raises(RetryLater) as failure:
        channel.send(message())

    assert failure.value.retry_after_seconds is None


def test_an_unreachable_api_retries_later(http, telegram, closed_url):
    channel = TelegramChannel(http, base_url=closed_url, token=telegram.token)

    with pytest.raises(RetryLater):
        channel.send(message())


@pytest.mark.parametrize("forbidden", list(Forbidden))
def test_a_blocked_bot_or_gone_user_is_undeliverable(channel, telegram, forbidden):
    telegram.script(forbidden, chat_id=CHAT)

    with pytest.raises(Undeliverable) as failure:
        channel.send(message())

    assert (failure.value.code, failure.value.reason) == ("403", forbidden.value)


def test_a_bad_request_is_undeliverable(channel, telegram):
    with pytest.raises(Undeliverable) as failure:
        channel.send(message(address=2**63))

    assert failure.value.code == "invalid_chat_id"
    assert telegram.requests == []

    with pytest.raises(Undeliverable) as failure:
        channel.send(message(text="   "))  # Telegram refuses a blank text

    assert failure.value.code == "400"


def test_a_wrong_token_is_undeliverable(http, telegram):
    channel = TelegramChannel(http, base_url=telegram.base_url, token="1:wrong")

    with pytest.raises(Undeliverable) as failure:
        channel.send(message())

    assert failure.value.code == "401"
