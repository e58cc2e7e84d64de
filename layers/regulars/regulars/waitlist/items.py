"""The waitlist in the table: the entries, the freed times offered from it, each offer, and the
offers a phone got on a day.

Access patterns:

| pattern | operation |
|---|---|
| one entry, one opening, one offer | GetItem |
| the waiting entries in order of joining (filling a freed time, the desk's list) | Query GSI1 `SALON#{salon}#WAITLIST`, SK `{joined_at}#{entry}` (sparse: only waiting entries carry `waiting_since`) |
| a phone's entries, whatever became of them (erasure) | Query GSI2 `SALON#{salon}#WLPHONE#{phone hash}` |
| a phone's waiting entry for a service (one at a time) | GetItem `WLPHONE#{phone hash}#{service}` (put with attribute_not_exists in the entry's transaction, deleted when the entry closes) |
| a freed time filled once per cause | Put `OPENING#{opening}` with attribute_not_exists (the id derived from the visit's event) |
| the offers a phone got on a local day (the cap) | UpdateItem `WLDAY#{date}#{phone hash}`: ADD the offer to a set under a size condition (TTL) |
"""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)

from regulars.store.base import Entity, string_list

WAITING = "WAITLIST#"


class WaitlistEntry(Entity, discriminator="WaitlistEntry"):
    """A client waiting for a time: who (name and phone as given; the client's id when the salon
    knows the phone), what, when they could come, their consent to be messaged about it, and what
    became of it. In the waiting index while ``waiting_since`` is set; gone by TTL a day after the
    last day it asked for."""

    __keys__ = {
        "pk": "SALON#{salon_id}",
        "sk": WAITING + "{entry_id}",
        "gsi1pk": "SALON#{salon_id}#WAITLIST",
        "gsi1sk": "{waiting_since}#{entry_id}",
        "gsi2pk": "SALON#{salon_id}#WLPHONE#{phone_hash}",
        "gsi2sk": WAITING + "{entry_id}",
    }

    salon_id = UnicodeAttribute()
    entry_id = UnicodeAttribute()
    name = UnicodeAttribute()
    phone = UnicodeAttribute()
    phone_hash = UnicodeAttribute()
    client_id = UnicodeAttribute(null=True)
    locale = UnicodeAttribute(null=True)
    service_id = UnicodeAttribute()
    staff_ids = string_list()
    days = string_list()  # local dates, YYYY-MM-DD
    weekdays = JSONAttribute(default=list)  # ISO weekdays, 1 = Monday
    parts = string_list()
    consent = JSONAttribute()  # {"granted", "at", "source", "text"}
    status = UnicodeAttribute()  # waiting | booked | left | removed
    waiting_since = UTCDateTimeAttribute(null=True)
    joined_at = UTCDateTimeAttribute()
    ends_at = UTCDateTimeAttribute()  # the end of the last day it asked for
    closed_at = UTCDateTimeAttribute(null=True)
    appointment_id = UnicodeAttribute(null=True)
    offers = NumberAttribute(default=0)
    last_offer_at = UTCDateTimeAttribute(null=True)
    version = VersionAttribute()


class WaitlistPhone(Entity, discriminator="WaitlistPhone"):
    """One waiting entry per phone and service: claimed in the entry's transaction, freed when it closes."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "WLPHONE#{phone_hash}#{service_id}"}

    salon_id = UnicodeAttribute()
    phone_hash = UnicodeAttribute()
    service_id = UnicodeAttribute()
    entry_id = UnicodeAttribute()


class Opening(Entity, discriminator="Opening"):
    """A freed time (a cancelled visit's, a moved visit's old one) offered from the waitlist in rounds:
    ``round_number`` counts them, ``offered`` lists every entry offered it so far, ``hold_until`` is when the
    current round's offers end. ``status``: open, taken (booked through an offer), lapsed (no one
    took it, or the time went)."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "OPENING#{opening_id}"}

    salon_id = UnicodeAttribute()
    opening_id = UnicodeAttribute()
    cause = UnicodeAttribute()  # the visit event that freed it
    staff_id = UnicodeAttribute()
    start = UTCDateTimeAttribute()
    end = UTCDateTimeAttribute()
    status = UnicodeAttribute()
    round_number = NumberAttribute(default=0)
    current = string_list()  # the entries offered it in the current round
    offered = string_list()
    hold_until = UTCDateTimeAttribute(null=True)
    taken_by = UnicodeAttribute(null=True)  # the offer that booked it
    appointment_id = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()


class WaitlistOffer(Entity, discriminator="WaitlistOffer"):
    """One freed time offered to one entry, in one round; its id is derived from both, so a round
    planned twice makes one offer. What the offer page shows is copied here."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "WLOFFER#{offer_id}"}

    salon_id = UnicodeAttribute()
    offer_id = UnicodeAttribute()
    opening_id = UnicodeAttribute()
    entry_id = UnicodeAttribute()
    round_number = NumberAttribute()
    service_id = UnicodeAttribute()
    staff_id = UnicodeAttribute()
    start = UTCDateTimeAttribute()
    end = UTCDateTimeAttribute()
    hold_until = UTCDateTimeAttribute()
    client_name = UnicodeAttribute()
    status = UnicodeAttribute()  # open | booked
    appointment_id = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()


class WaitlistDay(Entity, discriminator="WaitlistDay"):
    """The offers one phone got on one local day: a set the cap is counted on (adding an offer
    again changes nothing, so a round planned twice counts once)."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "WLDAY#{day}#{phone_hash}"}

    salon_id = UnicodeAttribute()
    day = UnicodeAttribute()
    phone_hash = UnicodeAttribute()
    offers = UnicodeSetAttribute(null=True)
