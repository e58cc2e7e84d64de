"""The in-bound feature's table: the provider events acted on already."""

from __future__ import annotations

from datetime import datetime, timedelta

from regulars.messaging.inbound.items import InboundEvent

KEEP_INBOUND = timedelta(days=7)


def handled(channel: str, event_id: str) -> bool:
    """Was this in-bound event (a Telegram update, a WhatsApp or SMS message id) acted on already?"""
    return InboundEvent.find(channel=channel, event_id=event_id, consistent=True) is not None


def record_handled(channel: str, event_id: str, now: datetime) -> None:
    """Record an in-bound event as acted on, once the act is done: an event whose act failed stays
    unrecorded, so the provider's retry acts on it again (every act is idempotent). Two deliveries at
    the same moment may both act; the first record stands."""
    InboundEvent(channel=channel, event_id=event_id, received_at=now, expires=now + KEEP_INBOUND).save_new()
