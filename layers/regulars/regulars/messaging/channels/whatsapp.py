"""WhatsApp Cloud API messages: free-form text inside the 24-hour customer-service window, else the
approved template.

A text cannot carry reply buttons, so a message with buttons goes as its template (with the buttons as
quick replies) whenever one is given, window or not; a utility template inside an open window is free.
Meta's error codes map to the failure kinds by :func:`failure_for`, which also serves the ``failed``
status webhook, where some of these codes arrive instead of in the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from regulars.messaging.channels.base import (
    Button,
    ChannelError,
    MessageRejected,
    OutgoingMessage,
    RetryLater,
    Sent,
    Suppressed,
    Undeliverable,
    WhatsAppTemplate,
    WindowClosed,
    json_object,
    phone_address,
    retry_after_header,
)
from regulars.messaging.rules.routing import Channel

if TYPE_CHECKING:  # the client comes from channels.clients, which imports httpx when it builds one
    import httpx

MAX_TEXT_CHARS = 4096
RE_ENGAGEMENT = 131047
UNDELIVERABLE = 131026
MARKETING_CAP = 131049
MARKETING_STOPPED = 131050
THROUGHPUT_LIMITS = frozenset({130429, 80007})  # the number's or the account's pace: the channel's
PAIR_RATE_LIMIT = 131056  # too many to one recipient: that message's wait alone
SERVER_ERRORS = frozenset({131000, 131016})
MARKETING_CAP_RETRY_SECONDS = 24 * 60 * 60


def failure_for(code: int, reason: str, retry_after_seconds: float | None = None) -> ChannelError:
    """The failure kind of a Cloud API error code."""
    if code == RE_ENGAGEMENT:
        return WindowClosed(reason)
    if code in THROUGHPUT_LIMITS:
        return RetryLater(reason, retry_after_seconds, throttled=True)
    if code == PAIR_RATE_LIMIT or code in SERVER_ERRORS:
        return RetryLater(reason, retry_after_seconds)
    if code == MARKETING_CAP:
        return RetryLater(reason, float(MARKETING_CAP_RETRY_SECONDS))
    if code == MARKETING_STOPPED:
        return Suppressed(reason)
    return Undeliverable(reason, str(code))


class WhatsAppChannel:
    """``window_open(address)`` says whether the recipient wrote to us within the last 24 hours."""

    name = Channel.WHATSAPP.value

    def __init__(
        self,
        http: httpx.Client,
        *,
        base_url: str,
        version: str,
        phone_number_id: str,
        token: str,
        window_open: Callable[[str], bool],
    ) -> None:
        self._http = http
        self._url = f"{base_url.rstrip('/')}/{version}/{phone_number_id}/messages"
        self._headers = {"Authorization": f"Bearer {token}"}
        self._window_open = window_open

    def send(self, message: OutgoingMessage) -> Sent:
        phone = phone_address(message.address)
        to = phone.number.removeprefix("+")
        template = message.whatsapp_template
        window_open = self._window_open(phone.number)
        if template is not None and (message.buttons or not window_open):
            return self._post(_template_body(to, template, message.buttons))
        if not window_open:
            raise WindowClosed()
        if len(message.text) > MAX_TEXT_CHARS:
            raise MessageRejected(f"a WhatsApp text holds at most {MAX_TEXT_CHARS} characters")
        try:
            return self._post(_text_body(to, message.text))
        except WindowClosed:  # our record of the window and Meta's disagree: Meta's counts
            if template is None:
                raise
            return self._post(_template_body(to, template, message.buttons))

    def _post(self, body: dict[str, Any]) -> Sent:
        from httpx import TransportError  # loaded with the client that posts

        try:
            response = self._http.post(self._url, json=body, headers=self._headers)
        except TransportError as error:  # timeouts, refused and reset connections
            raise RetryLater(f"WhatsApp unreachable: {type(error).__name__}") from error
        payload = json_object(response)
        if response.is_success:
            messages = payload.get("messages")
            if isinstance(messages, list) and messages and isinstance(messages[0], dict):
                return Sent(provider_id=str(messages[0]["id"]))
            raise RetryLater(f"WhatsApp answered {response.status_code} without a message id")
        raise _failure(response, payload)


def _text_body(to: str, text: str) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": text}}


def _template_body(to: str, template: WhatsAppTemplate, buttons: tuple[Button, ...]) -> dict[str, Any]:
    """The template message; quick replies carry the template's payloads, else the buttons' data."""
    payloads = template.quick_reply_payloads or tuple(button.data for button in buttons)
    components: list[dict[str, Any]] = []
    if template.body_parameters:
        components.append(
            {"type": "body", "parameters": [{"type": "text", "text": p} for p in template.body_parameters]}
        )
    components.extend(
        {
            "type": "button",
            "sub_type": "quick_reply",
            "index": str(index),
            "parameters": [{"type": "payload", "payload": payload}],
        }
        for index, payload in enumerate(payloads)
    )
    return {
        "messaging_product": "whatsapp",
        "to": to,
        "type": "template",
        "template": {
            "name": template.name,
            "language": {"code": template.language},
            "components": components,
        },
    }


def _failure(response: httpx.Response, payload: dict[str, Any]) -> ChannelError:
    error = payload.get("error")
    retry_after = retry_after_header(response.headers.get("Retry-After"))
    if isinstance(error, dict) and isinstance(error.get("code"), int):
        failure = failure_for(error["code"], str(error.get("message") or response.reason_phrase), retry_after)
        if response.status_code >= 500 and isinstance(failure, Undeliverable):
            return RetryLater(failure.reason, retry_after)
        return failure
    if response.status_code == 429 or response.status_code >= 500:
        return RetryLater(f"WhatsApp answered {response.status_code}", retry_after)
    return Undeliverable(f"WhatsApp answered {response.status_code}", str(response.status_code))
