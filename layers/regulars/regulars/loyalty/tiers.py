"""Tiers: the client's tier from their paid visits of the last 12 months, reviewed when a visit
counts and again when the oldest visit counted leaves the window; a move up is announced."""

from __future__ import annotations

from datetime import datetime, timedelta

from regulars.booking import repo as appointment_store
from regulars.core import appointments as m
from regulars.loyalty import repo as store
from regulars.loyalty import rules
from regulars.loyalty.credits import safe_id, settings_of
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.rules.templates import MessageKind
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.outcome import Outcome
from regulars.runtime.jobs.repo import DueJob
from regulars.runtime.jobs.subjects import Subject
from regulars.salon.settings.loyalty import LoyaltySettings, Tier

TIER_REVIEW = "tier-review"
WINDOW = timedelta(days=365)


def named(loyalty: LoyaltySettings, name: str | None) -> Tier | None:
    """The salon's tier of this name (none for a tier the salon no longer has)."""
    return next((t for t in loyalty.tiers if t.name == name), None)


def paid_visits(salon_id: str, client_id: str) -> list[m.Appointment]:
    """The client's completed, unrefunded visits, newest first (one Query)."""
    return [
        a
        for a in appointment_store.for_client(salon_id, client_id, limit=500)
        if a.status is m.AppointmentStatus.COMPLETED and a.refunded_at is None
    ]


def in_window(visits: list[m.Appointment], until: datetime) -> list[m.Appointment]:
    """The visits that count for the tier at ``until``: those of the 12 months before it, but a visit
    checked out at nothing paid, in money or bonus (eight of them at the desk would make anyone Gold).
    One imported without its price (paid unknown) counts."""
    return [
        a
        for a in visits
        if until - WINDOW < a.start <= until
        and (a.paid_amount is None or a.paid_amount + (a.bonus_amount or 0) > 0)
    ]


def review_tier(
    salon_id: str, client_id: str, now: datetime, *, cause: str, history: list[m.Appointment] | None = None
) -> tuple[Tier, Tier]:
    """Recompute the tier from the last 12 months; (before, after). A move up is announced when it
    has a ``cause`` (a fresh visit, a job; none: history imported, which is news to no one); the next
    review is due when the oldest visit counted leaves the window."""
    _, loyalty = settings_of(salon_id)
    account = store.account(salon_id, client_id)
    before = named(loyalty, account.tier if account else None) or loyalty.tiers[0]
    visits = in_window(history if history is not None else paid_visits(salon_id, client_id), now)
    spend = sum(a.paid_amount or 0 for a in visits)
    after = rules.tier_for(loyalty.tiers, len(visits), spend)
    store.set_tier(salon_id, client_id, after.name, len(visits), spend, now)
    if cause and after.rate_bp > before.rate_bp:
        outbox.plan(
            outbox.PlannedMessage(
                salon_id=salon_id,
                message_id=safe_id(f"tier-up-{client_id}-{after.name}-{cause}"),
                kind=MessageKind.TIER_UP.value,
                purpose="transactional",
                recipient="client",
                client_id=client_id,
                created_at=now,
                values={"tier": after.name, "rate_bp": after.rate_bp},
            )
        )
    if visits:
        leaves = min(a.start for a in visits) + WINDOW
        job_store.schedule(
            salon_id,
            f"{TIER_REVIEW}-{client_id}-{leaves:%Y%m%dT%H%M}",
            kind=TIER_REVIEW,
            subject=Subject.LOYALTY.of(client_id),
            due_at=leaves + timedelta(minutes=1),
            now=now,
            payload={"client_id": client_id},
        )
    return before, after


def tier_review(job: DueJob, now: datetime) -> Outcome:
    before, after = review_tier(job.salon_id, job.payload["client_id"], now, cause=job.job_id)
    return Outcome(True, f"{before.name} -> {after.name}")
