"""In-bound webhooks: Telegram and WhatsApp over API Gateway, in-bound SMS from the SNS topic that
two-way SMS publishes to (through a queue).

Each request is authenticated before anything is read from it: Telegram by the secret token it
was given with ``setWebhook`` (header ``X-Telegram-Bot-Api-Secret-Token``), WhatsApp by
``X-Hub-Signature-256``, an HMAC-SHA256 of the raw body with the app secret. Both compared in
constant time; a mismatch is 403 and changes nothing. Providers deliver at least once: an update
is acted on once (its id recorded), and every act is idempotent besides.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from typing import Any

from regulars.channels.whatsapp import failure_for
from regulars.config import secret
from regulars.messaging.routing import Channel
from regulars.notifications import inbound, telegram_link
from regulars.notifications.replies import say
from regulars.store import outbox

TELEGRAM_SECRET_HEADER = "x-telegram-bot-api-secret-token"
WHATSAPP_SIGNATURE_HEADER = "x-hub-signature-256"


def _response(status: int, body: Any = None, content_type: str = "application/json") -> dict[str, Any]:
    if body is None:
        text = ""
    elif content_type == "application/json":
        text = json.dumps(body, ensure_ascii=False)
    else:
        text = str(body)
    return {"statusCode": status, "headers": {"Content-Type": content_type}, "body": text,
            "isBase64Encoded": False}


def _forbidden() -> dict[str, Any]:
    return _response(403, {"error": {"code": "forbidden", "message": "bad signature", "fields": []}})


def _headers(event: dict[str, Any]) -> dict[str, str]:
    return {k.lower(): v for k, v in (event.get("headers") or {}).items() if isinstance(v, str)}


def raw_body(event: dict[str, Any]) -> bytes:
    body = event.get("body") or ""
    return base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()


def _same(given: str | None, expected: str | None) -> bool:
    return bool(given) and bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


# --- Telegram ----------------------------------------------------------------------------------------
def telegram(event: dict[str, Any], now: datetime) -> dict[str, Any]:
    if not _same(_headers(event).get(TELEGRAM_SECRET_HEADER), secret("TELEGRAM_WEBHOOK_SECRET")):
        return _forbidden()
    try:
        update = json.loads(raw_body(event))
        update_id = int(update["update_id"])
    except (ValueError, KeyError, TypeError):
        return _response(400, {"error": {"code": "invalid_update", "message": "not a Telegram update",
                                         "fields": [{"field": "update_id", "reason": "required"}]}})
    if not outbox.seen_once("telegram", str(update_id), now):
        return _response(200, {})
    return _response(200, telegram_update(update, now))


def telegram_update(update: dict[str, Any], now: datetime) -> dict[str, Any]:
    """Act on one update; the answer is a Bot API method for Telegram to run (or {})."""
    query = update.get("callback_query")
    if isinstance(query, dict):
        message = query.get("message") or {}
        chat_id = (message.get("chat") or {}).get("id")
        sent = outbox.by_provider_id("telegram", outbox.provider_key("telegram", str(chat_id),
                                                                     str(message.get("message_id"))))
        language = (query.get("from") or {}).get("language_code")
        answer = inbound.button(Channel.TELEGRAM, str(query.get("data") or ""), sent, now, language)
        return {"method": "answerCallbackQuery", "callback_query_id": query.get("id"), "text": answer.text[:200]}
    message = update.get("message")
    if not isinstance(message, dict) or not isinstance(message.get("text"), str):
        return {}
    chat_id = (message.get("chat") or {}).get("id")
    language = (message.get("from") or {}).get("language_code")
    text = message["text"].strip()
    if text.startswith("/start"):
        token = text.removeprefix("/start").strip()
        client = telegram_link.redeem(token, int(chat_id), now) if token else None
        language = (client.locale if client else None) or language
        return {"method": "sendMessage", "chat_id": chat_id, "text": say("linked" if client else "link_used", language)}
    answer = inbound.reply(Channel.TELEGRAM, str(chat_id), text, now, language=language)
    if answer.text:
        return {"method": "sendMessage", "chat_id": chat_id, "text": answer.text}
    return {}


# --- WhatsApp ----------------------------------------------------------------------------------------
def whatsapp_verify(event: dict[str, Any]) -> dict[str, Any]:
    query = event.get("queryStringParameters") or {}
    if query.get("hub.mode") == "subscribe" and _same(query.get("hub.verify_token"), secret("WHATSAPP_VERIFY_TOKEN")):
        return _response(200, query.get("hub.challenge", ""), "text/plain")
    return _forbidden()


def whatsapp_signature(body: bytes, app_secret: str) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def whatsapp(event: dict[str, Any], now: datetime) -> dict[str, Any]:
    body = raw_body(event)
    app_secret = secret("WHATSAPP_APP_SECRET")
    given = _headers(event).get(WHATSAPP_SIGNATURE_HEADER)
    if not app_secret or not _same(given, whatsapp_signature(body, app_secret)):
        return _forbidden()
    try:
        payload = json.loads(body)
    except ValueError:
        return _response(400, {"error": {"code": "invalid_body", "message": "not JSON", "fields": []}})
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            value = change.get("value") or {}
            for status in value.get("statuses") or []:
                _whatsapp_status(status, now)
            for message in value.get("messages") or []:
                if outbox.seen_once("whatsapp", str(message.get("id")), now):
                    _whatsapp_message(message, now)
    return _response(200, {})


def _at(timestamp: Any, now: datetime) -> datetime:
    try:
        return datetime.fromtimestamp(int(timestamp), UTC)
    except (TypeError, ValueError):
        return now


def _whatsapp_status(status: dict[str, Any], now: datetime) -> None:
    failure = None
    errors = status.get("errors") or []
    if errors and isinstance(errors[0], dict) and isinstance(errors[0].get("code"), int):
        failure = failure_for(errors[0]["code"], str(errors[0].get("title") or errors[0].get("message") or ""))
    inbound.status(Channel.WHATSAPP, str(status.get("id")), str(status.get("status")),
                   _at(status.get("timestamp"), now), now, failure)


def _whatsapp_message(message: dict[str, Any], now: datetime) -> None:
    phone = "+" + str(message.get("from", "")).lstrip("+")
    inbound.whatsapp_window_opened(phone, now)
    if message.get("type") == "button":
        context = (message.get("context") or {}).get("id")
        sent = outbox.by_provider_id("whatsapp", str(context)) if context else None
        inbound.button(Channel.WHATSAPP, str((message.get("button") or {}).get("payload") or ""), sent, now)
    elif message.get("type") == "text":
        inbound.reply(Channel.WHATSAPP, phone, str((message.get("text") or {}).get("body") or ""), now)


# --- SMS -----------------------------------------------------------------------------------------------
def sms(notification: dict[str, Any], now: datetime) -> inbound.Answer:
    """One in-bound SMS as two-way SMS publishes it: originationNumber, messageBody,
    inboundMessageId and (when the reply quotes one) previousPublishedMessageId."""
    event_id = str(notification.get("inboundMessageId") or "")
    if event_id and not outbox.seen_once("sms", event_id, now):
        return inbound.Answer("none", "")
    previous = notification.get("previousPublishedMessageId")
    replied_to = outbox.by_provider_id("sms", str(previous)) if previous else None
    return inbound.reply(Channel.SMS, str(notification["originationNumber"]), str(notification.get("messageBody") or ""),
                         now, replied_to=replied_to)
