"""Linking a client's Telegram chat: a deep link ``https://t.me/<bot>?start=<token>``.

A bot cannot write first; the client opens the link, Telegram sends the bot ``/start <token>``,
and the chat is stored on the client. The link is shown only to whoever proved to be the client
(a booking made after a one-time code, the manage page opened from a message the client received)
and it works for a day after it was last shown. The token is opaque (24 characters of base64url,
derived with the current link key from the salon and the client, so the link shown to one client is
the same one until the key rotates) and used by one chat: the first chat to redeem it claims it.
Redeeming is idempotent (the chat that claimed it may redeem it again), so an update whose linking
failed half-way is finished by Telegram's retry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta

from regulars.clients import repo as client_store
from regulars.clients.model import Client
from regulars.core.config import link_keys, manage_link_secret, settings
from regulars.messaging.channels import capabilities
from regulars.messaging.contacts import repo as store
from regulars.messaging.rules.routing import Channel

TOKEN_CHARS = 24
OFFERED = timedelta(days=1)
TELEGRAM = capabilities.of(Channel.TELEGRAM)


def token_for(salon_id: str, client_id: str, key: bytes) -> str:
    digest = hmac.new(key, f"telegram-link:{salon_id}:{client_id}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:TOKEN_CHARS]


def tokens_for(salon_id: str, client_id: str) -> list[str]:
    """The client's token under every key of the ring (what erasure deletes)."""
    return [token_for(salon_id, client_id, key) for _, key in link_keys().keys]


def deep_link(salon_id: str, client_id: str, *, now: datetime) -> str | None:
    """The link to show a proven client, redeemable for a day from now; None when this deployment
    has no Telegram bot."""
    bot = settings().telegram_bot_username
    if not bot or TELEGRAM.channel.value not in settings().channels:
        return None
    token = token_for(salon_id, client_id, manage_link_secret())
    if not store.offer(token, salon_id, client_id, now=now, until=now + OFFERED):
        return None  # a link a chat has claimed already stays that chat's
    return f"https://t.me/{bot}?start={token}"


def redeem(token: str, chat_id: int, now: datetime) -> Client | None:
    """Link the chat to the token's client; None for an unknown token or one another chat used."""
    link = store.claim(token, chat_id, now)
    if link is None:
        return None

    def change(client: Client) -> dict:
        channels = {k: dict(v) for k, v in client.channels.items()}
        channels[TELEGRAM.channel.value] = {TELEGRAM.address: chat_id, "linked_at": now.isoformat()}
        return {"channels": channels}

    client = client_store.modify(link.salon_id, link.client_id, change)
    if client is not None:
        store.remember_contact(TELEGRAM.channel.value, str(chat_id), link.salon_id, link.client_id, now)
    return client
