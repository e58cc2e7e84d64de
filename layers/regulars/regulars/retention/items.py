"""Defections and their monthly tallies."""

from __future__ import annotations

from pynamodb.attributes import (
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)

from regulars.store.base import Entity

DEFECTION_TYPES = ("no_show", "late_cancellation", "cancelled_not_rebooked", "lapsed", "lost")


class Defection(Entity, discriminator="Defection"):
    """A client slipping away, once per cause: a no-show, a late cancellation, a cancellation not
    rebooked, a lapse, a loss; with the reason when one is known (from feedback, a reply, the admin)."""

    __keys__ = {
        "pk": "SALON#{salon_id}",
        "sk": "DEFECTION#{defection_id}",
        "gsi1pk": "SALON#{salon_id}#DEFECTIONS",
        "gsi1sk": "{at}#{defection_id}",
        "gsi2pk": "SALON#{salon_id}#CLIENT#{client_id}",
        "gsi2sk": "DEFECTION#{at}#{defection_id}",
    }

    salon_id = UnicodeAttribute()
    defection_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # one of DEFECTION_TYPES
    at = UTCDateTimeAttribute()
    month = UnicodeAttribute()  # YYYY-MM in the salon's time zone: the month it counts in
    appointment_id = UnicodeAttribute(null=True)
    staff_id = UnicodeAttribute(null=True)
    service_id = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)  # one of DEFECTION_REASONS
    reason_source = UnicodeAttribute(null=True)  # feedback | reply | cancellation | admin
    detail = UnicodeAttribute(null=True)  # the words behind the reason
    created_at = UTCDateTimeAttribute()
    version = VersionAttribute()


class DefectionTally(Entity, discriminator="DefectionTally"):
    """How many defections a month had on one dimension (type, reason, staff, service, or all):
    moved with ADD in the same transaction as the defection or its reason."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "DEFSTATS#{month}#{dimension}#{value}"}

    salon_id = UnicodeAttribute()
    month = UnicodeAttribute()
    dimension = UnicodeAttribute()  # all | type | reason | staff | service
    value = UnicodeAttribute()
    # the stored name: it shadows Model.count (a query's count), which no code calls on this entity
    count = NumberAttribute(default=0)  # type: ignore[assignment]
