"""The salon, its services and staff in the table (one Query reads them all: the CATALOG# prefix)."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)

from regulars.store.base import Entity, string_list

# Sort-key prefixes that queries range over; the key templates below are built from them.
CATALOG = "CATALOG#"  # a salon's profile, services and staff share it: one Query reads them all


class Salon(Entity, discriminator="Salon"):
    __keys__ = {"pk": "SALON#{salon_id}", "sk": CATALOG + "SALON"}

    salon_id = UnicodeAttribute()
    name = UnicodeAttribute()
    timezone = UnicodeAttribute()
    currency = UnicodeAttribute()
    locale = UnicodeAttribute()
    country = UnicodeAttribute()
    settings = JSONAttribute(default=dict)
    # shown to clients on the booking page (the public catalog)
    address = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    logo_url = UnicodeAttribute(null=True)
    brand_color = UnicodeAttribute(null=True)
    privacy_url = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    version = VersionAttribute()


class StaffMember(Entity, discriminator="StaffMember"):
    __keys__ = {"pk": "SALON#{salon_id}", "sk": CATALOG + "STAFF#{staff_id}"}

    salon_id = UnicodeAttribute()
    staff_id = UnicodeAttribute()
    name = UnicodeAttribute()
    phone = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    # weekday ("mon".."sun") -> [["09:00", "18:00"], ...]; breaks likewise; days off as ISO dates
    working_hours = JSONAttribute(default=dict)
    breaks = JSONAttribute(default=dict)
    days_off = UnicodeSetAttribute(default=set)
    service_ids = string_list()
    active = BooleanAttribute(default=True)
    title = UnicodeAttribute(null=True)
    photo_url = UnicodeAttribute(null=True)
    version = VersionAttribute()


class Service(Entity, discriminator="Service"):
    __keys__ = {"pk": "SALON#{salon_id}", "sk": CATALOG + "SERVICE#{service_id}"}

    salon_id = UnicodeAttribute()
    service_id = UnicodeAttribute()
    name = UnicodeAttribute()
    duration_minutes = NumberAttribute()
    price_amount = NumberAttribute()
    repeat_interval_days = NumberAttribute(null=True)
    active = BooleanAttribute(default=True)
    description = UnicodeAttribute(null=True)
    category = UnicodeAttribute(null=True)
    version = VersionAttribute()
