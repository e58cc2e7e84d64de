"""The short links' items: a code and the link it stands for; misses counted per address."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute

from regulars.store.base import Entity


class ShortLink(Entity, discriminator="ShortLink"):
    """``/s/{code}`` stands for ``target`` until ``valid_until`` (the link's own expiry); the item
    stays 30 days longer (TTL), so an expired code is told apart from one that never was."""

    __keys__ = {"pk": "SHORT#{code}", "sk": "LINK"}

    code = UnicodeAttribute()
    target = UnicodeAttribute()
    valid_until = UTCDateTimeAttribute()
    created_at = UTCDateTimeAttribute()


class ShortLinkMisses(Entity, discriminator="ShortLinkMisses"):
    """Unknown codes asked for from one address (a keyed hash of it) in one hour; gone by TTL."""

    __keys__ = {"pk": "SHORTMISS#{subject}", "sk": "{window}"}

    subject = UnicodeAttribute()
    window = UnicodeAttribute()
    misses = NumberAttribute(default=0)
