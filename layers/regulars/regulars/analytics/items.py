"""The salon's monthly tallies and its nightly snapshot."""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from regulars.store.base import Entity


class AnalyticsTally(Entity, discriminator="AnalyticsTally"):
    """One month's count and amount of one figure on one dimension (``visits``/``all``,
    ``messages``/``sms:marketing:campaign``, ``cohort``/``returned_30``...): moved with ADD in a
    transaction with the event's marker, so a record delivered twice counts once."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "STATS#{month}#{figure}#{value}"}

    salon_id = UnicodeAttribute()
    month = UnicodeAttribute()  # YYYY-MM in the salon's time zone
    figure = UnicodeAttribute()
    value = UnicodeAttribute()
    # the stored name: it shadows Model.count (a query's count), which no code calls on this entity
    count = NumberAttribute(default=0)  # type: ignore[assignment]
    amount = NumberAttribute(default=0)  # minor units, days or micros: the figure says which


class AnalyticsSnapshot(Entity, discriminator="AnalyticsSnapshot"):
    """What only the whole client list can say (lifecycle counts, lifetime-value groups, top clients,
    bonus liability), taken by a nightly job so no request reads the client list."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "ANALYTICS#SNAPSHOT"}

    salon_id = UnicodeAttribute()
    taken_at = UTCDateTimeAttribute()
    figures = JSONAttribute(default=dict)
