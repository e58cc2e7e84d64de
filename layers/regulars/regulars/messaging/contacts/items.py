"""How a client is reached and who an address belongs to: the address book, Telegram deep links."""

from __future__ import annotations

from pynamodb.attributes import (
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from regulars.store.base import Entity


class Contact(Entity, discriminator="Contact"):
    """An in-bound address (a phone, a Telegram chat) known to one salon as one client. A STOP
    from the address reaches every salon that wrote to it; a YES answers the last request."""

    __keys__ = {"pk": "CONTACT#{channel}#{address}", "sk": "SALON#{salon_id}"}

    channel = UnicodeAttribute()
    address = UnicodeAttribute()
    salon_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    last_message_id = UnicodeAttribute(null=True)
    updated_at = UTCDateTimeAttribute()


class TelegramLink(Entity, discriminator="TelegramLink"):
    """The opaque token of a deep link ``t.me/<bot>?start=<token>``: the client it links a chat to.
    Filed under the client too, so an erasure finds it whatever key made the token."""

    __keys__ = {
        "pk": "TGLINK#{token}",
        "sk": "LINK",
        "gsi2pk": "SALON#{salon_id}#CLIENT#{client_id}",
        "gsi2sk": "TGLINK#{token}",
    }

    token = UnicodeAttribute()
    salon_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    chat_id = NumberAttribute(null=True)  # the chat that redeemed it: only that chat may redeem it again
