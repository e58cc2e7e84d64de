"""Every kind of job and the one function that acts on it.

A job kind is written by the feature that schedules it (its constant next to the code that writes
the job) and acted on by the function named here. The worker reads this table and nothing else, so
a kind is known to the worker when, and only when, it has a line here; a test checks that every kind
the library schedules has one, and that every line's kind is scheduled somewhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from types import MappingProxyType

from regulars.analytics import service as analytics
from regulars.app import messages
from regulars.booking import reminders
from regulars.campaigns import service as campaigns
from regulars.feedback import service as feedback
from regulars.imports import service as imports
from regulars.loyalty import birthdays, burning, tiers
from regulars.retention import defections, invitations, lifecycle, waves, winback
from regulars.rights import forgetting
from regulars.runtime.jobs import worker
from regulars.runtime.jobs.outcome import Handler, Outcome
from regulars.runtime.jobs.repo import JobRef
from regulars.waitlist import service as waitlist


class DuplicateJobKind(Exception):
    pass


def table(lines: Iterable[tuple[str, Handler]]) -> Mapping[str, Handler]:
    """The lines as a read-only table; a kind given twice is refused."""
    out: dict[str, Handler] = {}
    for kind, handler in lines:
        if kind in out:
            raise DuplicateJobKind(
                f"job kind {kind!r} has two handlers: {out[kind].__qualname__} and {handler.__qualname__}"
            )
        out[kind] = handler
    return MappingProxyType(out)


HANDLERS: Mapping[str, Handler] = table(
    [
        (reminders.KIND, reminders.remind),
        (reminders.REPLAN, reminders.replan),
        (messages.JOB_KIND, messages.dispatch_when_due),
        (feedback.KIND, feedback.ask),
        (invitations.KIND, invitations.invite),
        (invitations.REBOOK, invitations.rebook),
        (defections.CANCEL_CHECK, defections.rebooked_or_not),
        (lifecycle.KIND, lifecycle.check),
        (winback.KIND, waves.wave),
        (forgetting.KIND, forgetting.nightly),
        (burning.EXPIRY, burning.expire),
        (burning.WARNING, burning.warn),
        (tiers.TIER_REVIEW, tiers.tier_review),
        (birthdays.BIRTHDAY, birthdays.birthday),
        (campaigns.START, campaigns.start),
        (campaigns.BATCH, campaigns.batch),
        (analytics.SNAPSHOT, analytics.snapshot_job),
        (imports.CHUNK, imports.apply_chunk),
        (waitlist.FILL, waitlist.fill_when_due),
    ]
)


def run(ref: JobRef, now: datetime) -> Outcome | None:
    """Act on one queued job with the handler this table names for its kind (what the job worker does)."""
    return worker.run(ref, now, HANDLERS)
