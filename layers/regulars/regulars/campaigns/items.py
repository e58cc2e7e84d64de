"""Segments, campaigns, their members and their figures."""

from __future__ import annotations

from pynamodb.attributes import (
    BinaryAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)

from regulars.store.base import Entity


class Segment(Entity, discriminator="Segment"):
    """A saved filter over the salon's clients; its members are found afresh each time it is used."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "SEGMENT#{segment_id}"}

    salon_id = UnicodeAttribute()
    segment_id = UnicodeAttribute()
    name = UnicodeAttribute()
    filter = JSONAttribute(default=dict)
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()


class Campaign(Entity, discriminator="Campaign"):
    """A message to a segment at a moment, with an optional offer, a holdout that gets nothing, and
    an attribution window over which the two groups are compared.
    Status: scheduled -> sending -> sent | cancelled."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "CAMPAIGN#{campaign_id}"}

    salon_id = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    name = UnicodeAttribute()
    kind = UnicodeAttribute()  # new_services | holiday_bonus | personal_offer | early_access | other
    segment_id = UnicodeAttribute(null=True)
    filter = JSONAttribute(default=dict)  # the segment's conditions as they were when it was created
    messages = JSONAttribute(default=dict)  # locale -> text
    offer = JSONAttribute(null=True)  # {"bonus_amount", "bonus_lifetime_days"} or {"text"}
    send_at = UTCDateTimeAttribute()
    holdout_percent = NumberAttribute()
    window_days = NumberAttribute()
    status = UnicodeAttribute(default="scheduled")
    audience = NumberAttribute(default=0)  # in the segment with marketing consent when it started
    sent_group = NumberAttribute(default=0)
    holdout_group = NumberAttribute(default=0)
    batches = NumberAttribute(default=0)
    started_at = UTCDateTimeAttribute(null=True)
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = VersionAttribute()


class CampaignMember(Entity, discriminator="CampaignMember"):
    """A client in a campaign's experiment, in the sent group or the holdout, with what they did in
    the attribution window (kept by the stream, exactly once per event). Read by client only (the
    report sums the campaign's tallies), so it has no index copy: each member written costs one
    write, not two."""

    __keys__ = {
        "pk": "SALON#{salon_id}",
        "sk": "MEMBER#{client_id}#{campaign_id}",
    }

    salon_id = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    group = UnicodeAttribute()  # sent | holdout
    window_start = UTCDateTimeAttribute()
    window_end = UTCDateTimeAttribute()
    bookings = NumberAttribute(default=0)
    visits = NumberAttribute(default=0)
    revenue = NumberAttribute(default=0)
    bonus_spent = NumberAttribute(default=0)
    version = VersionAttribute()


class CampaignTally(Entity, discriminator="CampaignTally"):
    """One group's sums over its members (each figure and its square, for the confidence interval):
    moved with ADD in the transaction that changes a member."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "CAMPAIGNSTATS#{campaign_id}#{group}"}

    salon_id = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    group = UnicodeAttribute()
    bookings = NumberAttribute(default=0)
    bookings_sq = NumberAttribute(default=0)
    visits = NumberAttribute(default=0)
    visits_sq = NumberAttribute(default=0)
    revenue = NumberAttribute(default=0)
    revenue_sq = NumberAttribute(default=0)
    bonus_spent = NumberAttribute(default=0)
    bonus_spent_sq = NumberAttribute(default=0)


class AudienceHead(Entity, discriminator="AudienceHead"):
    """Which packed copy of the salon's client profiles is current, and the moment it was read from
    (the changes seen after it are in the deltas). Written after every chunk of its generation."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "AUDIENCE#HEAD"}

    salon_id = UnicodeAttribute()
    generation = UnicodeAttribute()
    taken_at = UTCDateTimeAttribute()
    chunks = NumberAttribute()
    clients = NumberAttribute()


class AudienceChunk(Entity, discriminator="AudienceChunk"):
    """Many clients' profiles as a segment sees them, packed and compressed (never changed; gone by
    TTL after the next generation replaced it)."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "AUDIENCE#{generation}#{part}"}

    salon_id = UnicodeAttribute()
    generation = UnicodeAttribute()
    part = UnicodeAttribute()  # its number, zero-padded: the chunks sort in client order
    data = BinaryAttribute(legacy_encoding=False)


class AudienceDelta(Entity, discriminator="AudienceDelta"):
    """One client's profile as it was read at ``at``, after a change to the client or their bonus
    account (no ``data``: the client is gone). The newest read wins; gone by TTL after the next
    generation of chunks has it."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "AUDIENCEDELTA#{client_id}"}

    salon_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    at = UTCDateTimeAttribute()
    data = BinaryAttribute(legacy_encoding=False, null=True)
