"""Telegram Bot API ``sendMessage``, buttons as an inline keyboard (one row)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from regulars.messaging.channels.base import (
    MAX_BUTTON_DATA_BYTES,
    MessageRejected,
    OutgoingMessage,
    RetryLater,
    Sent,
    Undeliverable,
    json_object,
    retry_after_header,
)
from regulars.messaging.rules.routing import Channel

if TYPE_CHECKING:  # the client comes from channels.clients, which imports httpx when it builds one
    import httpx

MAX_TEXT_CHARS = 4096
_INT64 = range(-(2**63), 2**63)


class TelegramChannel:
    name = Channel.TELEGRAM.value

    def __init__(self, http: httpx.Client, *, base_url: str, token: str) -> None:
        self._http = http
        self._url = f"{base_url.rstrip('/')}/bot{token}/sendMessage"

    def send(self, message: OutgoingMessage) -> Sent:
        body = self._body(message)
        from httpx import TransportError  # loaded with the client that posts

        try:
            response = self._http.post(self._url, json=body)
        except TransportError as error:  # timeouts, refused and reset connections
            raise RetryLater(f"Telegram unreachable: {type(error).__name__}") from error
        payload = json_object(response)
        if response.is_success and payload.get("ok") is True:
            return Sent(provider_id=str(payload["result"]["message_id"]), cost_micros=0)
        raise _failure(response, payload)

    @staticmethod
    def _body(message: OutgoingMessage) -> dict[str, Any]:
        chat_id = _chat_id(message.address)
        if len(message.text) > MAX_TEXT_CHARS:
            raise MessageRejected(f"a Telegram message holds at most {MAX_TEXT_CHARS} characters")
        body: dict[str, Any] = {"chat_id": chat_id, "text": message.text}
        if message.buttons:
            for button in message.buttons:
                if len(button.data.encode()) > MAX_BUTTON_DATA_BYTES:
                    raise MessageRejected(f"callback data is at most {MAX_BUTTON_DATA_BYTES} bytes")
            body["reply_markup"] = {
                "inline_keyboard": [[{"text": b.text, "callback_data": b.data} for b in message.buttons]]
            }
        return body


def _chat_id(address: str | int) -> int:
    try:
        chat_id = int(address)
    except ValueError:
        raise Undeliverable(f"not a Telegram chat id: {address!r}", "invalid_chat_id") from None
    if chat_id not in _INT64:
        raise Undeliverable(f"not a Telegram chat id: {address!r}", "invalid_chat_id")
    return chat_id


def _failure(response: httpx.Response, payload: dict[str, Any]) -> RetryLater | Undeliverable:
    code = payload.get("error_code")
    status = code if isinstance(code, int) else response.status_code
    description = str(payload.get("description") or response.reason_phrase)
    if status == 429:
        parameters = payload.get("parameters")
        retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
        seconds = float(retry_after) if isinstance(retry_after, int | float) else None
        return RetryLater(
            description, seconds or retry_after_header(response.headers.get("Retry-After")), throttled=True
        )
    if status >= 500 or response.status_code >= 500:
        return RetryLater(description)
    return Undeliverable(description, str(status))
