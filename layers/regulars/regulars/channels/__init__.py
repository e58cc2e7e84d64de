"""Message channels behind one interface (:class:`Channel`): SMS and push through SNS, Telegram and
WhatsApp over HTTP. Each sends one :class:`OutgoingMessage` and answers :class:`Sent` or raises one of
the failure kinds in :mod:`.base`."""

from regulars.channels.base import (
    Button,
    Channel,
    ChannelError,
    MessageRejected,
    OutgoingMessage,
    RetryLater,
    Sent,
    Suppressed,
    Undeliverable,
    WhatsAppTemplate,
    WindowClosed,
)
from regulars.channels.push import PushChannel
from regulars.channels.sms import SmsChannel
from regulars.channels.telegram import TelegramChannel
from regulars.channels.whatsapp import WhatsAppChannel

__all__ = [
    "Button",
    "Channel",
    "ChannelError",
    "MessageRejected",
    "OutgoingMessage",
    "PushChannel",
    "RetryLater",
    "Sent",
    "SmsChannel",
    "Suppressed",
    "TelegramChannel",
    "Undeliverable",
    "WhatsAppChannel",
    "WhatsAppTemplate",
    "WindowClosed",
]
