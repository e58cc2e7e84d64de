"""What the logs hold when a send fails for real: the Telegram sender function, loaded as Lambda loads
it, sends to the fake Telegram (a real HTTP server on loopback) scripted to fail, with every library's
logging at INFO (as the local runtime has it). Neither the bot token nor the client's phone or e-mail is in
any line, the function's JSON lines or the libraries' (httpx logs each request's URL, which holds
the token)."""

from __future__ import annotations

import io
import itertools
import json
import logging
from datetime import timedelta

import boto3
import pytest
from regulars.app import messages as dispatch
from regulars.clients import repo as client_store
from regulars.clients.model import Client
from regulars.core import clock, config
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.outbox.sender import SendRef
from regulars.runtime.observability import logger
from regulars_local.emulator.functions import context_for, load
from regulars_local.providers import Forbidden, ServerError
from support.lambda_ import sample
from support.salon import make_salon

PHONE = "+4915123456789"
EMAIL = "mia.private@example.org"
_environments = itertools.count(100)


@pytest.fixture
def telegram(fake_telegram):
    return fake_telegram


@pytest.fixture
def sender_function(table, moto, telegram, monkeypatch):
    """The sender's handler, imported afresh with its environment (it reads it at import)."""
    sqs = boto3.client(
        "sqs",
        endpoint_url=moto,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    queue = sqs.create_queue(QueueName="telegram")["QueueUrl"]
    dead = sqs.create_queue(QueueName="telegram-dlq")["QueueUrl"]
    for name, value in {
        "SEND_QUEUE_URL": queue,
        "SEND_DEAD_LETTER_QUEUE_URL": dead,
        "ALARM_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:alarms",
        "AWS_ENDPOINT_URL_SQS": moto,
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_BASE": telegram.base_url,
    }.items():
        monkeypatch.setenv(name, value)
    config.settings.cache_clear()
    yield load("sender", environment=next(_environments))
    config.settings.cache_clear()


def _reaches_root(name: str) -> bool:
    found: logging.Logger | None = logging.getLogger(name)
    while found is not None and found.parent is not None:
        if not found.propagate:
            return False
        found = found.parent
    return True


@pytest.fixture
def captured(caplog):
    """Every line written: the function's JSON lines (its logger's own handler) and the lines the root
    logger's handlers write (Lambda's, the local runtime's) for every record that reaches them."""
    caplog.set_level(logging.INFO)
    buffer = io.StringIO()
    saved = logger.registered_handler.setStream(buffer)
    yield (
        lambda: (
            buffer.getvalue()
            + "\n".join(
                logging.Formatter("%(name)s %(message)s").format(r)
                for r in caplog.records
                if _reaches_root(r.name)
            )
        )
    )
    logger.registered_handler.setStream(saved)


def _queued(clock_at) -> SendRef:
    make_salon("salon-a", clock_at)
    client_store.create(
        "salon-a",
        Client(
            id="c-1",
            name="Mia Test",
            phone=PHONE,
            email=EMAIL,
            locale="en",
            created_at=clock_at,
            channels={"telegram": {"chat_id": 700100200, "linked_at": clock_at.isoformat()}},
        ),
    )
    outbox.plan(
        outbox.PlannedMessage(
            salon_id="salon-a",
            message_id="direct-1",
            kind="direct",
            purpose="transactional",
            recipient="client",
            client_id="c-1",
            text=f"Hello, we will call {PHONE}",
            created_at=clock_at,
        )
    )
    assert dispatch.dispatch("salon-a", "direct-1", clock_at).reason == "queued on telegram"
    return SendRef.of(outbox.get_item("salon-a", "direct-1"))


def _deliver(handler, ref: SendRef) -> dict:
    event = sample("sender/telegram_send.json")
    event["Records"][0]["body"] = ref.body()
    return handler(event, context_for("sender"))


def test_a_failing_telegram_send_logs_neither_the_token_nor_the_clients_phone(
    sender_function, telegram, captured, clock_at
):
    ref = _queued(clock_at)
    telegram.script(ServerError(500), times=1)
    assert _deliver(sender_function, ref) == {"batchItemFailures": []}
    assert outbox.get_item("salon-a", "direct-1").status == "queued"  # to be retried
    clock.set_offset(clock.offset() + timedelta(minutes=1))  # past its retry time
    telegram.script(Forbidden.BOT_BLOCKED)
    assert _deliver(sender_function, ref) == {"batchItemFailures": []}
    assert outbox.get_item("salon-a", "direct-1").channel == "sms"  # fell back
    lines = captured()
    outcomes = [
        json.loads(line)["outcome"]
        for line in lines.splitlines()
        if line.startswith("{") and json.loads(line).get("message") == "send"
    ]
    assert outcomes == ["retry", "rerouted"]  # the function's own lines were captured
    secret = telegram.token.split(":")[1]
    assert secret not in lines and telegram.token not in lines
    assert PHONE not in lines and PHONE[1:] not in lines and EMAIL not in lines


def test_extra_keys_and_exception_text_are_masked_too(captured):
    url = "https://api.telegram.org/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage"
    logger.info("writing", extra={"to": PHONE, "contact": {"email": EMAIL, "phones": ["+49 170 5550777"]}})
    try:
        raise RuntimeError(f"POST {url} failed for {PHONE}")
    except RuntimeError:
        logger.exception("send failed")
    logging.getLogger("httpx").warning("HTTP Request: POST %s", url)
    lines = captured()
    assert "writing" in lines and "send failed" in lines and "HTTP Request" in lines
    for secret in ("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", PHONE, PHONE[1:], "5550777", EMAIL):
        assert secret not in lines, secret


def test_a_send_past_its_channels_rate_goes_back_to_the_queue_untouched_and_says_so(
    sender_function, telegram, captured, clock_at, moto, monkeypatch
):
    ref = _queued(clock_at)
    monkeypatch.setenv("SEND_RATES", "telegram=0.01")  # one every 100 s in this environment
    monkeypatch.setenv("SEND_CONCURRENCY", "1")
    paced = load("sender", environment=next(_environments))
    assert _deliver(paced, ref) == {"batchItemFailures": []}
    assert outbox.get_item("salon-a", "direct-1").status == "sent"
    outbox.plan(
        outbox.PlannedMessage(
            salon_id="salon-a",
            message_id="direct-2",
            kind="direct",
            purpose="transactional",
            recipient="client",
            client_id="c-1",
            text="And one more",
            created_at=clock_at,
        )
    )
    assert dispatch.dispatch("salon-a", "direct-2", clock_at).reason == "queued on telegram"
    second = SendRef.of(outbox.get_item("salon-a", "direct-2"))
    sqs = boto3.client(
        "sqs", endpoint_url=moto, region_name="us-east-1", aws_access_key_id="l", aws_secret_access_key="l"
    )
    queue = sqs.get_queue_url(QueueName="telegram")["QueueUrl"]

    def delayed() -> int:
        answer = sqs.get_queue_attributes(
            QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessagesDelayed"]
        )
        return int(answer["Attributes"]["ApproximateNumberOfMessagesDelayed"])

    sent, waiting = len(telegram.messages()), delayed()
    assert _deliver(paced, second) == {"batchItemFailures": []}
    assert outbox.get_item("salon-a", "direct-2").status == "queued"  # not claimed, not sent
    assert len(telegram.messages()) == sent
    assert delayed() == waiting + 1  # back in the queue for its turn
    outcomes = [
        json.loads(line)["outcome"]
        for line in captured().splitlines()
        if line.startswith("{") and json.loads(line).get("message") == "send"
    ]
    assert outcomes == ["sent", "paced"]
