"""The one interface every channel speaks: a message in, a :class:`Sent` receipt or one failure kind out.

Failures are classes, never text to match on:

- :class:`RetryLater`: the provider is busy or unreachable (429, 5xx, timeout, network); try the same
  channel again, after ``retry_after_seconds`` when the provider said how long.
- :class:`Undeliverable`: this channel cannot reach this recipient (blocked bot, deactivated user, not on
  WhatsApp, dead push token, invalid number); the router falls back to the next channel.
  :class:`WindowClosed` is one: WhatsApp refused free-form text outside the 24-hour window and no
  template was given.
- :class:`Suppressed`: the recipient stopped marketing on this channel; neither retry nor fall back.
- :class:`MessageRejected`: the message as written cannot go on this channel (too long); no retry or
  other channel fixes the provider's answer, the message has to change.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, NamedTuple, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from regulars.messaging.rules.routing import Purpose

MAX_BUTTON_DATA_BYTES = 64

ButtonData = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_BUTTON_DATA_BYTES, pattern=r"^[\x21-\x7e]+$")
]  # printable ASCII without spaces: one byte a character, so at most 64 bytes

_E164 = re.compile(r"\+[1-9]\d{6,14}")


class Button(BaseModel):
    """A reply button: ``text`` is shown, ``data`` comes back when it is pressed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    data: ButtonData


class WhatsAppTemplate(BaseModel):
    """An approved WhatsApp template, for when the 24-hour customer-service window is closed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: Annotated[str, StringConstraints(min_length=1, max_length=512)]
    language: Annotated[str, StringConstraints(min_length=2, max_length=15)]  # "ru", "en_US"
    body_parameters: tuple[Annotated[str, StringConstraints(min_length=1)], ...] = ()
    quick_reply_payloads: tuple[Annotated[str, StringConstraints(min_length=1, max_length=256)], ...] = Field(
        default=(), max_length=10
    )


class OutgoingMessage(BaseModel):
    """One rendered message for one recipient on one channel.

    ``address`` is the channel's: an E.164 number for SMS and WhatsApp, an int64 chat id for Telegram,
    an SNS endpoint ARN for push. ``title`` (push) is typically the salon's name.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    message_id: Annotated[str, StringConstraints(min_length=1)]
    purpose: Purpose
    text: Annotated[str, StringConstraints(min_length=1)]
    locale: Annotated[str, StringConstraints(min_length=2)]
    address: str | int
    buttons: tuple[Button, ...] = ()
    whatsapp_template: WhatsAppTemplate | None = None
    title: str | None = None


class Sent(BaseModel):
    """A provider accepted the message. ``cost_micros`` is in millionths of ``cost_currency``; None when
    the price is not known at send time (WhatsApp bills per delivered template, reported later)."""

    model_config = ConfigDict(frozen=True)

    provider_id: str
    segments: int | None = None
    cost_micros: int | None = None
    cost_currency: str | None = None


class ChannelError(Exception):
    """Base of the failures a channel reports."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RetryLater(ChannelError):
    """Not sent, try again. ``throttled``: the provider's flow control (429, a rate limit hit), which
    says nothing against the message and much about the channel's pace."""

    def __init__(
        self, reason: str, retry_after_seconds: float | None = None, *, throttled: bool = False
    ) -> None:
        super().__init__(reason)
        self.retry_after_seconds = retry_after_seconds
        self.throttled = throttled


class Undeliverable(ChannelError):
    def __init__(self, reason: str, code: str) -> None:
        super().__init__(reason)
        self.code = code


class WindowClosed(Undeliverable):
    def __init__(
        self, reason: str = "the WhatsApp 24-hour window is closed and no template was given"
    ) -> None:
        super().__init__(reason, "131047")


class Suppressed(ChannelError):
    pass


class MessageRejected(ChannelError, ValueError):
    pass


@runtime_checkable
class Channel(Protocol):
    name: str

    def send(self, message: OutgoingMessage) -> Sent: ...


class PhoneAddress(NamedTuple):
    number: str  # E.164: "+79161234567"
    country_code: int  # the country calling code: 7


def phone_address(address: str | int) -> PhoneAddress:
    """The address as a valid E.164 number; :class:`Undeliverable` ("invalid_number") if it is not one."""
    import phonenumbers  # lazy: only the phone channels pay for its metadata

    text = str(address)
    if not _E164.fullmatch(text):
        raise Undeliverable(f"not an E.164 phone number: {text!r}", "invalid_number")
    try:
        parsed = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        raise Undeliverable(f"not a phone number: {text!r}", "invalid_number") from None
    if not phonenumbers.is_valid_number(parsed):
        raise Undeliverable(f"not a valid phone number: {text!r}", "invalid_number")
    assert parsed.country_code is not None  # a parsed number has its country's code
    return PhoneAddress(text, parsed.country_code)


def retry_after_header(value: str | None) -> float | None:
    """Seconds from an HTTP ``Retry-After`` header given in seconds; None otherwise."""
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    return seconds if seconds is not None and seconds >= 0 else None


def json_object(response: Any) -> dict[str, Any]:
    """A provider's JSON answer as a dict; {} when the body is not a JSON object (a proxy's HTML
    error page, say), so the status code decides."""
    try:
        payload = response.json()
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}
