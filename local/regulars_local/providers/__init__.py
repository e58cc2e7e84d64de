"""Fake message providers on loopback, for tests and the local runtime: real HTTP servers that speak the
Telegram Bot API's and the WhatsApp Cloud API's wire shapes, record every call, can be scripted to fail
as the providers do, and play the provider toward our webhooks.

SMS and push go through SNS, which moto plays.
"""

from regulars_local.providers.scripts import MAX_HOLD_SECONDS, Hang, ServerError, Succeed
from regulars_local.providers.server import Exchange, FakeServer
from regulars_local.providers.telegram import (
    SECRET_TOKEN_HEADER,
    CallbackAnswer,
    FakeTelegram,
    Forbidden,
    SentMessage,
    TooManyRequests,
    Webhook,
)
from regulars_local.providers.whatsapp import (
    SIGNATURE_HEADER,
    ErrorCode,
    Fail,
    FakeWhatsApp,
    WhatsAppMessage,
    encode_webhook,
    signature,
)

__all__ = [
    "MAX_HOLD_SECONDS",
    "SECRET_TOKEN_HEADER",
    "SIGNATURE_HEADER",
    "CallbackAnswer",
    "ErrorCode",
    "Exchange",
    "Fail",
    "FakeServer",
    "FakeTelegram",
    "FakeWhatsApp",
    "Forbidden",
    "Hang",
    "SentMessage",
    "ServerError",
    "Succeed",
    "TooManyRequests",
    "Webhook",
    "WhatsAppMessage",
    "encode_webhook",
    "signature",
]
