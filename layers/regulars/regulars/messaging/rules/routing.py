"""Which channel a message goes out on (pure).

The cheapest channel that can reach the client and that the client allows for the message's
purpose, in the salon's order (default push, Telegram, WhatsApp, SMS). A channel that failed
permanently for this message is left out, so the next one is tried.

Consent is kept per purpose, and per purpose and channel where the client said something about
one channel (a STOP over SMS). Marketing needs a "yes" (for that channel, or for marketing in
general); transactional messages go unless the client turned that channel off.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum


class Channel(StrEnum):
    PUSH = "push"
    TELEGRAM = "telegram"
    WHATSAPP = "whatsapp"
    SMS = "sms"


class Purpose(StrEnum):
    TRANSACTIONAL = "transactional"
    MARKETING = "marketing"


DEFAULT_ORDER: tuple[Channel, ...] = (Channel.PUSH, Channel.TELEGRAM, Channel.WHATSAPP, Channel.SMS)


def consent_key(purpose: Purpose, channel: Channel | None = None) -> str:
    return purpose.value if channel is None else f"{purpose.value}:{channel.value}"


def allowed(consents: Mapping[str, Mapping], purpose: Purpose, channel: Channel) -> bool:
    """May a message of ``purpose`` go to this client over ``channel``?"""
    specific = consents.get(consent_key(purpose, channel))
    if specific is not None:
        return bool(specific.get("granted"))
    if purpose is Purpose.MARKETING:
        general = consents.get(consent_key(Purpose.MARKETING))
        return bool(general and general.get("granted"))
    return True  # transactional: unless turned off for this channel


def choose(
    purpose: Purpose,
    reachable: Iterable[Channel],
    consents: Mapping[str, Mapping],
    *,
    order: Iterable[Channel] = DEFAULT_ORDER,
    failed: Iterable[Channel] = (),
) -> Channel | None:
    """The first channel in ``order`` that reaches the client, is allowed, and has not failed
    permanently for this message; None when there is none (the message is skipped)."""
    can_reach, tried = set(reachable), set(failed)
    for channel in order:
        if channel in can_reach and channel not in tried and allowed(consents, purpose, channel):
            return channel
    return None


def opt_out(consents: Mapping[str, Mapping], channel: Channel, *, at: str, source: str, text: str) -> dict:
    """The consents after a STOP over ``channel``: marketing off everywhere (an objection to
    marketing is absolute), and the channel itself off for everything but the one confirmation."""
    out = {k: dict(v) for k, v in consents.items()}
    record = {"granted": False, "at": at, "source": source, "text": text}
    out[consent_key(Purpose.MARKETING)] = record
    for ch in Channel:
        out.pop(consent_key(Purpose.MARKETING, ch), None)
    out[consent_key(Purpose.TRANSACTIONAL, channel)] = record
    return out


def opt_in(consents: Mapping[str, Mapping], channel: Channel, *, at: str, source: str, text: str) -> dict:
    """The consents after a START over ``channel``: the channel on again for visit messages, and
    marketing on that channel (the client asked for it there)."""
    out = {k: dict(v) for k, v in consents.items()}
    record = {"granted": True, "at": at, "source": source, "text": text}
    out[consent_key(Purpose.TRANSACTIONAL, channel)] = record
    out[consent_key(Purpose.MARKETING, channel)] = record
    return out
