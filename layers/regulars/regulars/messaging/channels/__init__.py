"""Message channels behind one interface (:class:`Channel`): SMS and push through SNS, Telegram and
WhatsApp over HTTP. Each sends one :class:`OutgoingMessage` and answers :class:`Sent` or raises one of
the failure kinds in :mod:`.base`. What each channel can do is declared in :mod:`.capabilities`.

The names below are loaded when first used, so that reading a channel's capabilities does not load
every provider's client."""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "Button": "base",
    "Channel": "base",
    "ChannelError": "base",
    "MessageRejected": "base",
    "OutgoingMessage": "base",
    "RetryLater": "base",
    "Sent": "base",
    "Suppressed": "base",
    "Undeliverable": "base",
    "WhatsAppTemplate": "base",
    "WindowClosed": "base",
    "PushChannel": "push",
    "SmsChannel": "sms",
    "TelegramChannel": "telegram",
    "WhatsAppChannel": "whatsapp",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
