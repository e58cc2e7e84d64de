"""Clients in the table, and the phone index that keeps one client per phone per salon."""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)

from regulars.store.base import Entity


class Client(Entity, discriminator="Client"):
    __keys__ = {
        "pk": "SALON#{salon_id}",
        "sk": "CLIENT#{client_id}",
        "gsi1pk": "SALON#{salon_id}#CLIENTS",
        "gsi1sk": "{name_key}#{client_id}",
        "gsi2pk": "SALON#{salon_id}#LIFECYCLE#{listed_status}",
        "gsi2sk": "{listed_since}#{client_id}",
    }

    salon_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    name = UnicodeAttribute()
    name_key = UnicodeAttribute(null=True)  # case-folded name, for prefix search (none once erased)
    phone = UnicodeAttribute(null=True)  # none once erased
    email = UnicodeAttribute(null=True)
    birthday = UnicodeAttribute(null=True)  # ISO date
    locale = UnicodeAttribute(null=True)
    notes = UnicodeAttribute(null=True)
    tags = UnicodeSetAttribute(default=set)
    # purpose or purpose:channel -> {"granted": bool, "at": iso, "source": "widget|sms|...", "text": words shown}
    consents = JSONAttribute(default=dict)
    # channel -> where it reaches the client: {"telegram": {"chat_id": 123, "linked_at": iso},
    # "whatsapp": {"last_inbound_at": iso}, "push": {"endpoint_arn": ...}}; {"unreachable": reason}
    # once the channel failed for good
    channels = JSONAttribute(default=dict)
    referred_by = UnicodeAttribute(null=True)
    # {"status": "at_risk", "reason": "usually every 21 days; 34 days since the last visit", "since": iso,
    # "next_check_at": iso, "cadence_days": 21.0, "complaint": {"at": iso, "reason": ...}}: kept by the
    # retention rules; status and since are repeated below for the lifecycle index
    lifecycle = JSONAttribute(null=True)
    lifecycle_status = UnicodeAttribute(null=True)
    lifecycle_since = UTCDateTimeAttribute(null=True)
    # the last completed visits, oldest first: [[start, service, staff, booked at], ...] (the cadence's input)
    visit_log = JSONAttribute(default=list)
    invited = JSONAttribute(default=dict)  # service -> when a repeat-visit invitation last named it
    created_at = UTCDateTimeAttribute()
    source = UnicodeAttribute(default="admin")
    erased_at = UTCDateTimeAttribute(null=True)  # personal data removed on the client's request
    # visit statistics, kept by the stream processor exactly once per event
    visits = NumberAttribute(default=0)
    no_shows = NumberAttribute(default=0)
    cancellations = NumberAttribute(default=0)
    late_cancellations = NumberAttribute(default=0)
    total_spent = NumberAttribute(default=0)
    first_visit_at = UTCDateTimeAttribute(null=True)
    last_visit_at = UTCDateTimeAttribute(null=True)
    version = VersionAttribute()

    @property
    def listed_status(self) -> str | None:
        """The lifecycle list the client is in: "new" until the rules first assess them; none once
        erased (an erased client is in no index)."""
        return None if self.erased_at is not None else (self.lifecycle_status or "new")

    @property
    def listed_since(self) -> datetime | None:
        return self.lifecycle_since or self.created_at


class PhoneIndex(Entity, discriminator="PhoneIndex"):
    __keys__ = {"pk": "SALON#{salon_id}", "sk": "PHONE#{phone}"}

    salon_id = UnicodeAttribute()
    phone = UnicodeAttribute()
    client_id = UnicodeAttribute()


class NameWord(Entity, discriminator="NameWord"):
    """One word of a client's name after the first (a surname, a second name), so the desk finds the
    client by it; the name index finds the name's start. Gone with the client's data on erasure."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "NAMEWORD#{word}#{client_id}"}

    salon_id = UnicodeAttribute()
    word = UnicodeAttribute()
    client_id = UnicodeAttribute()


class ReferralCode(Entity, discriminator="ReferralCode"):
    """A client's referral code. Filed under the client too, so an erasure finds it whatever key made it."""

    __keys__ = {
        "pk": "SALON#{salon_id}",
        "sk": "REFERRAL#{code}",
        "gsi2pk": "SALON#{salon_id}#CLIENT#{client_id}",
        "gsi2sk": "REFERRAL#{code}",
    }

    salon_id = UnicodeAttribute()
    code = UnicodeAttribute()
    client_id = UnicodeAttribute()
