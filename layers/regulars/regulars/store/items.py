"""The items every feature shares: a request's stored answer, an event's marker, the audit trail."""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from regulars.store.base import Entity


class IdempotencyRecord(Entity, discriminator="IdempotencyRecord"):
    """The answer given to a request with an Idempotency-Key, written in the same transaction as
    the effect it describes; replays return it as it was."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "IDEMPOTENCY#{scope}#{key}"}

    salon_id = UnicodeAttribute()
    scope = UnicodeAttribute()
    key = UnicodeAttribute()
    request_hash = UnicodeAttribute()
    status_code = NumberAttribute()
    body = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class ProcessedEvent(Entity, discriminator="ProcessedEvent"):
    __keys__ = {"pk": "SALON#{salon_id}", "sk": "EVENT#{event_id}"}

    salon_id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    processed_at = UTCDateTimeAttribute()


class AuditEntry(Entity, discriminator="AuditEntry"):
    """Who did what, and when: a client's data exported or erased, bonus adjusted by hand, the salon's
    settings, services or staff changed, a campaign or segment, a change to the team. Never changed."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "AUDIT#{at}#{entry_id}"}

    salon_id = UnicodeAttribute()
    entry_id = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    action = UnicodeAttribute()  # client.exported | client.erased | loyalty.adjusted | salon.updated | ...
    by = UnicodeAttribute()
    client_id = UnicodeAttribute(null=True)
    detail = JSONAttribute(default=dict)  # what was done, in counts (never the personal data itself)
