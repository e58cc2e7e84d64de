"""The outbox wired to the feature it serves: dispatching and sending read the visit a message is about
through the booking repository (a message about a visit cancelled or moved since is not sent).

The repository is imported by the first read, and dispatching by the first message dispatched: a
sender reads a visit and dispatches only when a channel could not deliver and the message is routed
again, so its cold start does without the booking models and the routing rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from regulars.messaging.outbox import sender as outbox_sender

if TYPE_CHECKING:
    from regulars.core.appointments import Appointment
    from regulars.messaging.channels.pacing import Pacer
    from regulars.messaging.outbox.model import MessageRecord
    from regulars.runtime.jobs.outcome import Outcome
    from regulars.runtime.jobs.repo import DueJob


def visit(salon_id: str, appointment_id: str) -> Appointment | None:
    """The visit a message is about, as it is now."""
    from regulars.booking import repo as visits

    return visits.find(salon_id, appointment_id)


def dispatch(salon_id: str, message_id: str, now: datetime) -> Outcome:
    """Route one planned message; safe to call again."""
    from regulars.messaging.outbox import dispatch as outbox_dispatch

    return outbox_dispatch.dispatch(salon_id, message_id, now, visit_of=visit)


def dispatch_planned(item: MessageRecord, now: datetime) -> Outcome:
    """Route a message as its stream record's new image shows it (not read again); safe to call again."""
    from regulars.messaging.outbox import dispatch as outbox_dispatch

    return outbox_dispatch.dispatch_planned(item, now, visit_of=visit)


def still_allowed(item: MessageRecord, now: datetime) -> Outcome:
    """A marketing message written queued at once: skipped if its consent was withdrawn meanwhile."""
    from regulars.messaging.outbox import dispatch as outbox_dispatch

    return outbox_dispatch.still_allowed(item, now)


def dispatch_when_due(job: DueJob, now: datetime) -> Outcome:
    """The job that routes a message held until its time (quiet hours, not before)."""
    from regulars.messaging.outbox import dispatch as outbox_dispatch

    return outbox_dispatch.dispatch_when_due(job, now, visit_of=visit)


def send_paced(
    ref: outbox_sender.SendRef,
    channels: Callable[[Any], Any],
    pacer: Pacer,
    now: Callable[[], datetime],
    *,
    requeue: outbox_sender.Requeue,
    dead_letter: outbox_sender.DeadLetter,
    wait: float,
) -> outbox_sender.Result:
    """Handle one delivery at its channel's pace (regulars.messaging.channels.pacing): a turn more than
    ``wait`` seconds away puts the message back in the queue for then, untouched; a provider's "too
    many requests" pauses the channel in this environment for as long as it asked."""
    later = pacer.wait(ref.channel, at_most=wait)
    if later:
        requeue(ref, later)
        return outbox_sender.Result("paced", f"the channel's rate: again in {later:.1f} s")
    result = send(ref, channels, now(), requeue=requeue, dead_letter=dead_letter)
    if result.pause:
        pacer.hold(ref.channel, result.pause)
    return result


def send(
    ref: outbox_sender.SendRef,
    channels: Callable[[Any], Any],
    now: datetime,
    *,
    requeue: outbox_sender.Requeue,
    dead_letter: outbox_sender.DeadLetter,
) -> outbox_sender.Result:
    """Handle one delivery of a queue message on a sender's channel."""
    return outbox_sender.send(ref, channels, now, requeue=requeue, dead_letter=dead_letter, visit_of=visit)
