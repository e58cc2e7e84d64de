"""What each channel can do, declared once. Code outside this package reads these records instead
of asking which channel it has:

- ``address``: where the channel finds a person's address: their phone number (:data:`PHONE`), or
  a field of the channel's own record on the client (a Telegram chat id, a push endpoint);
- ``requires``: what else that record must hold before the channel reaches the person (WhatsApp:
  that they wrote to the salon there, which opts them in);
- ``buttons``: reply buttons show under a message (elsewhere the reply words are in the text);
- ``reply_window``: free-form text goes only this long after the person last wrote on the channel;
  outside it, only an approved template (WhatsApp's 24 hours; the salon's WhatsApp templates);
- ``sms_parts``: billed by the SMS part, so the salon's daily SMS budget counts its messages;
- ``titled``: a title shows above the text (push: the salon's name);
- ``inbound``: people write back on it, so its addresses lead back to clients (their contacts);
- ``ids_per_chat``: the provider numbers messages per chat, so its id is unique only with the chat;
- ``refers_back``: what comes back on it names a message we sent by the provider's id (a delivery
  status, a button pressed, a reply that quotes it), so the id is kept to find the message by.

This module is pure and light: it imports no provider's client.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType
from typing import Any

from regulars.messaging.rules.routing import Channel

PHONE = "phone"
# Where a routed message keeps until when its reply window is open (its channel's client reads it)
WINDOW_UNTIL = "whatsapp_window_until"


@dataclass(frozen=True)
class Capabilities:
    channel: Channel
    address: str  # PHONE, or the field of the channel's record on the client that holds the address
    requires: tuple[str, ...] = ()
    buttons: bool = False
    reply_window: timedelta | None = None
    sms_parts: bool = False
    titled: bool = False
    inbound: bool = False
    ids_per_chat: bool = False
    refers_back: bool = False

    @property
    def by_phone(self) -> bool:
        return self.address == PHONE

    def record_in(self, channels: Mapping[str, Any]) -> Mapping[str, Any]:
        """The channel's own record among a client's ``channels`` (by channel name); {} for none."""
        return channels.get(self.channel.value) or {}

    def address_in(self, phone: str | None, channels: Mapping[str, Any]) -> str | None:
        """A person's address on this channel, from their ``phone`` or from the channel's record
        among their ``channels`` ({} for a person without any, a staff member); None for none."""
        value = phone if self.by_phone else self.record_in(channels).get(self.address)
        return None if value is None or value == "" else str(value)

    def reaches(self, phone: str | None, channels: Mapping[str, Any]) -> bool:
        """Does the channel reach the person now: an address, what it requires, and no permanent
        failure marked on the channel's record?"""
        record = self.record_in(channels)
        return (
            not record.get("unreachable")
            and self.address_in(phone, channels) is not None
            and all(record.get(field) for field in self.requires)
        )


CAPABILITIES: Mapping[Channel, Capabilities] = MappingProxyType(
    {
        c.channel: c
        for c in (
            Capabilities(Channel.PUSH, address="endpoint_arn", titled=True),
            Capabilities(
                Channel.TELEGRAM,
                address="chat_id",
                buttons=True,
                inbound=True,
                ids_per_chat=True,
                refers_back=True,
            ),
            Capabilities(
                Channel.WHATSAPP,
                address=PHONE,
                requires=("opted_in_at",),
                buttons=True,
                reply_window=timedelta(hours=24),
                inbound=True,
                refers_back=True,
            ),
            Capabilities(Channel.SMS, address=PHONE, sms_parts=True, inbound=True, refers_back=True),
        )
    }
)


def of(channel: Channel | str) -> Capabilities:
    """The capabilities of a channel, by the channel or its name."""
    return CAPABILITIES[Channel(channel)]
