"""The salon's team members and their roles."""

from __future__ import annotations

from pynamodb.attributes import (
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from regulars.store.base import Entity

TEAM = "TEAM#"  # a salon's team members


class TeamMember(Entity, discriminator="TeamMember"):
    """A user of the salon's admin console and their role: the authority on who may do what, read on
    every admin request (a token's ``custom:role`` claim only repeats it). Keyed by the Cognito user's
    ``sub``; one member per e-mail in a salon."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": TEAM + "{user_id}"}

    salon_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    email = UnicodeAttribute()
    role = UnicodeAttribute()  # owner | manager | reception | staff
    staff_id = UnicodeAttribute(null=True)  # the staff member a staff user is
    added_by = UnicodeAttribute()
    added_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
