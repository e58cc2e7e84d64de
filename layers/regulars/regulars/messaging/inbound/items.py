"""The in-bound updates acted on once."""

from __future__ import annotations

from pynamodb.attributes import (
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from regulars.store.base import Entity


class InboundEvent(Entity, discriminator="InboundEvent"):
    """An update a provider delivered (at least once), recorded once it was acted on, so a redelivery
    is answered without acting again (and a failed act is not recorded: the retry acts)."""

    __keys__ = {"pk": "INBOUND#{channel}#{event_id}", "sk": "EVENT"}

    channel = UnicodeAttribute()
    event_id = UnicodeAttribute()
    received_at = UTCDateTimeAttribute()
