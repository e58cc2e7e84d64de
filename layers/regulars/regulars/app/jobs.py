"""Every kind of job and the one function that acts on it.

A job kind is written by the feature that schedules it (its constant next to the code that writes
the job) and acted on by the function named here. The worker reads this table and nothing else, so
a kind is known to the worker when, and only when, it has a line here; a test checks that every kind
the library schedules has one, and that every line's kind is scheduled somewhere.

A line names its function as ``module:function``, imported when a job of its kind first comes: a
worker's cold start loads the features of the jobs it acts on, not all of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime

from regulars.runtime.jobs import worker
from regulars.runtime.jobs.outcome import Handler, Outcome
from regulars.runtime.jobs.repo import JobRef


class DuplicateJobKind(Exception):
    pass


class HandlerTable(Mapping[str, Handler]):
    """Job kind -> handler, read-only; a handler given as ``module:function`` is imported when its
    kind is first looked up."""

    def __init__(self, lines: dict[str, Handler | str]):
        self._lines = lines

    def __getitem__(self, kind: str) -> Handler:
        line = self._lines[kind]
        if isinstance(line, str):
            module, _, name = line.partition(":")
            line = self._lines[kind] = getattr(importlib.import_module(module), name)
        return line

    def __contains__(self, kind: object) -> bool:
        return kind in self._lines

    def __iter__(self) -> Iterator[str]:
        return iter(self._lines)

    def __len__(self) -> int:
        return len(self._lines)


def table(lines: Iterable[tuple[str, Handler | str]]) -> Mapping[str, Handler]:
    """The lines as a read-only table; a kind given twice is refused."""
    out: dict[str, Handler | str] = {}
    for kind, handler in lines:
        if kind in out:
            raise DuplicateJobKind(
                f"job kind {kind!r} has two handlers: {_name(out[kind])} and {_name(handler)}"
            )
        out[kind] = handler
    return HandlerTable(out)


def _name(handler: Handler | str) -> str:
    return handler if isinstance(handler, str) else handler.__qualname__


HANDLERS: Mapping[str, Handler] = table(
    [
        ("reminder", "regulars.booking.reminders:remind"),
        ("reminders-replan", "regulars.booking.reminders:replan"),
        ("dispatch", "regulars.app.messages:dispatch_when_due"),
        ("feedback-request", "regulars.feedback.service:ask"),
        ("repeat-invitation", "regulars.retention.invitations:invite"),
        ("rebook-invitation", "regulars.retention.invitations:rebook"),
        ("cancellation-check", "regulars.retention.defections:rebooked_or_not"),
        ("lifecycle-check", "regulars.retention.lifecycle:check"),
        ("winback-wave", "regulars.retention.waves:wave"),
        ("forget-inactive", "regulars.rights.forgetting:nightly"),
        ("lot-expiry", "regulars.loyalty.burning:expire"),
        ("burn-warning", "regulars.loyalty.burning:warn"),
        ("tier-review", "regulars.loyalty.tiers:tier_review"),
        ("birthday", "regulars.loyalty.birthdays:birthday"),
        ("campaign-start", "regulars.campaigns.service:start"),
        ("campaign-batch", "regulars.campaigns.service:batch"),
        ("analytics-snapshot", "regulars.analytics.service:snapshot_job"),
        ("import-chunk", "regulars.imports.service:apply_chunk"),
        ("waitlist_fill", "regulars.waitlist.service:fill_when_due"),
    ]
)


def run(ref: JobRef, now: datetime) -> Outcome | None:
    """Act on one queued job with the handler this table names for its kind (what the job worker does)."""
    return worker.run(ref, now, HANDLERS)
