"""Sending: one queued message to its channel's provider, at most once per route.

A channel's sender receives ``{salon_id, message_id, channel, route}`` from its queue and:

- claims it (``queued -> sending`` on this channel and route once a retry's time has come: one
  conditional write, which returns the message, so nothing is read before it; one delivery wins);
- when the claim fails, reads the message to say why: it does nothing for a duplicate delivery or a
  message rerouted or cancelled meanwhile, and waits (re-enqueues itself with a delay) while a
  retry's time has not come;
- with the message claimed, calls the provider, and
  records the answer: ``sent`` with the provider's id, segments and cost; on 5xx or a
  timeout ``queued`` again with a retry time (the provider's ``retry_after`` when it gave one,
  else exponential backoff) until the attempts run out (then ``failed`` and a record in the
  dead-letter queue, which raises an alarm); on 429 (the provider's flow control) the same, but
  counted as a throttle, not an attempt, and the channel paused for as long (``Result.pause``);
  on a permanent failure the channel is marked unreachable for the client and the message goes to
  the next channel; a message the recipient stopped on this channel is skipped.

A sender that dies between the provider's answer and the record leaves the message ``sending``:
a later delivery finds it so and marks it failed ("outcome unknown") rather than send it twice.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from regulars.messaging.channels import capabilities
from regulars.messaging.channels.base import (
    Button,
    MessageRejected,
    OutgoingMessage,
    RetryLater,
    Suppressed,
    Undeliverable,
    WhatsAppTemplate,
    WindowClosed,
)
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.outbox.model import MessageRecord
from regulars.messaging.rules.routing import Channel, Purpose
from regulars.messaging.rules.templates import MessageKind

if TYPE_CHECKING:  # routing again, the salon's rules and the client's channels: imported when needed,
    # so that a sender's cold start does without them (most messages need none of them)
    from regulars.clients.model import Client
    from regulars.messaging.outbox import dispatch
    from regulars.runtime.jobs.outcome import Outcome
    from regulars.salon.model import Salon

MAX_ATTEMPTS = 5
MAX_THROTTLED = 50  # "too many requests" answers a message may get before they count as failed attempts
MAX_QUEUE_DELAY = 900  # SQS DelaySeconds at most: longer waits re-enqueue more than once
STUCK_AFTER = timedelta(minutes=15)


class Queued(Protocol):
    """A message queued on a channel, by route (a stored one or its record)."""

    @property
    def salon_id(self) -> str: ...

    @property
    def message_id(self) -> str: ...

    @property
    def channel(self) -> str | None: ...

    @property
    def route(self) -> int | None: ...


@dataclass(frozen=True)
class SendRef:
    salon_id: str
    message_id: str
    channel: str
    route: int

    def body(self) -> str:
        return json.dumps(
            {
                "salon_id": self.salon_id,
                "message_id": self.message_id,
                "channel": self.channel,
                "route": self.route,
            },
            separators=(",", ":"),
        )

    @classmethod
    def parse(cls, text: str) -> SendRef:
        data = json.loads(text)
        return cls(str(data["salon_id"]), str(data["message_id"]), str(data["channel"]), int(data["route"]))

    @classmethod
    def of(cls, item: Queued) -> SendRef:
        return cls(item.salon_id, item.message_id, str(item.channel), int(item.route or 0))


def backoff_seconds(attempt: int, retry_after: float | None) -> float:
    """How long before attempt ``attempt + 1``: what the provider asked for, else 5 s doubling
    (5, 10, 20, 40), never more than 15 minutes."""
    if retry_after is not None and retry_after > 0:
        return float(retry_after)
    return float(min(MAX_QUEUE_DELAY, 5 * 2 ** max(0, attempt - 1)))


@dataclass(frozen=True)
class Result:
    outcome: str  # sent | retry | rerouted | failed | skipped | over_budget | waiting | ignored | paced
    reason: str = ""
    pause: float = 0.0  # seconds the provider asked the whole channel to wait (a 429)


Requeue = Callable[[SendRef, float], None]
DeadLetter = Callable[[SendRef, str], None]


def send(
    ref: SendRef,
    channels: Callable[[MessageRecord], Any],
    now: datetime,
    *,
    requeue: Requeue,
    dead_letter: DeadLetter,
    visit_of: dispatch.VisitOf,
) -> Result:
    """Handle one delivery of a queue message; ``channels(item)`` gives the channel client; a message
    its channel cannot deliver is routed again (``visit_of`` reads the visit it is about)."""
    item = outbox.claim_queued(ref.salon_id, ref.message_id, ref.channel, ref.route, now)
    if item is None:
        return _not_claimed(ref, now, requeue)
    if capabilities.of(str(item.channel)).sms_parts and not within_sms_budget(item, now):
        reason = "the salon's daily SMS budget is spent"
        outbox.skip(item.salon_id, item.message_id, reason, now, among=("sending",))
        return Result("over_budget", reason)
    try:
        receipt = channels(item).send(outgoing(item))
    except RetryLater as exc:
        # the provider's flow control is the channel's pace, not the message's fault: it does not use up
        # the message's attempts (up to MAX_THROTTLED times), and the sender slows the channel down
        throttled = exc.throttled and item.throttled < MAX_THROTTLED
        if item.attempts >= MAX_ATTEMPTS and not throttled:
            outbox.fail(item, f"gave up after {item.attempts} attempts: {exc.reason}", now)
            dead_letter(ref, exc.reason)
            return Result("failed", exc.reason)
        if throttled:  # the providers' limits are per second: 1 s doubling when it named no time
            delay = exc.retry_after_seconds or float(min(60, 2**item.throttled))
        else:
            delay = backoff_seconds(item.attempts, exc.retry_after_seconds)
        outbox.retry(item, now + timedelta(seconds=delay), exc.reason, now, spent=not throttled)
        requeue(ref, delay)
        return Result("retry", exc.reason, pause=(exc.retry_after_seconds or 1.0) if exc.throttled else 0.0)
    except Suppressed as exc:
        outbox.skip(
            item.salon_id, item.message_id, f"stopped by the recipient: {exc.reason}", now, among=("sending",)
        )
        return Result("skipped", exc.reason)
    except MessageRejected as exc:
        outbox.fail(item, exc.reason, now)
        return Result("failed", exc.reason)
    except Undeliverable as exc:
        if not isinstance(exc, WindowClosed):
            mark_unreachable(item, exc.reason, now)
        item = replace(item, error=f"{item.channel}: {exc.reason}")
        outcome = _route(item, now, visit_of)
        return Result("rerouted" if outcome.done else "failed", f"{exc.reason}; {outcome.reason}")
    outbox.sent(
        item,
        provider_id=receipt.provider_id,
        segments=receipt.segments,
        cost_micros=receipt.cost_micros,
        cost_currency=receipt.cost_currency,
        now=now,
    )
    return Result("sent", receipt.provider_id)


def _not_claimed(ref: SendRef, now: datetime, requeue: Requeue) -> Result:
    """Why a delivery could not claim its message (read only then): a duplicate, a message rerouted or
    cancelled meanwhile, a retry whose time has not come (it waits again), or a send whose answer was
    never recorded (failed, never sent twice)."""
    item = outbox.get(ref.salon_id, ref.message_id)
    if item is None:
        return Result("ignored", "no such message")
    if item.status == "sending" and item.route == ref.route and item.changed_at < now - STUCK_AFTER:
        outbox.fail(
            item, "the provider's answer was never recorded; not sent again, to avoid a duplicate", now
        )
        return Result("failed", "outcome unknown")
    if item.status != "queued" or item.channel != ref.channel or int(item.route or 0) != ref.route:
        return Result("ignored", f"the message is {item.status} on {item.channel} (route {item.route})")
    if item.retry_at and item.retry_at > now:
        requeue(ref, (item.retry_at - now).total_seconds())
        return Result("waiting", f"retry at {item.retry_at.isoformat()}")
    return Result("ignored", "another delivery claimed it")


# What still goes by SMS once the salon's daily budget is spent: what a client needs for the visit
# they booked (and the code that lets them book). Offers, staff notices, feedback requests and bonus
# news wait for the next day's budget.
ESSENTIAL_KINDS = frozenset(
    {
        MessageKind.PHONE_CODE,
        MessageKind.APPOINTMENT_BOOKED,
        MessageKind.APPOINTMENT_MOVED,
        MessageKind.APPOINTMENT_CANCELLED,
        MessageKind.REMINDER,
        MessageKind.REMINDER_WITH_CONFIRMATION,
    }
)


def within_sms_budget(item: MessageRecord, now: datetime) -> bool:
    """Count the message's SMS parts on the salon's day; False when it is not essential and they do
    not fit in what is left of the salon's daily budget (then nothing is counted)."""
    from regulars.messaging.rules.sms_parts import sms_segments

    salon = _salon(item.salon_id)
    essential = item.kind in ESSENTIAL_KINDS and item.recipient in ("client", "phone")
    budget = salon.settings.protection.sms_daily_parts
    day = now.astimezone(salon.tz).date().isoformat()
    return outbox.add_sms_parts(
        item.salon_id,
        day,
        max(1, sms_segments(item.text or "")),
        None if essential else budget,
        now + timedelta(days=2),
    )


def _salon(salon_id: str) -> Salon:
    """The salon as its rules are cached for the sender."""
    from regulars.salon import repo as catalog_store

    return catalog_store.load_catalog(salon_id, max_age=catalog_store.RULES_MAX_AGE).salon


def _route(item: MessageRecord, now: datetime, visit_of: dispatch.VisitOf) -> Outcome:
    """Route a message again, on the next channel that reaches its recipient."""
    from regulars.messaging.outbox import dispatch

    return dispatch.route(item, now, visit_of=visit_of)


def outgoing(item: MessageRecord) -> OutgoingMessage:
    title = None
    if item.channel and capabilities.of(item.channel).titled:
        title = _salon(item.salon_id).name
    return OutgoingMessage(
        message_id=item.message_id,
        purpose=Purpose(item.purpose),
        text=item.text or "",
        locale=item.locale or "en",
        address=item.address or "",
        buttons=tuple(Button(**b) for b in (item.buttons or [])),
        whatsapp_template=WhatsAppTemplate(**item.whatsapp_template) if item.whatsapp_template else None,
        title=title,
    )


def mark_unreachable(item: MessageRecord, reason: str, now: datetime) -> None:
    """Remember that this channel cannot reach the client (a blocked bot, not on WhatsApp, a dead
    push token), so later messages go elsewhere at once."""
    if item.recipient != "client" or not item.client_id:
        return

    from regulars.clients import repo as client_store

    def change(client: Client) -> dict:
        channels = {k: dict(v) for k, v in client.channels.items()}
        channels.setdefault(str(item.channel), {})["unreachable"] = {"reason": reason, "at": now.isoformat()}
        return {"channels": channels}

    client_store.modify(item.salon_id, item.client_id, change)


def requeue_on(queue_url: str) -> Requeue:
    """Send the message again to the channel's own queue, to arrive after the delay."""
    from regulars.runtime import queues

    def requeue(ref: SendRef, delay: float) -> None:
        queues.send(queue_url, ref.body(), delay_seconds=max(0, min(MAX_QUEUE_DELAY, math.ceil(delay))))

    return requeue


def budget_notice_on(topic_arn: str) -> Callable[[str, datetime], bool]:
    """Tell the owner, once a day, that the salon's daily SMS budget is spent: a notice to the stack's
    alarm topic (the operator's e-mail) naming the salon, the budget and what waits until tomorrow.
    Published by the sender itself, so no custom metric and no alarm is billed for it every month."""
    from regulars.runtime import queues

    def notice(salon_id: str, now: datetime) -> bool:
        salon = _salon(salon_id)
        day = now.astimezone(salon.tz).date().isoformat()
        if not outbox.first_budget_notice(salon_id, day, now):
            return False
        budget = salon.settings.protection.sms_daily_parts
        queues.notify(
            topic_arn,
            f"Regulars: {salon.name} spent its SMS budget for {day}",
            f"{salon.name} ({salon_id}) has sent the {budget} SMS parts its daily budget allows on {day} "
            f"(the salon's own date). Until the day ends, its marketing and other non-essential SMS are "
            "not sent (they are skipped, with the reason, in each client's history); reminders, phone "
            "codes and the notices of booked, moved or cancelled visits still go. To send more, raise "
            "'SMS parts a day' in the console: Settings, Channels.",
        )
        return True

    return notice


def dead_letter_on(queue_url: str) -> DeadLetter:
    """Record a message given up on in the channel's dead-letter queue (its alarm goes off)."""
    from regulars.runtime import queues

    def dead_letter(ref: SendRef, reason: str) -> None:
        queues.send(queue_url, json.dumps(json.loads(ref.body()) | {"reason": reason}))

    return dead_letter


def on_status(
    channel: Channel,
    provider_id: str,
    state: str,
    at: datetime,
    now: datetime,
    failure: Exception | None = None,
    *,
    visit_of: dispatch.VisitOf,
) -> str:
    """A provider's delivery status for a message we sent: delivered, or failed for good on its channel
    (then it is routed again, unless the recipient stopped it)."""
    message = outbox.sent_as(channel.value, provider_id)
    if message is None:
        return "unknown message"
    if state in ("delivered", "read"):
        return "delivered" if outbox.delivered(message, at, now) else "already recorded"
    if state == "failed" and failure is not None:
        if isinstance(failure, Suppressed):
            return "suppressed"
        if isinstance(failure, Undeliverable) and message.status == "sent":
            if not isinstance(failure, WindowClosed):
                mark_unreachable(message, failure.reason, now)
            message = replace(message, error=f"{channel.value}: {failure.reason}")
            return _route(message, now, visit_of).reason
        return "failure noted"
    return "ignored"
