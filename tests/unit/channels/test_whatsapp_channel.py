import re
from collections.abc import Iterator

import httpx
import pytest
from regulars.messaging.channels import (
    Button,
    OutgoingMessage,
    RetryLater,
    Suppressed,
    Undeliverable,
    WhatsAppChannel,
    WhatsAppTemplate,
    WindowClosed,
)
from regulars.messaging.channels.whatsapp import failure_for
from regulars_local.providers import ErrorCode, Fail, FakeWhatsApp, Hang, ServerError

CLIENT = "+79161234567"
WAMID = re.compile(r"wamid\.[A-Za-z0-9+/=]+")
REMINDER = WhatsAppTemplate(
    name="visit_reminder",
    language="ru",
    body_parameters=("Anna", "10:00"),
    quick_reply_payloads=("confirm:A1", "cancel:A1"),
)
TEMPLATE_BODY = {
    "messaging_product": "whatsapp",
    "to": "79161234567",
    "type": "template",
    "template": {
        "name": "visit_reminder",
        "language": {"code": "ru"},
        "components": [
            {
                "type": "body",
                "parameters": [{"type": "text", "text": "Anna"}, {"type": "text", "text": "10:00"}],
            },
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
    },
}


@pytest.fixture
def whatsapp() -> Iterator[FakeWhatsApp]:
    with FakeWhatsApp(templates={"visit_reminder": ["ru", "en"]}) as fake:
        yield fake


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=2.0) as client:  # below the 3 s a Hang waits
        yield client


def make_channel(http, whatsapp, window_open=None, token=None, base_url=None):
    return WhatsAppChannel(
        http,
        base_url=base_url or whatsapp.base_url,
        version="v21.0",
        phone_number_id=whatsapp.phone_number_id,
        token=token or whatsapp.access_token,
        window_open=window_open or whatsapp.window_open,
    )


@pytest.fixture
def channel(http, whatsapp) -> WhatsAppChannel:
    return make_channel(http, whatsapp)


def message(template=REMINDER, buttons=(), purpose="transactional", address=CLIENT, text="See you at 10:00"):
    return OutgoingMessage(
        message_id="m-1",
        purpose=purpose,
        text=text,
        locale="ru",
        address=address,
        buttons=buttons,
        whatsapp_template=template,
    )


def only_request(whatsapp):
    [exchange] = whatsapp.requests
    assert exchange.headers["authorization"] == f"Bearer {whatsapp.access_token}"
    return exchange.params


# --- the 24-hour window ---------------------------------------------------------------------------
def test_inside_the_window_a_text_goes(channel, whatsapp):
    whatsapp.open_window(CLIENT)

    sent = channel.send(message())

    assert only_request(whatsapp) == {
        "messaging_product": "whatsapp",
        "to": "79161234567",
        "type": "text",
        "text": {"body": "See you at 10:00"},
    }
    [delivered] = whatsapp.messages(CLIENT)
    assert sent.provider_id == delivered.id
    assert WAMID.fullmatch(sent.provider_id)
    assert (sent.segments, sent.cost_micros) == (None, None)


def test_outside_the_window_the_template_goes(channel, whatsapp):
    sent = channel.send(message())

    assert only_request(whatsapp) == TEMPLATE_BODY
    [delivered] = whatsapp.messages(CLIENT)
    assert (delivered.type, delivered.body_parameters) == ("template", ["Anna", "10:00"])
    assert delivered.quick_reply_payloads == ["confirm:A1", "cancel:A1"]
    assert sent.provider_id == delivered.id


def test_outside_the_window_without_a_template_the_window_is_closed(channel, whatsapp):
    with pytest.raises(WindowClosed) as failure:
        channel.send(message(template=None))

    assert isinstance(failure.value, Undeliverable)
    assert whatsapp.requests == []


def test_a_message_with_buttons_goes_as_its_template_even_inside_the_window(channel, whatsapp):
    whatsapp.open_window(CLIENT)
    buttons = (Button(text="Confirm", data="confirm:B2"), Button(text="Cancel", data="cancel:B2"))
    template = REMINDER.model_copy(update={"quick_reply_payloads": ()})

    channel.send(message(template=template, buttons=buttons))

    [delivered] = whatsapp.messages(CLIENT)
    assert delivered.type == "template"
    assert delivered.quick_reply_payloads == ["confirm:B2", "cancel:B2"]


def test_when_meta_says_the_window_is_closed_the_template_goes_instead(http, whatsapp):
    channel = make_channel(http, whatsapp, window_open=lambda phone: True)

    sent = channel.send(message())

    assert [(r.params["type"], r.status) for r in whatsapp.requests] == [("text", 400), ("template", 200)]
    assert whatsapp.requests[1].params == TEMPLATE_BODY
    assert sent.provider_id == whatsapp.messages(CLIENT)[0].id


def test_when_meta_says_the_window_is_closed_and_there_is_no_template(http, whatsapp):
    channel = make_channel(http, whatsapp, window_open=lambda phone: True)

    with pytest.raises(WindowClosed) as failure:
        channel.send(message(template=None))

    assert failure.value.code == "131047"


# --- error codes ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "code", [ErrorCode.THROUGHPUT_RATE_LIMIT, ErrorCode.PAIR_RATE_LIMIT, ErrorCode.ACCOUNT_RATE_LIMIT]
)
def test_rate_limits_retry_later(channel, whatsapp, code):
    whatsapp.script(Fail(code), times=1)

    with pytest.raises(RetryLater) as failure:
        channel.send(message())

    assert failure.value.retry_after_seconds is None
    # the number's or the account's pace slows the channel; one recipient's limit only its message
    assert failure.value.throttled == (code != ErrorCode.PAIR_RATE_LIMIT)
    channel.send(message())  # the next attempt goes


def test_the_marketing_cap_retries_after_a_day(channel, whatsapp):
    whatsapp.script(Fail(ErrorCode.MARKETING_CAP))

    with pytest.raises(RetryLater) as failure:
        channel.send(message(purpose="marketing"))

    assert failure.value.retry_after_seconds == 86_400


def test_a_client_who_stopped_marketing_is_suppressed(channel, whatsapp):
    whatsapp.script(Fail(ErrorCode.MARKETING_STOPPED))

    with pytest.raises(Suppressed):
        channel.send(message(purpose="marketing"))


def test_a_number_not_on_whatsapp_is_undeliverable(channel, whatsapp):
    whatsapp.script(Fail(ErrorCode.UNDELIVERABLE), recipient=CLIENT)

    with pytest.raises(Undeliverable) as failure:
        channel.send(message())

    assert not isinstance(failure.value, WindowClosed)
    assert failure.value.code == "131026"


@pytest.mark.parametrize("behaviour", [ServerError(500), ServerError(503), Fail(ErrorCode.UNKNOWN)])
def test_server_errors_retry_later(channel, whatsapp, behaviour):
    whatsapp.script(behaviour, times=1)

    with pytest.raises(RetryLater):
        channel.send(message())


def test_a_timeout_retries_later(channel, whatsapp):
    whatsapp.script(Hang(seconds=3), times=1)

    with pytest.raises(RetryLater):
        channel.send(message())


def test_an_unreachable_api_retries_later(http, whatsapp, closed_url):
    channel = make_channel(http, whatsapp, base_url=closed_url)

    with pytest.raises(RetryLater):
        channel.send(message())


def test_an_unknown_template_or_a_wrong_token_is_undeliverable(http, whatsapp):
    with pytest.raises(Undeliverable) as failure:
        make_channel(http, whatsapp).send(message(template=REMINDER.model_copy(update={"language": "es"})))
    assert failure.value.code == "132001"

    with pytest.raises(Undeliverable) as failure:
        make_channel(http, whatsapp, token="wrong").send(message())
    assert failure.value.code == "190"


def test_an_invalid_number_never_reaches_meta(channel, whatsapp):
    with pytest.raises(Undeliverable) as failure:
        channel.send(message(address="+7916"))

    assert failure.value.code == "invalid_number"
    assert whatsapp.requests == []


@pytest.mark.parametrize(
    ("code", "kind", "retry_after"),
    [
        (131047, WindowClosed, None),
        (131026, Undeliverable, None),
        (130429, RetryLater, None),
        (131056, RetryLater, None),
        (80007, RetryLater, None),
        (131049, RetryLater, 86_400),
        (131050, Suppressed, None),
        (131000, RetryLater, None),
    ],
)
def test_failed_status_codes_map_as_the_answers_do(code, kind, retry_after):
    failure = failure_for(code, "from a status webhook")

    assert type(failure) is kind
    assert getattr(failure, "retry_after_seconds", None) == retry_after
