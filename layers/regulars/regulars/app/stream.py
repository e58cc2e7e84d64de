"""The stream processor's use case: stream record -> domain events -> effects, each exactly once.

These kinds of item come through (the function's filter lets only these in):

- an appointment's change: each of its events goes to the subscribers (:data:`SUBSCRIBERS`: reminders,
  notices, client statistics, ...), in the order their declared needs give;
- a client's item or bonus account changed: the client's profile goes into the segment preview's
  projection (:func:`regulars.campaigns.audience.on_change`);
- a message written as planned (it is dispatched from the record's new image: routed, rendered,
  queued), written queued at once (routed where it was planned: a campaign's, a visit's; a marketing
  one's consent checked again, then published), or given a new route
  (it is published to the messages topic, whose ``channel`` attribute sends it to that channel's
  queue). Publishing from the stream is the outbox's relay: the state is written first, and a
  publish that fails is retried with the record, never lost. A duplicate publish is harmless: the
  sender claims a message once per route.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from regulars.analytics import service as analytics
from regulars.app import messages
from regulars.booking import repo as appointment_store
from regulars.core.appointments import Source
from regulars.core.config import settings
from regulars.core.events import AppointmentEvent, derive
from regulars.loyalty import repo as loyalty_store
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.outbox.model import MessageRecord
from regulars.messaging.outbox.sender import SendRef
from regulars.runtime import queues
from regulars.runtime.subscribers import Subscriber, in_order, notify

if TYPE_CHECKING:
    from regulars.clients.model import ClientStats

# The subscribers import their feature when an appointment's first event comes: most records are
# messages (every status a message goes through), and a batch of them needs none of it.

# a client's item or bonus account: what the segment preview's projection is made of
PROFILED = ("CLIENT#", "LOYALTY#")


def events_of(record: dict[str, Any]) -> list[AppointmentEvent]:
    change = record.get("dynamodb", {})
    return derive(
        appointment_store.from_image(change.get("OldImage")),
        appointment_store.from_image(change.get("NewImage")),
    )


def _count(event: AppointmentEvent, now: datetime, _needs: object) -> ClientStats | None:
    """The client's statistics with this event, when it was counted now (else None)."""
    from regulars.clients import stats
    from regulars.clients import stats_repo as client_stats

    if not stats.counts(event):
        return None
    a = event.appointment
    return client_stats.apply_once(
        a.salon_id, a.client_id, event.event_id, lambda s: stats.apply(s, event), now
    )


def _refresh_status(event: AppointmentEvent, now: datetime, _needs: object) -> None:
    from regulars.retention import lifecycle

    lifecycle.touch(event.appointment.salon_id, event.appointment.client_id, now)


def _reminders(event: AppointmentEvent, now: datetime, _needs: object) -> None:
    from regulars.booking import reminders

    reminders.on_event(event, now)


def _visit_notices(event: AppointmentEvent, now: datetime, _needs: object) -> object:
    from regulars.booking import notices

    return notices.on_event(event, now)


def _loyalty(event: AppointmentEvent, now: datetime, _needs: object) -> None:
    from regulars.loyalty import visits

    visits.on_event(event, now)


def _feedback(event: AppointmentEvent, now: datetime, _needs: object) -> None:
    from regulars.feedback import service as feedback

    feedback.on_event(event, now)


def _defections(event: AppointmentEvent, now: datetime, _needs: object) -> None:
    from regulars.retention import defections

    defections.on_event(event, now)


def _invitations(event: AppointmentEvent, now: datetime, _needs: object) -> None:
    from regulars.retention import invitations

    invitations.on_event(event, now)


def _campaigns(event: AppointmentEvent, now: datetime, _needs: object) -> object:
    from regulars.campaigns import service as campaigns

    return campaigns.on_event(event, now)


def _waitlist(event: AppointmentEvent, now: datetime, _needs: object) -> object:
    from regulars.waitlist import service as waitlist

    return waitlist.on_event(event, now)


# What an appointment's event sets going. A subscriber that reads the client's visit log needs the
# statistics first (they put the visit in it).
SUBSCRIBERS = in_order(
    [
        Subscriber("reminders", _reminders),
        Subscriber("visit_notices", _visit_notices),
        Subscriber("loyalty", _loyalty),
        Subscriber("feedback", _feedback),
        Subscriber("client_stats", _count),
        Subscriber("defections", _defections),
        Subscriber("invitations", _invitations, needs=("client_stats",)),
        Subscriber("campaigns", _campaigns),
        # a cancelled visit's time, or a moved one's old time, offered to the clients waiting for one
        Subscriber("waitlist", _waitlist),
        Subscriber(
            "analytics",
            lambda event, now, done: analytics.on_event(event, now, done["client_stats"]),
            needs=("client_stats",),
        ),
        # at the end of a stream batch; at once outside one (then it reads the visit log)
        Subscriber("lifecycle", _refresh_status, needs=("client_stats",)),
    ]
)


# What an imported visit (history from another platform) sets going: it is counted in the client's
# statistics and the analytics, and nothing else hears of it (no reminder, notice, cashback, feedback
# request, invitation or campaign attribution: the visit is long over).
IMPORTED = in_order(
    [
        Subscriber("client_stats", _count),
        Subscriber(
            "analytics",
            lambda event, now, done: analytics.on_event(event, now, done["client_stats"]),
            needs=("client_stats",),
        ),
    ]
)


def subscribers_of(event: AppointmentEvent) -> tuple[Subscriber, ...]:
    return IMPORTED if event.appointment.source is Source.IMPORT else SUBSCRIBERS


def handle(record: dict[str, Any], now: datetime) -> list[AppointmentEvent]:
    """Apply every event of one record; safe to call again with the same record."""
    change = record.get("dynamodb", {})
    new_message = outbox.from_image(change.get("NewImage"))
    if new_message is not None:
        on_message(outbox.from_image(change.get("OldImage")), new_message, now)
        return []
    if change.get("Keys", {}).get("SK", {}).get("S", "").startswith(PROFILED):
        from regulars.campaigns import audience  # the segment preview's projection: its records only

        audience.on_change(change["Keys"], change.get("OldImage"), change.get("NewImage"), now)
        return []
    entry = loyalty_store.movement_from_image(change.get("NewImage"))
    if entry is not None:
        if not change.get("OldImage"):  # entries are written once; a TTL or erasure change is not a movement
            analytics.on_ledger(entry, now)
        return []
    events = events_of(record)
    for event in events:
        notify(subscribers_of(event), event, now)
    return events


def on_message(old: MessageRecord | None, new: MessageRecord, now: datetime) -> None:
    analytics.on_message(old, new, now)
    if new.status == "planned" and old is None:
        messages.dispatch_planned(new, now)
    elif new.status == "queued" and (old is None or old.route != new.route):
        # one written queued at once (routed where it was planned) is checked, if a marketing one, for
        # a consent withdrawn between its routing and its write, which the opt-out could not find
        if old is None and not messages.still_allowed(new, now).done:
            return
        publish(SendRef.of(new))


def publish(ref: SendRef) -> None:
    topic = settings().messages_topic_arn
    if not topic:
        raise RuntimeError("MESSAGES_TOPIC_ARN is not set: messages cannot be sent")
    queues.publish(topic, ref.body(), {"channel": ref.channel})
