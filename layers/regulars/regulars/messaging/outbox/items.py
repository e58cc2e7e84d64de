"""Messages in the outbox, the provider ids that lead back to them, the SMS parts a day, what a
campaign's messages cost."""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from regulars.store.base import Entity, string_list

MESSAGES = "MSG#"  # a client's messages, in time order


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
        "gsi3pk": "SALON#{salon_id}#CLIENT#{client_id}",
        "gsi3sk": MESSAGES + "{created_at}#{message_id}",
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
    whatsapp_template = JSONAttribute(
        null=True
    )  # {"name", "language", "body_parameters", "quick_reply_payloads"}
    status = UnicodeAttribute(default="planned")
    skip_reason = UnicodeAttribute(null=True)
    route = NumberAttribute(default=0)  # how many times a channel was chosen (a fallback adds one)
    failed_channels = string_list()
    attempts = NumberAttribute(default=0)  # provider calls begun, over all channels, but throttled ones
    throttled = NumberAttribute(null=True)  # provider calls answered "too many requests"
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


class SmsDay(Entity, discriminator="SmsDay"):
    """The SMS parts a salon sent on one day (the salon's local date): the daily budget's count."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "SMSDAY#{day}"}

    salon_id = UnicodeAttribute()
    day = UnicodeAttribute()
    parts = NumberAttribute(default=0)
    noticed_at = UTCDateTimeAttribute(null=True)  # when the owner was told the day's budget was spent


class CampaignSends(Entity, discriminator="CampaignSends"):
    """What a campaign's messages cost: how many were sent and what the providers charged, moved with
    ADD once per message sent, in the analytics' transaction that counts the message (from the stream
    record of its ``sent`` change)."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "CAMPAIGNSENDS#{campaign_id}"}

    salon_id = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    messages = NumberAttribute(default=0)
    cost_micros = NumberAttribute(default=0)  # micros of the provider's currency
