"""In-bound webhooks: Telegram and WhatsApp over API Gateway, in-bound SMS from the SNS topic that
two-way SMS publishes to (through a queue).

Each request is authenticated before anything is read from it (a gate of the resolver, on the raw
event): Telegram by the secret token it was given with ``setWebhook`` (header
``X-Telegram-Bot-Api-Secret-Token``), WhatsApp by ``X-Hub-Signature-256``, an HMAC-SHA256 of the raw
body bytes with the app secret. Both compared in constant time; a mismatch is 403 and changes nothing.

Providers deliver at least once and retry what failed. An update is recorded as handled only after
it was acted on, so a failure (answered 5xx, or reported back to the queue) leaves it to the
provider's retry; every act is idempotent, so a retry after a partial act finishes it. A redelivery
of an update handled already is answered at once.

What a provider sends that is not an update we act on is answered as the provider needs: Telegram
gets 422 for a body that is no update (it is never sent one); WhatsApp, which retries anything but
2xx for days, gets 200 for a signed notification of a shape we do not know, and its items that are
not statuses or messages are skipped.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
)

from regulars.core import clock
from regulars.core.config import secret
from regulars.core.errors import Forbidden
from regulars.http.errors import answers
from regulars.messaging.channels.whatsapp import failure_for
from regulars.messaging.contacts import telegram_link
from regulars.messaging.inbound import service as inbound
from regulars.messaging.inbound.replies import say
from regulars.messaging.rules.routing import Channel
from regulars.runtime.observability import logger

router = Router()

TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WHATSAPP_SIGNATURE_HEADER = "X-Hub-Signature-256"
TAGS = ["webhooks"]

Int64 = Annotated[int, Field(ge=-(2**63), lt=2**63)]  # Telegram's ids (chat ids pass 32 bits)
ProviderId = Annotated[str, StringConstraints(min_length=1, max_length=256)]
Text = Annotated[str, StringConstraints(max_length=4096)]
LinkToken = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]  # a deep link's payload


# --- authentication (gates: run on the raw event, before anything is read) ------------------------------
def _headers(event: dict[str, Any]) -> dict[str, str]:
    return {k.lower(): v for k, v in (event.get("headers") or {}).items() if isinstance(v, str)}


def raw_body(event: dict[str, Any]) -> bytes:
    body = event.get("body") or ""
    return base64.b64decode(body) if event.get("isBase64Encoded") else body.encode()


def _same(given: str | None, expected: str | None) -> bool:
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def whatsapp_signature(body: bytes, app_secret: str) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def _telegram_authentic(event: dict[str, Any]) -> None:
    if not _same(_headers(event).get(TELEGRAM_SECRET_HEADER.lower()), secret("TELEGRAM_WEBHOOK_SECRET")):
        raise Forbidden("bad signature")


def _whatsapp_authentic(event: dict[str, Any]) -> None:
    app_secret = secret("WHATSAPP_APP_SECRET")
    given = _headers(event).get(WHATSAPP_SIGNATURE_HEADER.lower())
    try:
        body = raw_body(event)
    except ValueError:  # not base64: nothing was signed
        raise Forbidden("bad signature") from None
    if not app_secret or not _same(given, whatsapp_signature(body, app_secret)):
        raise Forbidden("bad signature")


GATES: dict[tuple[str, str], Callable[[dict], None]] = {
    ("POST", "/v1/webhooks/telegram"): _telegram_authentic,
    ("POST", "/v1/webhooks/whatsapp"): _whatsapp_authentic,
}


def _json(body: dict) -> Response:
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=body)


# --- Telegram ----------------------------------------------------------------------------------------
class TelegramUser(BaseModel):
    id: Int64
    language_code: Annotated[str, StringConstraints(max_length=35)] | None = None


class TelegramChat(BaseModel):
    id: Int64


class TelegramMessage(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    message_id: Int64
    chat: TelegramChat
    sender: TelegramUser | None = Field(default=None, alias="from")
    text: Text | None = None


class TelegramCallbackQuery(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    id: ProviderId
    sender: TelegramUser = Field(alias="from")
    message: TelegramMessage | None = None
    data: Annotated[str, StringConstraints(max_length=64)] | None = None


class TelegramUpdate(BaseModel):
    """The parts of an update we act on (a message or a button press); others are acknowledged."""

    update_id: Int64
    message: TelegramMessage | None = None
    callback_query: TelegramCallbackQuery | None = None


class TelegramAnswer(BaseModel):
    """A Bot API method for Telegram to run (``{}``: nothing)."""

    method: Literal["sendMessage", "answerCallbackQuery"] | None = None
    chat_id: int | None = None
    callback_query_id: str | None = None
    text: str | None = None


@router.post(
    "/v1/webhooks/telegram",
    summary="Telegram: an update (a message, a button press)",
    tags=TAGS,
    description="Authenticated by the secret token given with setWebhook. A failure is answered 5xx so Telegram "
    "retries; an update handled already is answered {}.",
    responses={
        200: {
            "description": "Handled: a Bot API method to run, or {}",
            "content": {"application/json": {"model": TelegramAnswer}},
        },
        **answers(403, s403="The secret token is wrong or missing (code forbidden)"),
    },
)
def telegram(
    update: TelegramUpdate,
    secret_token: Annotated[str, Header(alias=TELEGRAM_SECRET_HEADER, max_length=256)],
) -> Response[dict]:
    now = clock.now()
    answer = inbound.once(Channel.TELEGRAM, str(update.update_id), now, partial(telegram_update, update, now))
    return _json(answer if answer is not None else {})  # None: handled already


LINK_TOKEN: TypeAdapter = TypeAdapter(LinkToken)


def _valid(adapter: TypeAdapter, value: Any) -> Any:
    try:
        return adapter.validate_python(value)
    except ValidationError:
        return None


def telegram_update(update: TelegramUpdate, now: datetime) -> dict[str, Any]:
    """Act on one update; the answer is a Bot API method for Telegram to run (or {})."""
    query = update.callback_query
    if query is not None:
        message = query.message
        answer = inbound.button(
            Channel.TELEGRAM,
            query.data or "",
            str(message.message_id) if message else None,
            now,
            query.sender.language_code,
            chat=str(message.chat.id) if message else None,
        )
        return {"method": "answerCallbackQuery", "callback_query_id": query.id, "text": answer.text[:200]}
    message = update.message
    if message is None or message.text is None:
        return {}
    chat_id = message.chat.id
    language = message.sender.language_code if message.sender else None
    text = message.text.strip()
    if text.startswith("/start"):
        token = text.removeprefix("/start").strip()
        client = telegram_link.redeem(token, chat_id, now) if _valid(LINK_TOKEN, token) else None
        language = (client.locale if client else None) or language
        return {
            "method": "sendMessage",
            "chat_id": chat_id,
            "text": say("linked" if client else "link_used", language),
        }
    answer = inbound.reply(Channel.TELEGRAM, str(chat_id), text, now, language=language)
    if answer.text:
        return {"method": "sendMessage", "chat_id": chat_id, "text": answer.text}
    return {}


# --- WhatsApp ----------------------------------------------------------------------------------------
def _known(item_type: Any) -> BeforeValidator:
    """Keep the items of a list that are of ``item_type``; skip the rest (and anything not a list)."""
    adapter = TypeAdapter(item_type)

    def keep(items: Any) -> list:
        if not isinstance(items, list):
            return []
        kept = []
        for item in items:
            try:
                kept.append(adapter.validate_python(item))
            except ValidationError:
                logger.warning(
                    "whatsapp: skipped an item that is not a %s", getattr(item_type, "__name__", "known")
                )
        return kept

    return BeforeValidator(keep)


def _object_or_empty(value: Any) -> Any:
    return value if isinstance(value, dict) else {}


class WhatsAppError(BaseModel):
    code: int | None = None
    title: Annotated[str, StringConstraints(max_length=512)] | None = None
    message: Annotated[str, StringConstraints(max_length=512)] | None = None


class WhatsAppStatus(BaseModel):
    id: ProviderId
    status: Annotated[str, StringConstraints(max_length=32)]
    timestamp: Annotated[str, StringConstraints(max_length=20)] | int | None = None
    recipient_id: Annotated[str, StringConstraints(max_length=32)] | None = None
    errors: Annotated[list[WhatsAppError], _known(WhatsAppError), Field(max_length=10)] = []


class WhatsAppButton(BaseModel):
    payload: Annotated[str, StringConstraints(max_length=256)] | None = None
    text: Annotated[str, StringConstraints(max_length=256)] | None = None


class WhatsAppText(BaseModel):
    body: Text = ""


class WhatsAppContext(BaseModel):
    id: ProviderId | None = None


class WhatsAppMessage(BaseModel):
    id: ProviderId
    sender: Annotated[str, StringConstraints(pattern=r"^\+?\d{6,15}$")] = Field(alias="from")
    type: Annotated[str, StringConstraints(max_length=32)]
    timestamp: Annotated[str, StringConstraints(max_length=20)] | int | None = None
    text: WhatsAppText | None = None
    button: WhatsAppButton | None = None
    context: WhatsAppContext | None = None


class WhatsAppValue(BaseModel):
    statuses: Annotated[list[WhatsAppStatus], _known(WhatsAppStatus), Field(max_length=1000)] = []
    messages: Annotated[list[WhatsAppMessage], _known(WhatsAppMessage), Field(max_length=1000)] = []


class WhatsAppChange(BaseModel):
    field: Annotated[str, StringConstraints(max_length=64)] | None = None
    value: Annotated[WhatsAppValue, BeforeValidator(_object_or_empty)] = WhatsAppValue()


class WhatsAppEntry(BaseModel):
    id: Annotated[str, StringConstraints(max_length=64)] | None = None
    changes: Annotated[list[WhatsAppChange], _known(WhatsAppChange), Field(max_length=100)] = []


class WhatsAppNotification(BaseModel):
    """A Cloud API notification: statuses of messages we sent, and messages clients sent."""

    object: Annotated[str, StringConstraints(max_length=64)] | None = None
    entry: Annotated[list[WhatsAppEntry], _known(WhatsAppEntry), Field(max_length=100)] = []


Notification = Annotated[WhatsAppNotification, BeforeValidator(_object_or_empty), Body()]


@router.get(
    "/v1/webhooks/whatsapp",
    summary="WhatsApp: the verification handshake",
    tags=TAGS,
    responses={
        200: {
            "description": "The challenge, echoed",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        },
        **answers(403, s403="The verify token is wrong (code forbidden)"),
    },
)
def whatsapp_verify(
    mode: Annotated[str | None, Query(alias="hub.mode", max_length=32)] = None,
    verify_token: Annotated[str | None, Query(alias="hub.verify_token", max_length=256)] = None,
    challenge: Annotated[str | None, Query(alias="hub.challenge", max_length=256)] = None,
) -> Response[str]:
    if mode == "subscribe" and _same(verify_token, secret("WHATSAPP_VERIFY_TOKEN")):
        return Response(status_code=200, content_type=content_types.TEXT_PLAIN, body=challenge or "")
    raise Forbidden("bad verify token")


@router.post(
    "/v1/webhooks/whatsapp",
    summary="WhatsApp: statuses of sent messages, and clients' messages",
    tags=TAGS,
    description="Authenticated by X-Hub-Signature-256 over the raw body. A failure is answered 5xx so Meta retries; "
    "a signed notification of another shape is acknowledged and skipped.",
    responses={
        200: {
            "description": "Handled (what is not a status or a message is skipped)",
            "content": {"application/json": {"schema": {"type": "object", "maxProperties": 0}}},
        },
        **answers(403, s403="The signature is wrong or missing (code forbidden)"),
    },
)
def whatsapp(
    signature: Annotated[str, Header(alias=WHATSAPP_SIGNATURE_HEADER, max_length=80)],
    notification: Notification = None,  # type: ignore[assignment]  # a body of null is no notification either
) -> Response[dict]:
    now = clock.now()
    for entry in notification.entry if notification else []:
        for change in entry.changes:
            for status in change.value.statuses:
                _whatsapp_status(status, now)
            for message in change.value.messages:
                inbound.once(Channel.WHATSAPP, message.id, now, partial(_whatsapp_message, message, now))
    return _json({})


def _at(timestamp: Any, now: datetime) -> datetime:
    try:
        return datetime.fromtimestamp(int(timestamp), UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return now


def _whatsapp_status(status: WhatsAppStatus, now: datetime) -> None:
    failure = None
    first = status.errors[0] if status.errors else None
    if first is not None and first.code is not None:
        failure = failure_for(first.code, first.title or first.message or "")
    inbound.status(Channel.WHATSAPP, status.id, status.status, _at(status.timestamp, now), now, failure)


def _whatsapp_message(message: WhatsAppMessage, now: datetime) -> None:
    phone = "+" + message.sender.lstrip("+")
    inbound.whatsapp_window_opened(phone, now)
    if message.type == "button":
        inbound.button(
            Channel.WHATSAPP,
            (message.button.payload if message.button else None) or "",
            message.context.id if message.context else None,
            now,
        )
    elif message.type == "text":
        inbound.reply(Channel.WHATSAPP, phone, message.text.body if message.text else "", now)


# --- SMS -----------------------------------------------------------------------------------------------
class InboundSms(BaseModel):
    """One in-bound SMS as two-way SMS publishes it (previousPublishedMessageId: the message it quotes)."""

    origination_number: Annotated[str, StringConstraints(pattern=r"^\+?\d{3,15}$")] = Field(
        alias="originationNumber"
    )
    message_body: Annotated[str, StringConstraints(max_length=1600)] = Field(default="", alias="messageBody")
    inbound_message_id: ProviderId | None = Field(default=None, alias="inboundMessageId")
    previous_published_message_id: ProviderId | None = Field(default=None, alias="previousPublishedMessageId")


def sms(notification: InboundSms, now: datetime) -> inbound.Answer:
    """Act on one in-bound SMS once; a failure raises, so Lambda tries it again."""
    answer = inbound.once(
        Channel.SMS,
        notification.inbound_message_id,
        now,
        partial(
            inbound.reply,
            Channel.SMS,
            notification.origination_number,
            notification.message_body,
            now,
            replied_to=notification.previous_published_message_id,
        ),
    )
    return answer if answer is not None else inbound.Answer("none", "")  # None: handled already
