"""Telegram deep links and the in-bound updates acted on once."""

from __future__ import annotations

from pynamodb.attributes import (
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from regulars.store.base import Entity


class TelegramLink(Entity, discriminator="TelegramLink"):
    """The opaque token of a deep link ``t.me/<bot>?start=<token>``: the client it links a chat to.
    Filed under the client too, so an erasure finds it whatever key made the token."""

    __keys__ = {"pk": "TGLINK#{token}", "sk": "LINK", "gsi2pk": "SALON#{salon_id}#CLIENT#{client_id}",
                "gsi2sk": "TGLINK#{token}"}

    token = UnicodeAttribute()
    salon_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    chat_id = NumberAttribute(null=True)  # the chat that redeemed it: only that chat may redeem it again


class InboundEvent(Entity, discriminator="InboundEvent"):
    """An update a provider delivered (at least once), recorded once it was acted on, so a redelivery
    is answered without acting again (and a failed act is not recorded: the retry acts)."""

    __keys__ = {"pk": "INBOUND#{channel}#{event_id}", "sk": "EVENT"}

    channel = UnicodeAttribute()
    event_id = UnicodeAttribute()
    received_at = UTCDateTimeAttribute()
