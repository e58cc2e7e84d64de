"""The table's entities and the access patterns each one serves.

Every item that belongs to a salon carries the salon in its partition key. Keys come only from
the templates in ``__keys__``; a renamed field cannot leave a stale key behind.

Access patterns
---------------
| # | pattern                                         | how                                              |
|---|-------------------------------------------------|--------------------------------------------------|
| 1 | a salon's catalog (profile, services, staff)    | Query PK=SALON#{salon}, SK begins_with CATALOG#  |
| 2 | one service / staff member / client / visit     | GetItem PK=SALON#{salon}, SK=<TYPE>#{id}         |
| 3 | client by phone (and: one phone per salon)      | GetItem PK=SALON#{salon}, SK=PHONE#{e164}        |
| 4 | clients by name prefix                          | Query GSI1 PK=SALON#{salon}#CLIENTS, SK begins_with {name} |
| 5 | a staff member's book for a period              | Query GSI1 PK=SALON#{salon}#STAFF#{staff}, SK between APPT#{from} and APPT#{to} |
| 6 | a client's visits, newest first                 | Query GSI2 PK=SALON#{salon}#CLIENT#{client}, SK begins_with APPT# |
| 7 | no two visits of one staff member overlap       | TransactWrite puts SlotLock PK=SALON#{salon}#LOCK#{staff}, SK={minute} with attribute_not_exists |
| 8 | an Idempotency-Key's stored answer              | GetItem PK=SALON#{salon}, SK=IDEMPOTENCY#{scope}#{key} |
| 9 | an event applied exactly once                   | Put ProcessedEvent PK=SALON#{salon}, SK=EVENT#{event_id} with attribute_not_exists, in the same transaction as its effect |
| 10 | the jobs due up to now (the ticker)            | Query GSI1 PK=DUE#{hour}#{shard}, SK between {watermark} and {now} (pending only: sparse) |
| 11 | a subject's jobs (an appointment's reminders)  | Query GSI2 PK=SALON#{salon}#SUBJECT#{subject} |
| 12 | the ticker's watermark                         | GetItem PK=SYSTEM#TICKER, SK=WATERMARK |
| 13 | a message planned once per cause               | Put Message PK=SALON#{salon}, SK=MSG#{id derived from the cause} with attribute_not_exists |
| 14 | a client's messages, newest first              | Query GSI2 PK=SALON#{salon}#CLIENT#{client}, SK begins_with MSG# |
| 15 | the message a provider's id belongs to (a status, a button pressed under it) | GetItem PK=PROVIDER#{channel}#{provider id}, SK=MESSAGE |
| 16 | who an in-bound address is (a phone, a Telegram chat), in every salon | Query PK=CONTACT#{channel}#{address} |
| 17 | the client a Telegram deep link stands for      | GetItem PK=TGLINK#{token}, SK=LINK |
| 18 | an in-bound event handled once                  | Put PK=INBOUND#{channel}#{event id}, SK=EVENT with attribute_not_exists |
| 19 | a client's bonus balance and tier               | GetItem PK=SALON#{salon}, SK=LOYALTY#{client} |
| 20 | a client's lots (what a redemption spends)      | Query PK=SALON#{salon}, SK begins_with LOT#{client}# |
| 21 | the salon's open lots by expiry (liability, what burns soon) | Query GSI1 PK=SALON#{salon}#LOTS, SK between {from} and {to} (open lots only: sparse) |
| 22 | an accrual, redemption, expiry or reversal once per source | Put LedgerEntry PK=SALON#{salon}, SK=LEDGER#{client}#{source key} with attribute_not_exists |
| 23 | a client's ledger, newest first                 | Query GSI2 PK=SALON#{salon}#CLIENT#{client}, SK begins_with LEDGER# |
| 24 | the client behind a referral code               | GetItem PK=SALON#{salon}, SK=REFERRAL#{code} |
| 25 | one feedback per visit                          | Put Feedback PK=SALON#{salon}, SK=FEEDBACK#{visit} with attribute_not_exists |
| 26 | the feedback inbox, newest first                | Query GSI1 PK=SALON#{salon}#FEEDBACK |
| 27 | follow-up tasks, open ones first                | Query GSI1 PK=SALON#{salon}#TASKS, SK begins_with {status}# |
| 28 | clients in a lifecycle status, latest first (never assessed: "new" since created; none once erased) | Query GSI2 PK=SALON#{salon}#LIFECYCLE#{status} |
| 29 | a client's whole history (visits, messages, ledger, feedback, tasks, defections, referral codes, Telegram links) | Query GSI2 PK=SALON#{salon}#CLIENT#{client} |
| 30 | one defection per cause                         | Put Defection PK=SALON#{salon}, SK=DEFECTION#{id derived from the cause} with attribute_not_exists |
| 31 | the salon's defections, newest first            | Query GSI1 PK=SALON#{salon}#DEFECTIONS, SK between {from} and {to} |
| 32 | defection counts by month and dimension         | Query PK=SALON#{salon}, SK between DEFSTATS#{from month} and DEFSTATS#{to month}~ (ADD in the defection's transaction) |
| 33 | the salon's audit trail, newest first           | Query PK=SALON#{salon}, SK between AUDIT#{from} and AUDIT#{to}~ |
| 34 | the idempotency answers a client's data may be in (erasure) | Query PK=SALON#{salon}, SK begins_with IDEMPOTENCY# (a day's worth: they expire) |
| 35 | messages to others that speak of a client (staff notices, alerts) | Query GSI1 PK=SALON#{salon}#ABOUT#{client} (sparse) |
| 36 | a salon's segments and campaigns               | Query PK=SALON#{salon}, SK begins_with SEGMENT# / CAMPAIGN# |
| 37 | a client's campaign memberships (attribution)   | Query PK=SALON#{salon}, SK begins_with MEMBER#{client}# |
| 38 | a campaign's members by group                   | Query GSI1 PK=SALON#{salon}#CAMPAIGN#{campaign}, SK begins_with {group}# |
| 39 | a campaign's figures per group                  | Query PK=SALON#{salon}, SK begins_with CAMPAIGNSTATS#{campaign}# (ADD with each member's change) |
| 40 | a salon's clients and bonus accounts (a segment's population) | Query PK=SALON#{salon}, SK begins_with CLIENT# / LOYALTY# (pages) |
| 41 | a salon's figures for a range of months (analytics) | Query PK=SALON#{salon}, SK between STATS#{from month} and STATS#{to month}~ (ADD once per event, marker in the same transaction) |
| 42 | once-only facts behind distinct counts (a client's first visit of a month, their cohort, a visit rebooked) | Put ProcessedEvent PK=SALON#{salon}, SK=EVENT#analytics:{fact} with attribute_not_exists, with the ADD |
| 43 | the salon's latest analytics snapshot (lifecycle, value groups, top clients, bonus liability) | GetItem PK=SALON#{salon}, SK=ANALYTICS#SNAPSHOT (written by the nightly job) |
| 44 | the signed-in user's membership and role (every admin request) | GetItem PK=SALON#{salon}, SK=TEAM#{user sub} (consistent) |
| 45 | a salon's team                                  | Query PK=SALON#{salon}, SK begins_with TEAM# |
| 46 | how often an anonymous caller, a phone or the salon did a costly thing in a window (a limit) | UpdateItem PK=SALON#{salon}, SK=RATE#{limit}#{window}#{subject hash}: ADD under a condition, TTL after the window |
| 47 | a one-time code sent to a phone, and its attempts | GetItem / UpdateItem PK=SALON#{salon}, SK=PHONECHECK#{check} (TTL) |
| 48 | the SMS parts a salon sent on a day (its daily budget) | UpdateItem PK=SALON#{salon}, SK=SMSDAY#{date}: ADD, conditional for non-essential messages (TTL) |
"""

from __future__ import annotations

import zlib
from datetime import datetime

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)

from regulars.store.base import Entity, format_hour


def _strings() -> ListAttribute[str]:
    """A list of strings. PynamoDB's signature wants ``of`` to be the element's value type (str), not
    the attribute class it really takes, so the call is typed by its result."""
    return ListAttribute(of=UnicodeAttribute, default=list)  # type: ignore[arg-type]


# Sort-key prefixes that queries range over; the key templates below are built from them.
CATALOG = "CATALOG#"  # a salon's profile, services and staff share it: one Query reads them all
APPOINTMENTS = "APPT#"  # a staff member's or a client's visits, in time order
JOBS = "JOB#"  # a subject's jobs
MESSAGES = "MSG#"  # a client's messages, in time order
LOTS = "LOT#"  # a client's bonus lots
LEDGER = "LEDGER#"  # a client's ledger entries, in time order


class Salon(Entity, discriminator="Salon"):
    __keys__ = {"pk": "SALON#{salon_id}", "sk": CATALOG + "SALON"}

    salon_id = UnicodeAttribute()
    name = UnicodeAttribute()
    timezone = UnicodeAttribute()
    currency = UnicodeAttribute()
    locale = UnicodeAttribute()
    country = UnicodeAttribute()
    settings = JSONAttribute(default=dict)
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
    service_ids = _strings()
    active = BooleanAttribute(default=True)
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
    version = VersionAttribute()


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


class Appointment(Entity, discriminator="Appointment"):
    __keys__ = {
        "pk": "SALON#{salon_id}",
        "sk": APPOINTMENTS + "{appointment_id}",
        "gsi1pk": "SALON#{salon_id}#STAFF#{staff_id}",
        "gsi1sk": APPOINTMENTS + "{start}",
        "gsi2pk": "SALON#{salon_id}#CLIENT#{client_id}",
        "gsi2sk": APPOINTMENTS + "{start}",
    }

    salon_id = UnicodeAttribute()
    appointment_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    client_name = UnicodeAttribute(null=True)  # as it was when booked: the day book shows it without a read
    staff_id = UnicodeAttribute()
    service_id = UnicodeAttribute()
    start = UTCDateTimeAttribute()
    end = UTCDateTimeAttribute()
    status = UnicodeAttribute()
    price_amount = NumberAttribute()
    currency = UnicodeAttribute()
    paid_amount = NumberAttribute(null=True)
    bonus_amount = NumberAttribute(null=True)
    refunded_at = UTCDateTimeAttribute(null=True)
    source = UnicodeAttribute()
    late_cancellation = BooleanAttribute(default=False)
    cancel_reason = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    # [{"at": iso, "action": "booked|moved|confirmed|cancelled|completed|no_show", "by": "...", ...}]
    history = JSONAttribute(default=list)
    version = VersionAttribute()


class SlotLock(Entity, discriminator="SlotLock"):
    """One per staff member and 5-minute cell a visit occupies. Written with attribute_not_exists in
    the booking's own transaction, so two overlapping visits cannot both commit. Expires by TTL a
    day after the cell has passed."""

    __keys__ = {"pk": "SALON#{salon_id}#LOCK#{staff_id}", "sk": "{minute}"}

    salon_id = UnicodeAttribute()
    staff_id = UnicodeAttribute()
    minute = UTCDateTimeAttribute()
    appointment_id = UnicodeAttribute()


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


JOB_SHARDS = 8  # a due minute's jobs spread over this many index partitions


class Job(Entity, discriminator="Job"):
    """Something to do at a moment: a reminder, a confirmation request, an expiry, a lapse check.

    While pending, a job sits in GSI1 under its due hour and shard (``DUE#2026-11-23T10#3``),
    sorted by due time, so the ticker reads only what is due (a range of the sort key); once
    queued, done or cancelled its index keys are gone (the bucket is derived from the status). GSI2 finds a subject's jobs (an appointment's
    reminders) to cancel them when the subject changes.
    """

    __keys__ = {
        "pk": "SALON#{salon_id}",
        "sk": JOBS + "{job_id}",
        "gsi1pk": "DUE#{due_bucket}",
        "gsi1sk": "{due_at}#{salon_id}#{job_id}",
        "gsi2pk": "SALON#{salon_id}#SUBJECT#{subject}",
        "gsi2sk": JOBS + "{job_id}",
    }

    salon_id = UnicodeAttribute()
    job_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    subject = UnicodeAttribute()
    due_at = UTCDateTimeAttribute()
    status = UnicodeAttribute(default="pending")  # pending -> queued -> done | skipped | cancelled
    payload = JSONAttribute(default=dict)
    attempts = NumberAttribute(default=0)
    outcome = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()

    @property
    def shard(self) -> int:
        return zlib.crc32(f"{self.salon_id}#{self.job_id}".encode()) % JOB_SHARDS

    @property
    def due_bucket(self) -> str | None:
        if self.status != "pending" or self.due_at is None:
            return None
        return f"{format_hour(self.due_at)}#{self.shard}"


class TickerWatermark(Entity, discriminator="TickerWatermark"):
    """The last minute whose due jobs have all been moved to the queue (a system item: the ticker
    is the one sweep that reads across salons)."""

    __keys__ = {"pk": "SYSTEM#TICKER", "sk": "WATERMARK"}

    minute = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()


class Message(Entity, discriminator="Message"):
    """One message in the outbox: what, to whom, why (purpose), and what became of it.

    Its id is derived from what caused it (the reminder job, the event), so a cause delivered twice
    plans one message. Status: planned -> queued -> sending -> sent -> delivered | failed |
    skipped (with a reason)."""

    __keys__ = {
        "pk": "SALON#{salon_id}",
        "sk": MESSAGES + "{message_id}",
        "gsi1pk": "SALON#{salon_id}#ABOUT#{about_client_id}",
        "gsi1sk": MESSAGES + "{created_at}#{message_id}",
        "gsi2pk": "SALON#{salon_id}#CLIENT#{client_id}",
        "gsi2sk": MESSAGES + "{created_at}#{message_id}",
    }

    salon_id = UnicodeAttribute()
    message_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # reminder, reminder_with_confirmation, appointment_booked, ...
    purpose = UnicodeAttribute()  # transactional | marketing
    recipient = UnicodeAttribute()  # client | staff
    client_id = UnicodeAttribute(null=True)
    # the client a message to someone else speaks of (a staff member's notice of a booking, a manager's
    # alert): what an erasure must find besides the client's own messages
    about_client_id = UnicodeAttribute(null=True)
    campaign_id = UnicodeAttribute(null=True)  # the campaign it belongs to: its cost is the campaign's
    staff_id = UnicodeAttribute(null=True)
    appointment_id = UnicodeAttribute(null=True)
    locale = UnicodeAttribute(null=True)
    values = JSONAttribute(default=dict)  # what the text is rendered from
    text = UnicodeAttribute(null=True)
    channel = UnicodeAttribute(null=True)
    address = UnicodeAttribute(null=True)  # the channel's: E.164 phone, Telegram chat id, push endpoint
    buttons = JSONAttribute(null=True)  # [{"text": ..., "data": ...}]
    whatsapp_template = JSONAttribute(null=True)  # {"name", "language", "body_parameters", "quick_reply_payloads"}
    status = UnicodeAttribute(default="planned")
    skip_reason = UnicodeAttribute(null=True)
    route = NumberAttribute(default=0)  # how many times a channel was chosen (a fallback adds one)
    failed_channels = _strings()
    attempts = NumberAttribute(default=0)  # provider calls begun, over all channels
    retry_at = UTCDateTimeAttribute(null=True)
    error = UnicodeAttribute(null=True)  # the last failure, in words
    sent_at = UTCDateTimeAttribute(null=True)
    delivered_at = UTCDateTimeAttribute(null=True)
    provider_id = UnicodeAttribute(null=True)
    segments = NumberAttribute(null=True)
    cost_amount = NumberAttribute(null=True)  # minor units of cost_currency
    cost_currency = UnicodeAttribute(null=True)
    not_before = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()


class ProviderMessage(Entity, discriminator="ProviderMessage"):
    """A provider's id for a message we sent, so what comes back under it (a delivery status, a
    button pressed, a reply) finds the message, its salon and its visit. Kept 90 days."""

    __keys__ = {"pk": "PROVIDER#{channel}#{provider_id}", "sk": "MESSAGE"}

    channel = UnicodeAttribute()
    provider_id = UnicodeAttribute()
    salon_id = UnicodeAttribute()
    message_id = UnicodeAttribute()


class Contact(Entity, discriminator="Contact"):
    """An in-bound address (a phone, a Telegram chat) known to one salon as one client. A STOP
    from the address reaches every salon that wrote to it; a YES answers the last request."""

    __keys__ = {"pk": "CONTACT#{channel}#{address}", "sk": "SALON#{salon_id}"}

    channel = UnicodeAttribute()
    address = UnicodeAttribute()
    salon_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    last_message_id = UnicodeAttribute(null=True)
    updated_at = UTCDateTimeAttribute()


class TelegramLink(Entity, discriminator="TelegramLink"):
    """The opaque token of a deep link ``t.me/<bot>?start=<token>``: the client it links a chat to.
    Filed under the client too, so an erasure finds it whatever key made the token."""

    __keys__ = {"pk": "TGLINK#{token}", "sk": "LINK", "gsi2pk": "SALON#{salon_id}#CLIENT#{client_id}",
                "gsi2sk": "TGLINK#{token}"}

    token = UnicodeAttribute()
    salon_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    chat_id = NumberAttribute(null=True)  # the chat that redeemed it: only that chat may redeem it again


class InboundEvent(Entity, discriminator="InboundEvent"):
    """An update a provider delivered (at least once), recorded once it was acted on, so a redelivery
    is answered without acting again (and a failed act is not recorded: the retry acts)."""

    __keys__ = {"pk": "INBOUND#{channel}#{event_id}", "sk": "EVENT"}

    channel = UnicodeAttribute()
    event_id = UnicodeAttribute()
    received_at = UTCDateTimeAttribute()


class LoyaltyAccount(Entity, discriminator="LoyaltyAccount"):
    """A client's bonus balance: changed only with ADD in the same transaction as the ledger entry
    that explains it, under a condition that it never goes below zero. The sum of the remaining
    amounts of the client's lots that have not been written off."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "LOYALTY#{client_id}"}

    salon_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    balance = NumberAttribute(default=0)
    tier = UnicodeAttribute(null=True)
    visits_12m = NumberAttribute(default=0)
    spend_12m = NumberAttribute(default=0)
    updated_at = UTCDateTimeAttribute(null=True)


class Lot(Entity, discriminator="Lot"):
    """One accrual: what is left of it and when it burns. Open lots are in the salon's expiry index."""

    __keys__ = {
        "pk": "SALON#{salon_id}",
        "sk": LOTS + "{client_id}#{lot_id}",
        "gsi1pk": "SALON#{salon_id}#LOTS",
        "gsi1sk": "{open_until}#{client_id}#{lot_id}",
    }

    salon_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    lot_id = UnicodeAttribute()
    amount = NumberAttribute()
    remaining = NumberAttribute()
    expires_at = UTCDateTimeAttribute()
    source = UnicodeAttribute()  # visit | birthday | referral | campaign | manual
    source_id = UnicodeAttribute()
    status = UnicodeAttribute(default="open")  # open | spent | expired | reversed
    created_at = UTCDateTimeAttribute()

    @property
    def open_until(self) -> datetime | None:
        return self.expires_at if self.status == "open" and (self.remaining or 0) > 0 else None


class LedgerEntry(Entity, discriminator="LedgerEntry"):
    """One movement of a client's bonus: accrual, redemption, expiry, reversal, adjustment. Its key
    is its source (``accrual:visit:<visit>``), so a source moves the balance once."""

    __keys__ = {
        "pk": "SALON#{salon_id}",
        "sk": LEDGER + "{client_id}#{entry_id}",
        "gsi2pk": "SALON#{salon_id}#CLIENT#{client_id}",
        "gsi2sk": LEDGER + "{created_at}#{entry_id}",
    }

    salon_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    entry_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # accrual | redemption | expiry | reversal | adjustment
    amount = NumberAttribute()  # signed: what the balance moved by
    lots = JSONAttribute(default=list)  # [{"lot_id": ..., "amount": ...}] taken from or given to
    source = UnicodeAttribute()
    source_id = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()


class ReferralCode(Entity, discriminator="ReferralCode"):
    """A client's referral code. Filed under the client too, so an erasure finds it whatever key made it."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "REFERRAL#{code}", "gsi2pk": "SALON#{salon_id}#CLIENT#{client_id}",
                "gsi2sk": "REFERRAL#{code}"}

    salon_id = UnicodeAttribute()
    code = UnicodeAttribute()
    client_id = UnicodeAttribute()


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


DEFECTION_TYPES = ("no_show", "late_cancellation", "cancelled_not_rebooked", "lapsed", "lost")
DEFECTION_REASONS = ("price", "quality", "staff", "moved_away", "schedule", "other")


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
    the attribution window (kept by the stream, exactly once per event)."""

    __keys__ = {
        "pk": "SALON#{salon_id}",
        "sk": "MEMBER#{client_id}#{campaign_id}",
        "gsi1pk": "SALON#{salon_id}#CAMPAIGN#{campaign_id}",
        "gsi1sk": "{group}#{client_id}",
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
    """One group's sums over its members (each figure and its square, for the confidence interval),
    and the cost of the messages sent: moved with ADD in the transaction that changes a member."""

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
    messages_sent = NumberAttribute(default=0)
    message_cost = NumberAttribute(default=0)  # micros of the provider's currency


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


class RateCount(Entity, discriminator="RateCount"):
    """How many times a subject (an address, a phone, the salon itself: hashed, never stored as
    given) did one limited thing in one window. Moved with ADD under the condition that the count
    is below the limit, so concurrent callers cannot pass it together; gone by TTL after the window."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "RATE#{limit}#{window}#{subject}"}

    salon_id = UnicodeAttribute()
    limit = UnicodeAttribute()  # the setting's name: bookings_per_address_hour, ...
    window = UnicodeAttribute()  # the window's start, UTC (2026-11-23T10 for an hour, 2026-11-23 for a day)
    subject = UnicodeAttribute()
    # the stored name: it shadows Model.count (a query's count), which no code calls on this entity
    count = NumberAttribute(default=0)  # type: ignore[assignment]


class PhoneCheck(Entity, discriminator="PhoneCheck"):
    """A one-time code sent to a phone to prove that whoever books holds it: the phone and the code
    kept as keyed hashes, wrong answers counted up to a limit, used once, gone by TTL after it expires."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "PHONECHECK#{check_id}"}

    salon_id = UnicodeAttribute()
    check_id = UnicodeAttribute()
    phone_hash = UnicodeAttribute()  # keyed: the answer names the phone again, and nothing here is personal
    code_hash = UnicodeAttribute()
    attempts = NumberAttribute(default=0)
    expires_at = UTCDateTimeAttribute()
    proved_at = UTCDateTimeAttribute(null=True)
    created_at = UTCDateTimeAttribute()


class SmsDay(Entity, discriminator="SmsDay"):
    """The SMS parts a salon sent on one day (the salon's local date): the daily budget's count."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "SMSDAY#{day}"}

    salon_id = UnicodeAttribute()
    day = UnicodeAttribute()
    parts = NumberAttribute(default=0)


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
