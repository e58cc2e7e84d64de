"""The stream processor's use case: stream record -> domain events -> effects, each exactly once.

Two kinds of item come through (the function's filter lets only these in):

- an appointment's change: its events keep reminders, notices and client statistics in step;
- a message written as planned (it is dispatched: routed, rendered, queued) or given a new route
  (it is published to the messages topic, whose ``channel`` attribute sends it to that channel's
  queue). Publishing from the stream is the outbox's relay: the state is written first, and a
  publish that fails is retried with the record, never lost. A duplicate publish is harmless: the
  sender claims a message once per route.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any

from regulars import queues
from regulars.analytics import service as analytics
from regulars.campaigns import service as campaigns
from regulars.clients import stats
from regulars.config import settings
from regulars.events import AppointmentEvent, derive
from regulars.loyalty import service as loyalty
from regulars.notifications import dispatch, reminders, visits
from regulars.notifications.sender import SendRef
from regulars.retention import defections, feedback, invitations, lifecycle
from regulars.store import appointments as appointment_store
from regulars.store import client_stats
from regulars.store.base import Entity
from regulars.store.models import LedgerEntry, Message


def events_of(record: dict[str, Any]) -> list[AppointmentEvent]:
    change = record.get("dynamodb", {})
    return derive(appointment_store.from_image(change.get("OldImage")),
                  appointment_store.from_image(change.get("NewImage")))


def _entity[E: Entity](image: dict | None, kind: type[E]) -> E | None:
    if not image or image.get("type", {}).get("S") != kind.__name__:
        return None
    item = Entity.from_raw_data(image)
    return item if isinstance(item, kind) else None


def _message(image: dict | None) -> Message | None:
    return _entity(image, Message)


def handle(record: dict[str, Any], now: datetime) -> list[AppointmentEvent]:
    """Apply every event of one record; safe to call again with the same record."""
    change = record.get("dynamodb", {})
    new_message = _message(change.get("NewImage"))
    if new_message is not None:
        on_message(_message(change.get("OldImage")), new_message, now)
        return []
    entry = _entity(change.get("NewImage"), LedgerEntry)
    if entry is not None:
        if not change.get("OldImage"):  # entries are written once; a TTL or erasure change is not a movement
            analytics.on_ledger(entry, now)
        return []
    events = events_of(record)
    for event in events:
        reminders.on_event(event, now)
        visits.on_event(event, now)
        loyalty.on_event(event, now)
        feedback.on_event(event, now)
        a = event.appointment
        counted = None  # the client's statistics with this event, when it was counted now
        if stats.counts(event):
            counted = client_stats.apply_once(a.salon_id, a.client_id, event.event_id,
                                              partial(stats.apply, event=event), now)
        defections.on_event(event, now)
        invitations.on_event(event, now)  # after the statistics: the visit log holds the visit
        campaigns.on_event(event, now)
        analytics.on_event(event, now, counted)  # after the statistics: the client's visit log holds the visit
        lifecycle.touch(a.salon_id, a.client_id, now)
    return events


def on_message(old: Message | None, new: Message, now: datetime) -> None:
    analytics.on_message(old, new, now)
    if new.status == "planned" and old is None:
        dispatch.dispatch(new.salon_id, new.message_id, now)
    elif new.status == "queued" and (old is None or int(old.route or 0) != int(new.route or 0)):
        publish(SendRef.of(new))


def publish(ref: SendRef) -> None:
    topic = settings().messages_topic_arn
    if not topic:
        raise RuntimeError("MESSAGES_TOPIC_ARN is not set: messages cannot be sent")
    queues.publish(topic, ref.body(), {"channel": ref.channel})
