"""What clients send back: replies, button presses, opt-outs, and the providers' delivery statuses.

Every channel comes down to a few acts, each idempotent (providers deliver at least once):

- **stop**: marketing off everywhere, the channel off for visit messages (routing.opt_out), in
  every salon that knows the address, at once; marketing planned but not yet sent is skipped;
- **start**: the channel on again (routing.opt_in);
- **confirm** / **cancel** the visit a message asked about: the message replied to (a button
  under it, a reply quoting it), else the last confirmation request sent to the address;
- a **status** (delivered, failed) updates the message; a permanent failure reported late sends it
  on the next channel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from regulars.clients import repo as client_store
from regulars.clients.model import Client
from regulars.core.appointments import Appointment
from regulars.core.errors import DomainError
from regulars.messaging.channels import capabilities
from regulars.messaging.contacts import repo as contact_book
from regulars.messaging.contacts.repo import KnownAddress
from regulars.messaging.inbound import repo as store
from regulars.messaging.inbound.replies import say
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.outbox import sender
from regulars.messaging.outbox.model import MessageRecord
from regulars.messaging.rules.keywords import Reply, classify
from regulars.messaging.rules.routing import Channel, opt_in, opt_out
from regulars.messaging.rules.templates import ANSWERED_BY_REPLY


@dataclass(frozen=True)
class Answer:
    act: str  # stop | start | confirm | cancel | none
    text: str  # what to tell the client, where the channel answers for free (Telegram)


def once[T](channel: Channel, event_id: str | None, now: datetime, act: Callable[[], T]) -> T | None:
    """Act on an in-bound event (a Telegram update, a WhatsApp or SMS message id) unless it was acted
    on before (then None). The event is recorded as handled only after the act is done, so an act that
    failed is left to the provider's retry (every act is idempotent). An event without an id is acted on."""
    if event_id and store.handled(channel.value, event_id):
        return None
    done = act()
    if event_id:
        store.record_handled(channel.value, event_id, now)
    return done


def _sent(channel: Channel, provider_id: str | None, address: str | None = None) -> MessageRecord | None:
    """The message we sent that the provider knows by ``provider_id`` (on a channel that numbers its
    messages per chat, in the chat at ``address``)."""
    if not provider_id:
        return None
    return outbox.sent_as(channel.value, outbox.provider_key(channel.value, address, provider_id))


def _without_times(consents: dict) -> dict:
    return {
        k: {f: v for f, v in record.items() if f != "at"} if isinstance(record, dict) else record
        for k, record in consents.items()
    }


def _apply_consent(contact: KnownAddress, channel: Channel, reply: Reply, text: str, now: datetime) -> None:
    record = {"at": now.isoformat(), "source": channel.value, "text": text}

    def change(client: Client) -> dict:
        fn = opt_out if reply is Reply.STOP else opt_in
        after = fn(client.consents, channel, **record)
        if _without_times(after) == _without_times(client.consents):
            return {}  # the same words again (a redelivery, a retry): the first one's evidence stands
        return {"consents": after}

    client_store.modify(contact.salon_id, contact.client_id, change)
    if reply is Reply.STOP:
        outbox.skip_marketing(contact.salon_id, contact.client_id, now)


def _visit_act(
    message: MessageRecord | None, reply: Reply, channel: Channel, now: datetime, language: str | None
) -> Answer:
    if message is None or not message.appointment_id:
        return Answer("none", say("no_visit", language))
    language = message.locale or language
    by = f"client:{channel.value}"
    # the booking use cases (slots, locks, the salon's rules) load with the first button pressed: most
    # of what a webhook receives is delivery statuses
    from regulars.booking import service as booking
    from regulars.salon import repo as catalog_store

    try:
        if reply is Reply.CONFIRM:
            booking.confirm(message.salon_id, message.appointment_id, now=now, by=by)
            return Answer("confirm", say("confirmed", language))
        rules = catalog_store.load_catalog(
            message.salon_id, max_age=catalog_store.RULES_MAX_AGE
        ).salon.settings
        booking.cancel(
            message.salon_id,
            message.appointment_id,
            now=now,
            by=by,
            reason=f"replied on {channel.value}",
            notice_hours=rules.client_cancel_notice_hours,
        )
        return Answer("cancel", say("cancelled", language))
    except DomainError as exc:
        return Answer("none", say("too_late" if exc.code == "too_late" else "not_possible", language))


def _last_request(contacts: list[KnownAddress]) -> MessageRecord | None:
    """The last confirmation request sent to the address, in any salon."""
    for contact in sorted(contacts, key=lambda c: c.updated_at, reverse=True):
        if contact.last_message_id:
            message = outbox.get(contact.salon_id, contact.last_message_id)
            if message is not None and message.kind in ANSWERED_BY_REPLY:
                return message
    return None


def reply(
    channel: Channel,
    address: str,
    text: str,
    now: datetime,
    *,
    replied_to: str | None = None,
    language: str | None = None,
) -> Answer:
    """A text from ``address`` on ``channel`` (``replied_to``: the provider's id of the message it
    quotes; ``language``: the client's, where the channel says)."""
    intent = classify(text)
    contacts = contact_book.contacts(channel.value, address)
    if intent in (Reply.STOP, Reply.START):
        for contact in contacts:
            _apply_consent(contact, channel, intent, text, now)
        return Answer(intent.value, say("stopped" if intent is Reply.STOP else "started", language))
    if intent in (Reply.CONFIRM, Reply.CANCEL):
        return _visit_act(
            _sent(channel, replied_to) or _last_request(contacts), intent, channel, now, language
        )
    from regulars.retention import defections  # loaded by the first text that is not a keyword

    for contact in contacts:  # a message for a person; it may say why the client stayed away
        defections.from_reply(contact.salon_id, contact.client_id, text, now)
    return Answer("none", "")


def button(
    channel: Channel,
    data: str,
    under: str | None,
    now: datetime,
    language: str | None = None,
    *,
    chat: str | None = None,
) -> Answer:
    """A button pressed under a message we sent (``under``: the provider's id of it, ``chat``: the chat
    it is in where the provider numbers messages per chat): ``confirm:<visit>`` or ``cancel:<visit>``."""
    message = _sent(channel, under, chat)
    action, _, appointment_id = data.partition(":")
    if message is None or (appointment_id and message.appointment_id != appointment_id):
        return Answer("none", say("expired", language))
    if action == "confirm":
        return _visit_act(message, Reply.CONFIRM, channel, now, language)
    if action == "cancel":
        return _visit_act(message, Reply.CANCEL, channel, now, language)
    return Answer("none", "")


def status(
    channel: Channel,
    provider_id: str,
    state: str,
    at: datetime,
    now: datetime,
    failure: Exception | None = None,
) -> str:
    """A provider's delivery status for a message we sent."""
    return sender.on_status(channel, provider_id, state, at, now, failure, visit_of=_visit)


def _visit(salon_id: str, appointment_id: str) -> Appointment | None:
    """The visit a failed message was about (it is routed again only while the visit stands)."""
    from regulars.booking import repo as visits  # read only when a message failed

    return visits.find(salon_id, appointment_id)


def whatsapp_window_opened(phone: str, now: datetime) -> int:
    """The client wrote on WhatsApp: the 24-hour window is open, and WhatsApp now reaches them
    (they chose to talk to the salon there). Found by the phone's contacts on every channel that
    is addressed by phone (WhatsApp, SMS)."""
    known = {
        (c.salon_id, c.client_id)
        for can in capabilities.CAPABILITIES.values()
        if can.by_phone and can.inbound
        for c in contact_book.contacts(can.channel.value, phone)
    }
    for salon_id, client_id in known:

        def change(client: Client) -> dict:
            channels = {k: dict(v) for k, v in client.channels.items()}
            info = channels.setdefault(Channel.WHATSAPP.value, {})
            info.setdefault("opted_in_at", now.isoformat())
            info["last_inbound_at"] = now.isoformat()
            info.pop("unreachable", None)
            return {"channels": channels}

        client_store.modify(salon_id, client_id, change)
        contact_book.remember_contact(Channel.WHATSAPP.value, phone, salon_id, client_id, now)
    return len(known)
