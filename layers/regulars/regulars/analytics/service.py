"""The salon's figures, kept as things happen and read without touching its history.

The stream processor hands every visit outcome, booking, sent message and bonus movement to this
module; each adds to its month's tallies once (:func:`store.count_once`). What only the whole
client list can say (lifecycle counts, lifetime-value groups, the top clients, the bonus liability)
is taken each night by a job, so a report reads a few hundred small items whatever the salon's size.

Months are the salon's own calendar. A visit counts in the month it took place; a message in the
month it was sent; a bonus movement in the month it was written; a cohort in the month of its
clients' first visit."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from regulars.analytics import repo as store
from regulars.analytics.model import RETURN_DAYS
from regulars.analytics.repo import FOREVER, Add, Delta, Fact
from regulars.clients import repo as client_store
from regulars.clients.model import ClientStats
from regulars.core import appointments as m
from regulars.core.errors import NotFound
from regulars.core.events import AppointmentEvent, EventType
from regulars.core.schedule import local_instant
from regulars.loyalty.model import Movement
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.outbox.model import MessageRecord
from regulars.messaging.rules.templates import MessageKind
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.outcome import Outcome
from regulars.runtime.jobs.repo import DueJob
from regulars.runtime.jobs.subjects import Subject
from regulars.salon import repo as catalog_store
from regulars.salon.model import Salon

if TYPE_CHECKING:
    from regulars.analytics.report import Report

REBOOK_DAYS = 7  # a visit is rebooked when the next one was booked within this many days after it
DISTINCT_KEEP = timedelta(days=800)  # a client-month marker outlives any late completion of that month
SNAPSHOT = "analytics-snapshot"
SNAPSHOT_AT = time(3, 30)  # the salon's night
TOP_CLIENTS = 10


def _salon(salon_id: str) -> Salon:
    return catalog_store.load_catalog(salon_id, max_age=catalog_store.RULES_MAX_AGE).salon


def month_of(at: datetime, salon: Salon) -> str:
    return at.astimezone(ZoneInfo(salon.timezone)).strftime("%Y-%m")


# ------------------------------------------------------------------------------------- visits
def on_event(event: AppointmentEvent, now: datetime, stats: ClientStats | None = None) -> None:
    """Count a visit's outcome, a cancellation, or a booking that rebooks the last visit. ``stats``:
    the client's statistics as this event just left them (else they are read)."""
    a = event.appointment
    salon = _salon(a.salon_id)
    month = month_of(a.start, salon)
    match event.type:
        case EventType.COMPLETED:
            _completed(event, salon, now, stats)
        case EventType.NO_SHOW:
            store.count_once(
                a.salon_id,
                event.event_id,
                [Delta(month, "outcomes", "no_show"), *_confirmation(a, "no_show", month)],
                now,
            )
        case EventType.CANCELLED:
            deltas = [Delta(month, "outcomes", "cancelled")]
            if a.late_cancellation:
                deltas.append(Delta(month, "outcomes", "late_cancellation"))
            store.count_once(a.salon_id, event.event_id, deltas, now)
    if event.created and a.status.active:
        _booked(a, salon, now)


def _confirmation(a: m.Appointment, outcome: str, month: str) -> list[Delta]:
    """The outcome by whether the visit was confirmed, and whether a reminder asked for it."""
    confirmed = "confirmed" if any(h.action == "confirmed" for h in a.history) else "unconfirmed"
    deltas = [Delta(month, "by_confirmation", f"{confirmed}:{outcome}")]
    if _asked_to_confirm(a):
        deltas.append(Delta(month, "reminded", confirmed))
    return deltas


def _asked_to_confirm(a: m.Appointment) -> bool:
    """Whether a reminder that asks for a confirmation reached the client for this visit."""
    return any(
        i.status in ("sent", "delivered")
        for i in outbox.for_client(
            a.salon_id,
            a.client_id,
            since=a.created_at,
            limit=50,
            kind=MessageKind.REMINDER_WITH_CONFIRMATION.value,
            appointment_id=a.id,
        )
    )


def _completed(event: AppointmentEvent, salon: Salon, now: datetime, stats: ClientStats | None) -> None:
    """A visit by its place in the client's history, which their statistics already hold.

    Days are the salon's calendar days: a second service in the same sitting is neither a return
    nor an interval. A visit is the client's first when nothing came before it; a repeat when an
    earlier day had a visit (or the log, which keeps the last visits, no longer reaches back)."""
    a = event.appointment
    month = month_of(a.start, salon)
    if stats is None:
        try:
            stats = client_store.get(a.salon_id, a.client_id).stats
        except NotFound:
            return
    tz = salon.tz
    day = a.start.astimezone(tz).date()
    starts = sorted(datetime.fromisoformat(e[0]) for e in stats.visit_log)
    overflow = stats.visits > len(starts)
    earlier = [s for s in starts if s < a.start]
    earlier_days = [s for s in earlier if s.astimezone(tz).date() < day]
    repeat = bool(earlier_days) or overflow
    kind = "repeat" if repeat else ("first" if not earlier else "same_day")
    deltas = [
        Delta(month, "visits", "all", 1, a.paid_amount or 0),
        Delta(month, "visits", kind),
        # each service of the visit once (a visit of several counts each), at its list price
        *(Delta(month, "services", p.service_id, 1, p.price.amount) for p in a.parts()),
        Delta(month, "outcomes", "completed"),
        *_confirmation(a, "completed", month),
    ]
    first_of_day = not [s for s in earlier if s.astimezone(tz).date() == day]
    if earlier_days and first_of_day:
        gap = (day - earlier_days[-1].astimezone(tz).date()).days
        deltas.append(Delta(month, "intervals", "all", 1, gap))
    facts = [Fact(f"visitor:{month}:{a.client_id}", (Delta(month, "clients", "visited"),), DISTINCT_KEEP)]
    if repeat:
        facts.append(
            Fact(f"returning:{month}:{a.client_id}", (Delta(month, "clients", "returning"),), DISTINCT_KEEP)
        )
    if kind == "first":
        facts.append(Fact(f"cohort:{a.client_id}", (Delta(month, "cohort", "clients"),), FOREVER))
    elif earlier_days and stats.first_visit_at is not None:
        facts.append(_returned(a, stats.first_visit_at, salon))
    if earlier_days and a.created_at <= earlier_days[-1] + timedelta(days=REBOOK_DAYS):
        facts.append(_rebooked(a.client_id, earlier_days[-1], salon))
    store.count_once(a.salon_id, event.event_id, deltas, now, facts=facts)


def _returned(a: m.Appointment, first: datetime, salon: Salon) -> Fact:
    """The client's first return, counted in the cohort of their first visit's month."""
    gap = (a.start.astimezone(salon.tz).date() - first.astimezone(salon.tz).date()).days
    cohort = month_of(first, salon)
    return Fact(
        f"return:{a.client_id}",
        (
            Delta(cohort, "cohort", "returned"),
            *(Delta(cohort, "cohort", f"returned_{n}") for n in RETURN_DAYS if gap <= n),
        ),
        FOREVER,
    )


def _booked(a: m.Appointment, salon: Salon, now: datetime) -> None:
    """A booking made within the rebooking window of the client's last visit rebooks that visit."""
    try:
        client = client_store.get(a.salon_id, a.client_id)
    except NotFound:
        return
    last = client.stats.last_visit_at
    if (
        last is not None
        and last.astimezone(salon.tz).date() < a.start.astimezone(salon.tz).date()
        and a.created_at <= last + timedelta(days=REBOOK_DAYS)
    ):
        store.count_once(a.salon_id, f"booked:{a.id}", [], now, facts=[_rebooked(a.client_id, last, salon)])


def _rebooked(client_id: str, visit_start: datetime, salon: Salon) -> Fact:
    return Fact(
        f"rebooked:{client_id}:{visit_start.isoformat()}",
        (Delta(month_of(visit_start, salon), "rebooked", "all"),),
        FOREVER,
    )


# ----------------------------------------------------------------------- messages and bonus
def on_message(old: MessageRecord | None, new: MessageRecord, now: datetime) -> None:
    """A message the provider accepted, by channel, purpose and kind, with its cost (micros); one of a
    campaign's, with its cost, in what the campaign's messages cost too (in the same count)."""
    if new.status != "sent" or (old is not None and old.status == "sent") or new.sent_at is None:
        return
    month = month_of(new.sent_at, _salon(new.salon_id))
    adds = []
    if new.campaign_id and new.cost_amount is not None:
        adds.append(
            Add(
                outbox.campaign_sends_item(new.salon_id, new.campaign_id),
                (("messages", 1), ("cost_micros", int(new.cost_amount))),
                (("salon_id", new.salon_id), ("campaign_id", new.campaign_id)),
            )
        )
    store.count_once(
        new.salon_id,
        f"message:{new.message_id}",
        [Delta(month, "messages", f"{new.channel}:{new.purpose}:{new.kind}", 1, int(new.cost_amount or 0))],
        now,
        adds=adds,
    )


def on_ledger(entry: Movement, now: datetime) -> None:
    """A bonus movement by kind (accrual, redemption, expiry, reversal, adjustment), signed."""
    month = month_of(entry.created_at, _salon(entry.salon_id))
    store.count_once(
        entry.salon_id,
        f"ledger:{entry.client_id}:{entry.entry_id}",
        [Delta(month, "bonus", entry.kind, 1, int(entry.amount))],
        now,
    )


# ---------------------------------------------------------------------------------- snapshot
def take_snapshot(salon_id: str, now: datetime) -> dict:
    """Lifecycle counts, lifetime-value groups, the top clients and the bonus liability, from one
    read of the client list (the same population a segment is chosen from), packed on the way as the
    segment preview's projection."""
    # the nightly job's and the admin's alone: the stream's tallies never rank clients
    from regulars.campaigns import segments
    from regulars.campaigns.audience import take_projection

    profiles = [p for p in take_projection(salon_id, now) if not p.erased]
    ranking = segments.Ranking(profiles, now)
    lifecycle: dict[str, int] = {}
    groups = {g: {"clients": 0, "spent": 0} for g in segments.LTV_GROUPS}
    for p in profiles:
        lifecycle[p.lifecycle or "none"] = lifecycle.get(p.lifecycle or "none", 0) + 1
        g = groups[ranking.of(p).ltv_group]
        g["clients"] += 1
        g["spent"] += p.total_spent
    top = sorted((p for p in profiles if p.total_spent > 0), key=lambda p: (-p.total_spent, p.client_id))
    figures = {
        "clients": len(profiles),
        "lifecycle": lifecycle,
        "ltv_groups": groups,
        "top_clients": [
            {
                "client_id": p.client_id,
                "name": p.name,
                "visits": p.visits,
                "total_spent": p.total_spent,
                "last_visit_at": p.last_visit_at.isoformat() if p.last_visit_at else None,
                "ltv_group": ranking.of(p).ltv_group,
            }
            for p in top[:TOP_CLIENTS]
        ],
        "bonus_liability": sum(p.balance for p in profiles),
        "bonus_accounts": sum(1 for p in profiles if p.balance > 0),
    }
    store.save_snapshot(salon_id, figures, now)
    return figures


def schedule_snapshot(salon_id: str, now: datetime, *, at: datetime | None = None) -> None:
    """The snapshot job at ``at`` (tonight's hour by default); one job per salon and day."""
    salon = _salon(salon_id)
    if at is None:
        day = now.astimezone(salon.tz).date()
        at = local_instant(day, SNAPSHOT_AT, salon.tz)
        if at <= now:
            at = local_instant(day + timedelta(days=1), SNAPSHOT_AT, salon.tz)
    job_store.schedule(
        salon_id,
        f"{SNAPSHOT}-{at.astimezone(salon.tz).strftime('%Y-%m-%dT%H%M')}",
        kind=SNAPSHOT,
        subject=Subject.ANALYTICS.of(salon_id),
        due_at=at,
        now=now,
        payload={},
    )


def snapshot_job(job: DueJob, now: datetime) -> Outcome:
    figures = take_snapshot(job.salon_id, now)
    schedule_snapshot(job.salon_id, now + timedelta(minutes=1))
    return Outcome(True, f"{figures['clients']} clients")


# ------------------------------------------------------------------------------------ report
SNAPSHOT_STALE = timedelta(hours=36)


def report(salon_id: str, first: str, last: str, now: datetime) -> Report:
    """Months ``first``..``last`` of the salon's calendar: a read of their tallies and the snapshot.

    When there is no recent snapshot, one is scheduled for now (the first report starts the nightly
    chain); the report says so by an empty snapshot until it is taken."""
    from regulars.analytics.report import Snapshot, build  # the report's models: not for the stream

    salon = _salon(salon_id)
    snap = store.snapshot(salon_id)
    if snap is None or snap.taken_at < now - SNAPSHOT_STALE:
        schedule_snapshot(salon_id, now, at=now)
    return build(
        store.tallies(salon_id, first, last),
        first=first,
        last=last,
        today=now.astimezone(salon.tz).date(),
        currency=salon.currency,
        cost_rate=salon.settings.campaigns.message_cost_rate,
        snapshot=Snapshot(taken_at=snap.taken_at, **snap.figures) if snap else None,
    )
