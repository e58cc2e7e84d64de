"""Each channel's provider client, built once per execution environment from this deployment's
settings and secrets, when the first message on that channel comes: the sender sends every
channel's messages (each names its own)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from functools import cache
from typing import Any, Protocol

from regulars.core.config import Settings, secret, settings
from regulars.messaging.channels.capabilities import WINDOW_UNTIL
from regulars.messaging.rules.routing import Channel


class Routed(Protocol):
    """A message as routed to a channel: its values carry what the route decided (the reply window)."""

    @property
    def values(self) -> Mapping[str, Any] | None: ...

    @property
    def channel(self) -> str | None: ...


# The client to send one message with (WhatsApp's depends on the message: is its window open?)
ClientFor = Callable[[Routed], Any]


@cache
def _http() -> Any:
    import httpx

    return httpx.Client(timeout=settings().provider_timeout_seconds)


@cache
def _sns() -> Any:
    import boto3

    return boto3.client("sns")


def window_until(item: Routed) -> datetime | None:
    """Until when the client's reply window was open when the message was routed (None: closed)."""
    text = (item.values or {}).get(WINDOW_UNTIL)
    return datetime.fromisoformat(text) if text else None


def _sms(s: Settings, now: Callable[[], datetime]) -> ClientFor:
    from regulars.messaging.channels.sms import SmsChannel

    sms = SmsChannel(_sns(), sender_id=s.sms_sender_id, price_micros_per_segment=s.sms_prices_micros)
    return lambda _item: sms


def _push(s: Settings, now: Callable[[], datetime]) -> ClientFor:
    from regulars.messaging.channels.push import PushChannel

    push = PushChannel(_sns())
    return lambda _item: push


def _telegram(s: Settings, now: Callable[[], datetime]) -> ClientFor:
    from regulars.messaging.channels.telegram import TelegramChannel

    token = secret("TELEGRAM_BOT_TOKEN")
    if not token:
        raise RuntimeError("TELEGRAM_BOT_TOKEN (or TELEGRAM_BOT_TOKEN_PARAMETER) is not set")
    telegram = TelegramChannel(_http(), base_url=s.telegram_api_base, token=token)
    return lambda _item: telegram


def _whatsapp(s: Settings, now: Callable[[], datetime]) -> ClientFor:
    from regulars.messaging.channels.whatsapp import WhatsAppChannel

    token = secret("WHATSAPP_TOKEN")
    phone_number_id = s.whatsapp_phone_number_id
    if not token or not phone_number_id:
        raise RuntimeError("WHATSAPP_TOKEN and WHATSAPP_PHONE_NUMBER_ID must be set")

    def whatsapp(item: Routed) -> Any:
        until = window_until(item)
        return WhatsAppChannel(
            _http(),
            base_url=s.whatsapp_api_base,
            version=s.whatsapp_api_version,
            phone_number_id=phone_number_id,
            token=token,
            window_open=lambda _phone: until is not None and until > now(),
        )

    return whatsapp


BUILDERS: Mapping[Channel, Callable[[Settings, Callable[[], datetime]], ClientFor]] = {
    Channel.SMS: _sms,
    Channel.PUSH: _push,
    Channel.TELEGRAM: _telegram,
    Channel.WHATSAPP: _whatsapp,
}


def channel_for(name: str, now: Callable[[], datetime]) -> ClientFor:
    """For this sender's ``CHANNEL``: the channel client to send a message with (WhatsApp's is
    told whether that client's 24-hour window is open)."""
    if name not in Channel.__members__.values():
        raise ValueError(f"unknown channel {name!r}")
    return BUILDERS[Channel(name)](settings(), now)


def channels_for(now: Callable[[], datetime]) -> ClientFor:
    """The channel client for each message, by its own channel; a channel's client is built on its
    first message (a deployment without Telegram's token still sends SMS)."""
    built: dict[Channel, ClientFor] = {}

    def client(item: Routed) -> Any:
        channel = Channel(str(item.channel))
        if channel not in built:
            built[channel] = BUILDERS[channel](settings(), now)
        return built[channel](item)

    return client
