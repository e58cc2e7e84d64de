"""The local runtime's message providers and its phone view.

Telegram and WhatsApp are the fake providers (real HTTP servers on loopback that speak the Bot API
and the Cloud API); SMS and push go through moto's SNS, as they go through SNS in AWS. The runtime
points the functions at them, registers its webhooks with them as a deployment would
(``setWebhook``; WhatsApp's verification handshake), and the phone view shows what every
provider received, newest last. The phone view also plays the clients: a button pressed in
Telegram, a reply by SMS or WhatsApp, a ``/start`` from a deep link, each delivered to the
webhooks exactly as the provider would deliver it (signed, with the secret token).
"""

from __future__ import annotations

import json
import logging
import secrets
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import httpx

from regulars_local.providers.scripts import Hang, ServerError, Succeed
from regulars_local.providers.telegram import FakeTelegram, Forbidden, TelegramBehaviour, TooManyRequests
from regulars_local.providers.whatsapp import Fail, FakeWhatsApp, WhatsAppBehaviour

log = logging.getLogger("local.phone")


class PhoneError(ValueError):
    """A phone-view request that cannot be carried out (a bad field, an unknown message)."""


RATE_LIMITED = ("telegram", "whatsapp")  # the fakes that can refuse past a rate, as their providers do


class LocalProviders:
    def __init__(self, clock: Callable[[], datetime], rate_limits: Mapping[str, int] | None = None):
        """``rate_limits``: sends a second each fake takes before it answers "too many requests" (the
        Bot API's 30 for a bot, the Cloud API's 80 for a number); none by default."""
        limits = dict(rate_limits or {})
        self.telegram = FakeTelegram(
            clock=clock, username="regulars_local_bot", rate_limit=limits.get("telegram")
        )
        self.whatsapp = FakeWhatsApp(clock=clock, rate_limit=limits.get("whatsapp"))
        self.telegram_secret = secrets.token_urlsafe(24)
        self.whatsapp_app_secret = secrets.token_hex(16)
        self.whatsapp_verify_token = secrets.token_urlsafe(16)
        self.base_url = ""
        self._sns: Any = None
        self._region = "us-east-1"
        self._account = ""
        self._inbound_sms_topic: str | None = None

    # --- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        self.telegram.start()
        self.whatsapp.start()

    def stop(self) -> None:
        self.telegram.stop()
        self.whatsapp.stop()

    def environment(self) -> dict[str, str]:
        """What the functions need to reach the providers (in AWS: parameters and SSM)."""
        return {
            "TELEGRAM_API_BASE": self.telegram.base_url,
            "TELEGRAM_BOT_TOKEN": self.telegram.token,
            "TELEGRAM_BOT_USERNAME": str(self.telegram.bot["username"]),
            "TELEGRAM_WEBHOOK_SECRET": self.telegram_secret,
            "WHATSAPP_API_BASE": self.whatsapp.base_url,
            "WHATSAPP_TOKEN": self.whatsapp.access_token,
            "WHATSAPP_PHONE_NUMBER_ID": self.whatsapp.phone_number_id,
            "WHATSAPP_APP_SECRET": self.whatsapp_app_secret,
            "WHATSAPP_VERIFY_TOKEN": self.whatsapp_verify_token,
        }

    def connect(
        self, base_url: str, sns: Any, region: str, account: str, inbound_sms_topic: str | None
    ) -> None:
        """Register the webhooks, as an operator does once after a deployment."""
        self.base_url = base_url
        self._sns, self._region, self._account = sns, region, account
        self._inbound_sms_topic = inbound_sms_topic
        answer = httpx.post(
            f"{self.telegram.api_url}/setWebhook",
            timeout=10,
            json={
                "url": f"{base_url}/v1/webhooks/telegram",
                "secret_token": self.telegram_secret,
                "allowed_updates": ["message", "callback_query"],
            },
        )
        if not answer.json().get("ok"):
            log.warning("setWebhook refused: %s", answer.text)
        challenge = str(secrets.randbelow(10**9))
        verified = self.whatsapp.verify(
            f"{base_url}/v1/webhooks/whatsapp", self.whatsapp_verify_token, challenge
        )
        if verified.status_code != 200 or verified.text != challenge:
            log.warning(
                "the WhatsApp webhook failed verification: %s %s", verified.status_code, verified.text
            )

    # --- the phone view ------------------------------------------------------------------------
    def messages(self) -> list[dict[str, Any]]:
        """Everything the providers received, per channel, in the order received."""
        out: list[dict[str, Any]] = []
        for m in self.telegram.messages():
            out.append(
                {
                    "channel": "telegram",
                    "to": str(m.chat_id),
                    "text": m.text,
                    "id": str(m.message_id),
                    "buttons": [b.get("text") for b in m.buttons],
                }
            )
        for w in self.whatsapp.messages():
            entry = w.to_json()
            out.append(
                {
                    "channel": "whatsapp",
                    "to": "+" + w.wa_id,
                    "id": w.id,
                    "text": (entry.get("text") or {}).get("body")
                    or entry.get("template", {}).get("name", ""),
                    "buttons": list(w.quick_reply_payloads),
                }
            )
        backend = self._sns_backend()
        if backend is not None:
            for message_id, (phone, text) in list(backend.sms_messages.items()):
                out.append({"channel": "sms", "to": phone, "text": text, "id": message_id, "buttons": []})
            for endpoint in list(backend.platform_endpoints.values()):
                for message_id, text in list(endpoint.messages.items()):
                    out.append(
                        {
                            "channel": "push",
                            "to": endpoint.arn,
                            "text": _push_text(text),
                            "id": message_id,
                            "buttons": [],
                        }
                    )
        return out

    def _sns_backend(self) -> Any:
        if not self._account:
            return None
        from moto.sns.models import sns_backends  # moto's server runs in this process

        return sns_backends[self._account][self._region]

    # --- the client's side ---------------------------------------------------------------------
    def act(self, body: dict[str, Any]) -> dict[str, Any]:
        """Do what a client does on their phone; the webhook's answer."""
        action = body.get("action")
        if action == "telegram_start":
            update = self.telegram.start_update(_int(body, "chat_id"), _text(body, "payload"))
            return _answer(self.telegram.deliver_to_webhook(update))
        if action == "telegram_press":
            update = self.telegram.button_press_update(_int(body, "chat_id"), _text(body, "button"))
            return _answer(self.telegram.deliver_to_webhook(update))
        if action == "telegram_text":
            update = self.telegram.text_update(_int(body, "chat_id"), _text(body, "text"))
            return _answer(self.telegram.deliver_to_webhook(update))
        if action == "whatsapp_text":
            payload = self.whatsapp.text_message_webhook(_text(body, "from"), _text(body, "text"))
            return _answer(self._deliver_whatsapp(payload))
        if action == "sms_reply":
            return self._sms_reply(_text(body, "from"), _text(body, "text"))
        raise PhoneError(
            f"action: one of telegram_start, telegram_press, telegram_text, whatsapp_text, sms_reply; "
            f"not {action!r}"
        )

    def _deliver_whatsapp(self, payload: dict[str, Any]) -> httpx.Response:
        return self.whatsapp.deliver(
            f"{self.base_url}/v1/webhooks/whatsapp", payload, self.whatsapp_app_secret
        )

    def _sms_reply(self, phone: str, text: str) -> dict[str, Any]:
        """An SMS from the client, as two-way SMS publishes it to the in-bound topic."""
        if not self._inbound_sms_topic or self._sns is None:
            raise PhoneError("the template has no in-bound SMS topic")
        backend = self._sns_backend()
        previous = None
        if backend is not None:  # the last message sent to the number, which the reply answers
            previous = next(
                (mid for mid, (to, _) in reversed(list(backend.sms_messages.items())) if to == phone), None
            )
        notification = {
            "originationNumber": phone,
            "destinationNumber": "+15550100000",
            "messageKeyword": "KEYWORD",
            "messageBody": text,
            "inboundMessageId": str(uuid.uuid4()),
        }
        if previous:
            notification["previousPublishedMessageId"] = previous
        self._sns.publish(TopicArn=self._inbound_sms_topic, Message=json.dumps(notification))
        return {"status": 202, "body": notification}

    def script(self, body: dict[str, Any]) -> None:
        """How a provider answers the next sends: ``{"channel": "telegram", "behaviour": "too_many_requests",
        "retry_after": 1, "times": 1, "to": "<chat id>"}``; behaviours: succeed, too_many_requests,
        blocked, server_error, hang; for WhatsApp, fail with a ``code``."""
        channel, behaviour = body.get("channel"), body.get("behaviour")
        times = body.get("times")
        times = int(times) if times is not None else None
        to = body.get("to")
        if channel == "telegram":
            telegram: dict[str, Callable[[], TelegramBehaviour]] = {
                "succeed": lambda: Succeed(),
                "too_many_requests": lambda: TooManyRequests(int(body.get("retry_after", 1))),
                "blocked": lambda: Forbidden.BOT_BLOCKED,
                "server_error": lambda: ServerError(int(body.get("status", 500))),
                "hang": lambda: Hang(
                    float(body.get("seconds", 15)), delivered=bool(body.get("delivered", False))
                ),
            }
            to_telegram = telegram.get(str(behaviour))
            if to_telegram is None:
                raise PhoneError(f"behaviour: unknown for telegram: {behaviour!r}")
            self.telegram.script(to_telegram(), chat_id=int(to) if to is not None else None, times=times)
        elif channel == "whatsapp":
            whatsapp: dict[str, Callable[[], WhatsAppBehaviour]] = {
                "succeed": lambda: Succeed(),
                "fail": lambda: Fail(int(body.get("code", 131026)), later=bool(body.get("later", False))),
                "server_error": lambda: ServerError(int(body.get("status", 500))),
                "hang": lambda: Hang(float(body.get("seconds", 15))),
            }
            to_whatsapp = whatsapp.get(str(behaviour))
            if to_whatsapp is None:
                raise PhoneError(f"behaviour: unknown for whatsapp: {behaviour!r}")
            self.whatsapp.script(to_whatsapp(), recipient=str(to) if to is not None else None, times=times)
        else:
            raise PhoneError("channel: telegram or whatsapp (SMS and push go through moto's SNS)")


def _push_text(message: str) -> str:
    try:
        return str(json.loads(message).get("default", message))
    except (ValueError, AttributeError):
        return message


def _int(body: dict[str, Any], name: str) -> int:
    try:
        return int(body[name])
    except (KeyError, TypeError, ValueError):
        raise PhoneError(f"{name}: a whole number is required") from None


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise PhoneError(f"{name}: text is required")
    return value


def _answer(response: httpx.Response | None) -> dict[str, Any]:
    if response is None:
        return {"status": None, "body": None}
    try:
        payload: Any = response.json()
    except ValueError:
        payload = response.text
    return {"status": response.status_code, "body": payload}
