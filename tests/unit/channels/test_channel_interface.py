import boto3
import httpx
import pytest
from pydantic import ValidationError
from regulars.messaging.channels import (
    Channel,
    OutgoingMessage,
    PushChannel,
    RetryLater,
    SmsChannel,
    Suppressed,
    TelegramChannel,
    Undeliverable,
    WhatsAppChannel,
    WindowClosed,
)


def test_every_channel_speaks_the_interface_under_its_routing_name():
    sns = boto3.client("sns", region_name="us-east-1")
    with httpx.Client(trust_env=False) as http:
        channels = [
            PushChannel(sns),
            TelegramChannel(http, base_url="http://127.0.0.1:1", token="1:t"),
            WhatsAppChannel(
                http,
                base_url="http://127.0.0.1:1",
                version="v21.0",
                phone_number_id="1",
                token="t",
                window_open=lambda phone: False,
            ),
            SmsChannel(sns, price_micros_per_segment={}),
        ]

    assert all(isinstance(channel, Channel) for channel in channels)
    assert [channel.name for channel in channels] == ["push", "telegram", "whatsapp", "sms"]


def test_a_message_is_frozen_and_strict():
    message = OutgoingMessage(
        message_id="m-1", purpose="marketing", text="Hi", locale="en", address=7_000_000_123
    )

    assert message.address == 7_000_000_123
    with pytest.raises(ValidationError):
        message.text = "changed"
    for bad in ({"purpose": "promo"}, {"text": ""}, {"unknown": 1}):
        with pytest.raises(ValidationError):
            OutgoingMessage(**{**message.model_dump(), **bad})


def test_failure_kinds_are_told_apart_by_class():
    assert issubclass(WindowClosed, Undeliverable)
    assert not issubclass(Suppressed, Undeliverable)
    assert not issubclass(RetryLater, Undeliverable)
    assert RetryLater("busy", 5.0).retry_after_seconds == 5.0
    assert Undeliverable("blocked", "403").code == "403"
