"""Feedback on a visit and the follow-up tasks it opens."""

from __future__ import annotations

from pynamodb.attributes import (
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from regulars.store.base import Entity


class Feedback(Entity, discriminator="Feedback"):
    """A client's answer about one visit: a rating, a comment, a tip for the staff member."""

    __keys__ = {
        "pk": "SALON#{salon_id}",
        "sk": "FEEDBACK#{appointment_id}",
        "gsi1pk": "SALON#{salon_id}#FEEDBACK",
        "gsi1sk": "{created_at}#{appointment_id}",
        "gsi2pk": "SALON#{salon_id}#CLIENT#{client_id}",
        "gsi2sk": "FEEDBACK#{created_at}#{appointment_id}",
    }

    salon_id = UnicodeAttribute()
    appointment_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    staff_id = UnicodeAttribute()
    service_id = UnicodeAttribute()
    rating = NumberAttribute()
    comment = UnicodeAttribute(null=True)
    tip_amount = NumberAttribute(default=0)
    mood = UnicodeAttribute()  # happy | neutral | unhappy
    created_at = UTCDateTimeAttribute()


class Task(Entity, discriminator="Task"):
    """A follow-up the salon owes a client (call back after an unhappy rating), closed with a note."""

    __keys__ = {
        "pk": "SALON#{salon_id}",
        "sk": "TASK#{task_id}",
        "gsi1pk": "SALON#{salon_id}#TASKS",
        "gsi1sk": "{status}#{created_at}#{task_id}",
        "gsi2pk": "SALON#{salon_id}#CLIENT#{client_id}",
        "gsi2sk": "TASK#{created_at}#{task_id}",
    }

    salon_id = UnicodeAttribute()
    task_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    client_id = UnicodeAttribute()
    appointment_id = UnicodeAttribute(null=True)
    summary = UnicodeAttribute()
    status = UnicodeAttribute(default="open")  # open | closed
    note = UnicodeAttribute(null=True)
    closed_by = UnicodeAttribute(null=True)
    closed_at = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
