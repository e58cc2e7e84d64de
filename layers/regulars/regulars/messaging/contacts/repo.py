"""The contacts' table: the address book (every salon's client known at an address) and Telegram link
tokens (which salon's client a token links, and the one chat that claimed it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import PutError, UpdateError

from regulars.messaging.contacts.items import Contact, TelegramLink
from regulars.store.base import Entity, condition_failed


@dataclass(frozen=True)
class KnownAddress:
    """An in-bound address known to one salon as one client, and the last message sent to it there."""

    channel: str
    address: str
    salon_id: str
    client_id: str
    last_message_id: str | None
    updated_at: datetime


def contacts(channel: str, address: str) -> list[KnownAddress]:
    """Every salon's client known at this in-bound address."""
    hk = Contact.render_key("pk", channel=channel, address=address)
    return [
        KnownAddress(c.channel, c.address, c.salon_id, c.client_id, c.last_message_id, c.updated_at)
        for c in Entity.query(hk)
        if isinstance(c, Contact)
    ]


def remember_contact(channel: str, address: str, salon_id: str, client_id: str, now: datetime) -> bool:
    """The address leads back to this client of the salon, so a STOP from it reaches them: written when
    it led nowhere there or to another of the salon's clients, else kept as it is (with the request a
    YES would answer). A read first, since a write refused by its condition costs as much as one made.
    True if written."""
    known = Contact.find(channel=channel, address=address, salon_id=salon_id)
    if known is not None and known.client_id == client_id:
        return False
    item = Contact(channel=channel, address=address, salon_id=salon_id, client_id=client_id, updated_at=now)
    try:
        item.save(Contact.pk.does_not_exist() | (Contact.client_id != client_id))
    except PutError as exc:
        if condition_failed(exc):
            return False  # written meanwhile, for this client
        raise
    return True


def note_request(
    *, channel: str, address: str, salon_id: str, client_id: str, message_id: str, now: datetime
) -> None:
    """When a message a reply answers is sent: the address leads back to the client and that message
    (written again as it is when the send is recorded twice)."""
    Contact(
        channel=channel,
        address=address,
        salon_id=salon_id,
        client_id=client_id,
        last_message_id=message_id,
        updated_at=now,
    ).save()


@dataclass(frozen=True)
class LinkToken:
    salon_id: str
    client_id: str


def offer(token: str, salon_id: str, client_id: str, *, now: datetime, until: datetime) -> bool:
    """Offer the token (again) until ``until``; False when a chat has claimed it already (it stays
    that chat's)."""
    try:
        TelegramLink(token=token, salon_id=salon_id, client_id=client_id, created_at=now, expires=until).save(
            condition=TelegramLink.chat_id.does_not_exist()
        )
    except PutError as exc:
        if not condition_failed(exc):
            raise
        return False
    return True


def claim(token: str, chat_id: int, now: datetime) -> LinkToken | None:
    """The token's client, once the token is this chat's (unclaimed until now, or claimed by this chat
    before); None for an unknown or expired token, or one another chat claimed."""
    link = TelegramLink.find(token=token, consistent=True)
    if link is None or (
        link.expires is not None and link.expires <= now
    ):  # TTL deletes late: expired is gone
        return None
    try:
        link.update(
            actions=[TelegramLink.chat_id.set(chat_id)],
            condition=TelegramLink.pk.exists()
            & (TelegramLink.chat_id.does_not_exist() | (TelegramLink.chat_id == chat_id)),
        )
    except UpdateError as exc:
        if condition_failed(exc):
            return None
        raise
    return LinkToken(link.salon_id, link.client_id)
