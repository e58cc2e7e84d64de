"""The outbox: messages planned once per cause, then carried through their states.

``planned -> queued -> sending -> sent -> delivered``, or ``failed`` / ``skipped`` with a reason.
Every change is conditional on the state before it (and a queued message on its route, the count
of channels chosen for it), so a duplicate delivery of a queue message or a stream record finds
the message already moved on and does nothing: a message is handed to a provider at most once
per route.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from regulars.messaging.channels import capabilities
from regulars.messaging.contacts import repo as contacts
from regulars.messaging.outbox.items import MESSAGES, CampaignSends, Message, ProviderMessage, SmsDay
from regulars.messaging.outbox.model import MessageRecord
from regulars.messaging.outbox.model import PlannedMessage as PlannedMessage
from regulars.messaging.rules.templates import ANSWERED_BY_REPLY
from regulars.store.base import GSI3_INCLUDES, Entity, condition_failed, whole

KEEP_PROVIDER_IDS = timedelta(days=90)
OPEN = ("planned", "queued")  # not yet handed to a provider
FINAL = ("sent", "delivered", "failed", "skipped")
# what a client's messages can be picked by before they are read: what their index entries hold
MATCHABLE = frozenset(GSI3_INCLUDES) - {"type"}


def _record(item: Message) -> MessageRecord:
    return MessageRecord(
        salon_id=item.salon_id,
        message_id=item.message_id,
        kind=item.kind,
        purpose=item.purpose,
        recipient=item.recipient,
        created_at=item.created_at,
        client_id=item.client_id,
        about_client_id=item.about_client_id,
        campaign_id=item.campaign_id,
        staff_id=item.staff_id,
        appointment_id=item.appointment_id,
        locale=item.locale,
        values=dict(item.values or {}),
        not_before=item.not_before,
        status=item.status,
        skip_reason=item.skip_reason,
        text=item.text,
        channel=item.channel,
        address=item.address,
        buttons=item.buttons,
        whatsapp_template=item.whatsapp_template,
        route=int(item.route or 0),
        failed_channels=list(item.failed_channels or []),
        retry_at=item.retry_at,
        updated_at=item.updated_at,
        error=item.error,
        attempts=int(item.attempts or 0),
        throttled=int(item.throttled or 0),
        sent_at=item.sent_at,
        delivered_at=item.delivered_at,
        segments=int(item.segments) if item.segments is not None else None,
        cost_amount=int(item.cost_amount) if item.cost_amount is not None else None,
        cost_currency=item.cost_currency,
    )


def _new_item(message: PlannedMessage, **fields: Any) -> Message:
    """A message's item as its cause planned it; ``fields`` set or replace what routing decides."""
    planned: dict[str, Any] = {
        "salon_id": message.salon_id,
        "message_id": message.message_id,
        "kind": message.kind,
        "purpose": message.purpose,
        "recipient": message.recipient,
        "client_id": message.client_id,
        "about_client_id": message.about_client_id,
        "campaign_id": message.campaign_id,
        "staff_id": message.staff_id,
        "appointment_id": message.appointment_id,
        "locale": message.locale,
        "values": message.values,
        "created_at": message.created_at,
        "updated_at": message.created_at,
        "expires": message.expires,
    }
    return Message(**(planned | fields))


def plan(message: PlannedMessage) -> bool:
    """Write the message unless its cause has planned it already; True if written now."""
    item = _new_item(
        message,
        not_before=message.not_before,
        status=message.status,
        skip_reason=message.skip_reason,
        text=message.text,
    )
    return item.save_new()


def plan_queued(
    message: PlannedMessage,
    *,
    channel: str,
    address: str,
    text: str,
    locale: str,
    buttons: list[dict] | None,
    values: dict,
    now: datetime,
    whatsapp_template: dict | None = None,
) -> bool:
    """Write the message already routed (``queued`` on ``channel``, route 1) unless its cause has
    planned it already; True if written now. One write where planning and routing make two."""
    item = _new_item(
        message,
        locale=locale,
        values=values,
        text=text,
        channel=channel,
        address=address,
        buttons=buttons or None,
        whatsapp_template=whatsapp_template,
        status="queued",
        route=1,
        updated_at=now,
    )
    return item.save_new()


def from_image(image: dict | None) -> MessageRecord | None:
    """A message from a stream image (DynamoDB JSON), or None for any other entity."""
    item = Entity.from_image(image, Message)
    return _record(item) if item else None


def get(salon_id: str, message_id: str) -> MessageRecord | None:
    item = Message.find(salon_id=salon_id, message_id=message_id, consistent=True)
    return _record(item) if item else None


def get_item(salon_id: str, message_id: str) -> Message | None:
    """The stored message itself (for the tests and tools that look at the table)."""
    return Message.find(salon_id=salon_id, message_id=message_id, consistent=True)


def _items_for_client(
    salon_id: str, client_id: str, *, since: datetime | None = None, limit: int = 100, **match: str
) -> list[Message]:
    """A client's messages, newest first (those created at or after ``since``; with ``match``, those
    whose ``kind``, ``purpose`` or ``appointment_id`` is as given): found in the third index, which holds
    what never changes, then read whole, only those that match."""
    if not match.keys() <= MATCHABLE:
        raise ValueError(f"the index holds {sorted(MATCHABLE)}, not {sorted(match.keys() - MATCHABLE)}")
    hk = Message.render_key("gsi3pk", salon_id=salon_id, client_id=client_id)
    condition: Condition
    if since is None:
        condition = Entity.gsi3sk.startswith(MESSAGES)
    else:
        lower = Message.render_key("gsi3sk", created_at=since, message_id="")
        condition = Entity.gsi3sk.between(lower, MESSAGES + "~")
    stubs = [
        i
        for i in Entity.by_gsi3.query(hk, condition, scan_index_forward=False, limit=limit)
        if isinstance(i, Message) and all(getattr(i, name) == value for name, value in match.items())
    ]
    return [i for i in whole(stubs) if isinstance(i, Message)]


def for_client(
    salon_id: str, client_id: str, *, since: datetime | None = None, limit: int = 100, **match: str
) -> list[MessageRecord]:
    """A client's messages with what became of them, newest first (those created at or after ``since``;
    with ``match``, of that ``kind``, ``purpose`` or ``appointment_id``)."""
    return [_record(i) for i in _items_for_client(salon_id, client_id, since=since, limit=limit, **match)]


# --- transitions -----------------------------------------------------------------------------------
def _update(salon_id: str, message_id: str, actions: list[Action], condition: Condition) -> bool:
    item = Message(salon_id=salon_id, message_id=message_id)
    try:
        item.update(actions=actions, condition=Message.pk.exists() & condition)
    except UpdateError as exc:
        if condition_failed(exc):
            return False
        raise
    return True


def assign(
    item: MessageRecord,
    *,
    channel: str,
    address: str,
    text: str,
    locale: str,
    buttons: list[dict] | None,
    values: dict,
    now: datetime,
    whatsapp_template: dict | None = None,
) -> bool:
    """Route the message: ``planned`` (or ``sending``, after a permanent failure) -> ``queued`` on
    ``channel``, the route counted up. False if someone else moved it first."""
    actions: list[Action] = [
        Message.status.set("queued"),
        Message.channel.set(channel),
        Message.address.set(address),
        Message.text.set(text),
        Message.locale.set(locale),
        Message.values.set(values),
        Message.route.set(int(item.route or 0) + 1),
        Message.retry_at.remove(),
        Message.updated_at.set(now),
        Message.buttons.set(buttons) if buttons else Message.buttons.remove(),
        Message.whatsapp_template.set(whatsapp_template)
        if whatsapp_template
        else Message.whatsapp_template.remove(),
    ]
    if item.channel and item.status in ("sending", "sent"):
        actions.append(Message.failed_channels.set(Message.failed_channels.append([item.channel])))
    return _update(
        item.salon_id,
        item.message_id,
        actions,
        (Message.status == item.status) & (Message.route == int(item.route or 0)),
    )


def hold(item: MessageRecord, until: datetime, reason: str, now: datetime) -> bool:
    """Keep a planned message until ``until`` (quiet hours)."""
    return _update(
        item.salon_id,
        item.message_id,
        [Message.not_before.set(until), Message.error.set(reason), Message.updated_at.set(now)],
        Message.status == "planned",
    )


def skip(salon_id: str, message_id: str, reason: str, now: datetime, *, among: Iterable[str] = OPEN) -> bool:
    """``planned``/``queued`` -> ``skipped``, with the reason in words."""
    return _update(
        salon_id,
        message_id,
        [Message.status.set("skipped"), Message.skip_reason.set(reason), Message.updated_at.set(now)],
        Message.status.is_in(*among),
    )


def unsent(salon_id: str, message_ids: Iterable[str]) -> set[str]:
    """Which of the messages are not yet handed to a provider (planned or queued), read together (a
    skip tried on a sent message would fail its condition, billed all the same as a write)."""
    keys = [Message.primary_key(salon_id=salon_id, message_id=m) for m in message_ids]
    if not keys:
        return set()
    read = Message.batch_get(keys, consistent_read=True, attributes_to_get=["message_id", "status"])
    return {item.message_id for item in read if item.status in OPEN}


def claim(item: MessageRecord, now: datetime) -> bool:
    """``queued`` -> ``sending`` for this route: only one delivery of the queue message wins."""
    return _update(
        item.salon_id,
        item.message_id,
        [Message.status.set("sending"), Message.attempts.add(1), Message.updated_at.set(now)],
        (Message.status == "queued")
        & (Message.route == int(item.route or 0))
        & (Message.channel == item.channel),
    )


def retry(item: MessageRecord, retry_at: datetime, error: str, now: datetime, *, spent: bool = True) -> bool:
    """``sending`` -> ``queued`` on the same route, not before ``retry_at``; ``spent=False`` gives the
    claim's attempt back and counts a throttle instead (the provider only asked to slow down)."""
    return _update(
        item.salon_id,
        item.message_id,
        [
            Message.status.set("queued"),
            Message.retry_at.set(retry_at),
            Message.error.set(error),
            Message.updated_at.set(now),
            *([] if spent else [Message.attempts.add(-1), Message.throttled.add(1)]),
        ],
        (Message.status == "sending") & (Message.route == int(item.route or 0)),
    )


def fail(item: MessageRecord, error: str, now: datetime, *, among: Iterable[str] = ("sending",)) -> bool:
    return _update(
        item.salon_id,
        item.message_id,
        [Message.status.set("failed"), Message.error.set(error), Message.updated_at.set(now)],
        Message.status.is_in(*among) & (Message.route == int(item.route or 0)),
    )


def claim_queued(
    salon_id: str, message_id: str, channel: str, route: int, now: datetime
) -> MessageRecord | None:
    """``queued`` -> ``sending`` on ``channel`` and ``route`` once its retry time (if any) has come: only
    one delivery of the queue message wins, and it gets the message as the claim left it (no read
    before). None when the message is not so (gone, moved on, claimed, or waiting for its retry)."""
    item = Message(salon_id=salon_id, message_id=message_id)
    condition = (
        Message.pk.exists()
        & (Message.status == "queued")
        & (Message.route == route)
        & (Message.channel == channel)
        & (Message.retry_at.does_not_exist() | (Message.retry_at <= now))
    )
    if not item.update_if(
        [Message.status.set("sending"), Message.attempts.add(1), Message.updated_at.set(now)], condition
    ):
        return None
    return _record(item)


def sent(
    item: MessageRecord,
    *,
    provider_id: str,
    segments: int | None,
    cost_micros: int | None,
    cost_currency: str | None,
    now: datetime,
) -> bool:
    """``sending`` -> ``sent``, with what the provider answered. First, each with a write of its own
    that may be made twice: the provider's id, on a channel where what comes back names the message by
    it (so statuses, button presses and quoting replies find the message; nothing comes back from a
    push), and the address's contact (so a reply from it finds the client, and a YES the message if a
    reply answers it; any other message only reads the contact, and writes it when missing); then the
    message's own change, on its condition. No transaction: whatever is written before the change is
    true once the provider has answered (only the delivery that claimed the message calls it), and a
    sender that dies before the change leaves the message ``sending``, as it would have before a
    transaction. What the message cost its campaign is counted once from the change's stream record,
    with the analytics."""
    assert item.channel is not None  # assigned with its address before the message is sent
    if capabilities.of(item.channel).refers_back:
        ProviderMessage(
            channel=item.channel,
            provider_id=provider_key(item.channel, item.address, provider_id),
            salon_id=item.salon_id,
            message_id=item.message_id,
            expires=now + KEEP_PROVIDER_IDS,
        ).save()
    if item.recipient == "client" and item.client_id:
        if item.kind in ANSWERED_BY_REPLY:
            contacts.note_request(
                channel=item.channel,
                address=str(item.address),
                salon_id=item.salon_id,
                client_id=item.client_id,
                message_id=item.message_id,
                now=now,
            )
        else:
            contacts.remember_contact(item.channel, str(item.address), item.salon_id, item.client_id, now)
    actions: list[Action] = [
        Message.status.set("sent"),
        Message.provider_id.set(provider_id),
        Message.sent_at.set(now),
        Message.error.remove(),
        Message.updated_at.set(now),
    ]
    if segments is not None:
        actions.append(Message.segments.set(segments))
    if cost_micros is not None and cost_currency:
        actions += [Message.cost_amount.set(cost_micros), Message.cost_currency.set(cost_currency)]
    return _update(
        item.salon_id,
        item.message_id,
        actions,
        (Message.status == "sending") & (Message.route == int(item.route or 0)),
    )


def provider_key(channel: str, address: str | None, provider_id: str) -> str:
    """A provider id unique within its channel: one that numbers messages per chat (Telegram) gets
    the chat."""
    return f"{address}:{provider_id}" if capabilities.of(channel).ids_per_chat else provider_id


def sent_as(channel: str, provider_id: str) -> MessageRecord | None:
    """The message a provider knows by ``provider_id`` (see :func:`provider_key`)."""
    ref = ProviderMessage.find(channel=channel, provider_id=provider_id, consistent=True)
    return get(ref.salon_id, ref.message_id) if ref else None


def delivered(item: MessageRecord, at: datetime, now: datetime) -> bool:
    return _update(
        item.salon_id,
        item.message_id,
        [Message.status.set("delivered"), Message.delivered_at.set(at), Message.updated_at.set(now)],
        Message.status == "sent",
    )


def record_cost(item: MessageRecord, cost_micros: int, currency: str, now: datetime) -> bool:
    return _update(
        item.salon_id,
        item.message_id,
        [
            Message.cost_amount.set(cost_micros),
            Message.cost_currency.set(currency),
            Message.updated_at.set(now),
        ],
        Message.status.is_in("sent", "delivered"),
    )


def campaign_sends_item(salon_id: str, campaign_id: str) -> Entity:
    """The item that adds up a campaign's messages sent and their cost (named by its keys, for a
    count that adds to it once with the message's own)."""
    return CampaignSends(salon_id=salon_id, campaign_id=campaign_id)


def campaign_sends(salon_id: str, campaign_id: str) -> tuple[int, int]:
    """A campaign's messages sent so far and what the providers charged for them (micros)."""
    item = CampaignSends.find(salon_id=salon_id, campaign_id=campaign_id, consistent=True)
    return (int(item.messages or 0), int(item.cost_micros or 0)) if item else (0, 0)


def skip_marketing(salon_id: str, client_id: str, now: datetime) -> int:
    """Withdraw every marketing message not yet handed to a provider (an opt-out is honoured at once)."""
    skipped = 0
    for item in _items_for_client(salon_id, client_id, limit=500, purpose="marketing"):
        if item.status in OPEN:
            skipped += skip(salon_id, item.message_id, "the client opted out", now)
    return skipped


def add_sms_parts(salon_id: str, day: str, parts: int, budget: int | None, keep_until: datetime) -> bool:
    """Count ``parts`` SMS parts on the salon's ``day``; with a ``budget``, only if they fit in it
    (False: they do not, nothing counted)."""
    item = SmsDay(salon_id=salon_id, day=day)
    condition = None
    if budget is not None:
        condition = SmsDay.parts.does_not_exist() | (SmsDay.parts <= budget - parts)
    return item.update_if([SmsDay.parts.add(parts), SmsDay.expires.set(keep_until)], condition)


def first_budget_notice(salon_id: str, day: str, now: datetime) -> bool:
    """Note that the owner is told the salon's ``day`` ran out of SMS budget; False if they were told
    already (one notice a day however many messages it holds back)."""
    return SmsDay(salon_id=salon_id, day=day).update_if(
        [SmsDay.noticed_at.set(now)], SmsDay.noticed_at.does_not_exist()
    )


def sms_parts(salon_id: str, day: str) -> int:
    item = SmsDay.find(salon_id=salon_id, day=day)
    return int(item.parts or 0) if item else 0
