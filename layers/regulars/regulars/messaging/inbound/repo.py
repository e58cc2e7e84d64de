"""The in-bound feature's table: Telegram link tokens (which salon's client a token links, and the one
chat that claimed it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import PutError, UpdateError

from regulars.messaging.inbound.items import TelegramLink
from regulars.store.base import condition_failed


@dataclass(frozen=True)
class LinkToken:
    salon_id: str
    client_id: str


def offer(token: str, salon_id: str, client_id: str, *, now: datetime, until: datetime) -> bool:
    """Offer the token (again) until ``until``; False when a chat has claimed it already (it stays
    that chat's)."""
    try:
        TelegramLink(token=token, salon_id=salon_id, client_id=client_id, created_at=now,
                     expires=until).save(condition=TelegramLink.chat_id.does_not_exist())
    except PutError as exc:
        if not condition_failed(exc):
            raise
        return False
    return True


def claim(token: str, chat_id: int, now: datetime) -> LinkToken | None:
    """The token's client, once the token is this chat's (unclaimed until now, or claimed by this chat
    before); None for an unknown or expired token, or one another chat claimed."""
    link = TelegramLink.find(token=token, consistent=True)
    if link is None or (link.expires is not None and link.expires <= now):  # TTL deletes late: expired is gone
        return None
    try:
        link.update(actions=[TelegramLink.chat_id.set(chat_id)],
                    condition=TelegramLink.pk.exists() & (TelegramLink.chat_id.does_not_exist()
                                                          | (TelegramLink.chat_id == chat_id)))
    except UpdateError as exc:
        if condition_failed(exc):
            return None
        raise
    return LinkToken(link.salon_id, link.client_id)
