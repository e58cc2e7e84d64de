"""Each client's lifecycle status (new, active, at risk, lapsed, lost, won back) with its reason,
kept by the stream processor and by due jobs.

:func:`refresh` reads what the table holds about a client (the visit log on the client item, their
next booking, an unhappy rating), asks :mod:`regulars.retention.rules` for the status, writes it
(and the lifecycle index) when it changed, and schedules a check at the moment it will change next,
so a client becomes at risk, lapsed and lost on time with no sweep over the salon's clients.

The stream processor refreshes each client its batch touched once, after the batch (a client's
history imported at once costs one refresh per batch, not one per visit). What only the passing of
time proves (a lapse since the last visit; the win-back waves it starts) is acted on by the check
job, never from the stream: a stream still catching up on a client's visits must not record a lapse
the next record disproves.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from regulars.booking import repo as appointment_store
from regulars.clients import repo as client_store
from regulars.clients.model import Client
from regulars.core.errors import NotFound
from regulars.retention import defections, rules, winback
from regulars.retention.rules import Status
from regulars.runtime import afterwards
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.outcome import Outcome
from regulars.runtime.jobs.repo import DueJob
from regulars.runtime.jobs.subjects import Subject
from regulars.salon import repo as catalog_store
from regulars.salon.model import Catalog
from regulars.salon.settings.retention import RetentionSettings

KIND = "lifecycle-check"
FRESH_LAPSE = timedelta(days=7)  # a lapse older than this when first seen (imported history) starts no waves


def catalog(salon_id: str) -> Catalog:
    return catalog_store.load_catalog(salon_id, max_age=catalog_store.RULES_MAX_AGE)


def rules_of(settings: RetentionSettings) -> rules.Rules:
    return rules.Rules(
        at_risk_factor=settings.at_risk_factor,
        lapsed_days=settings.lapsed_days,
        lost_days=settings.lost_days,
        own_cadence_visits=settings.own_cadence_visits,
        default_interval_days=settings.default_interval_days,
    )


def intervals_of(cat: Catalog) -> rules.Intervals:
    return rules.Intervals(
        days={s.id: s.repeat_interval_days for s in cat.services.values()},
        names={s.id: s.name for s in cat.services.values()},
    )


def visits_of(client: Client) -> list[rules.Visit]:
    return [
        rules.Visit(
            datetime.fromisoformat(e[0]),
            e[1],
            e[2] if len(e) > 2 else "",
            datetime.fromisoformat(e[3]) if len(e) > 3 and e[3] else None,
        )
        for e in client.stats.visit_log
    ]


def next_booking(salon_id: str, client_id: str, now: datetime) -> rules.Booking | None:
    """The client's next booked visit (their visits come newest first: the future ones lead)."""
    upcoming = [
        a
        for a in appointment_store.for_client(salon_id, client_id, limit=10)
        if a.status.active and a.start > now
    ]
    if not upcoming:
        return None
    first = min(upcoming, key=lambda a: a.start)
    return rules.Booking(first.start, first.created_at)


def complaint_of(client: Client) -> rules.Complaint | None:
    c = (client.lifecycle or {}).get("complaint")
    return rules.Complaint(datetime.fromisoformat(c["at"]), c["reason"]) if c else None


def assess(cat: Catalog, client: Client, now: datetime, booking: rules.Booking | None) -> rules.Assessment:
    return rules.assess(
        visits_of(client),
        now=now,
        rules=rules_of(cat.salon.settings.retention),
        intervals=intervals_of(cat),
        booking=booking,
        complaint=complaint_of(client),
    )


def refresh(
    salon_id: str, client_id: str, now: datetime, *, settled: bool = False
) -> rules.Assessment | None:
    """Bring the client's status up to date; ``settled``: called by a job, when time has proved
    what it says (lapses since the last visit are recorded and win-back begins). None: no client."""
    cat = catalog(salon_id)
    try:
        client = client_store.get(salon_id, client_id)
    except NotFound:
        return None
    retention = cat.salon.settings.retention
    booking = next_booking(salon_id, client_id, now)
    seen = assess(cat, client, now, booking)
    previous = client.lifecycle or {}
    visits = visits_of(client)
    lapses = rules.lapses(visits, now=now, rules=rules_of(retention), booking=booking)
    last_visit = max((v.at for v in visits), default=None)
    # a gap between two visits is known; one since the last visit only once time has proved it (the
    # stream may not have brought the client's later visits yet)
    proven = [lp for lp in lapses if settled or lp.after.at != last_visit]
    through = previous.get("lapses_through")
    for lapse in proven:
        if through is None or lapse.at.isoformat() > through:
            defections.lapse(cat, client, lapse, now)
    record = {
        **seen.as_record(),
        "complaint": previous.get("complaint"),
        "lapses_through": max([through or "", *(lp.at.isoformat() for lp in proven)]) or None,
    }
    if record != previous:
        client_store.modify(
            salon_id,
            client_id,
            lambda c: {
                "lifecycle": {**record, "complaint": (c.lifecycle or {}).get("complaint")},
                "lifecycle_status": seen.status.value,
                "lifecycle_since": seen.since or c.created_at,
            },
        )
    if seen.next_check_at is not None:
        _check_at(salon_id, client_id, seen.next_check_at, now)
    if len(proven) < len(lapses) and not settled:  # a lapse since the last visit: the check job proves it
        _check_at(salon_id, client_id, now, now)
    if (
        settled
        and seen.status is Status.LAPSED
        and seen.since
        and now - seen.since <= FRESH_LAPSE
        and client.erased_at is None
    ):  # an erased client is counted, never written to
        winback.start(cat, client_id, lapsed_at=seen.since, last_visit=last_visit, now=now)
    if seen.status is Status.WON_BACK and previous.get("status") in (Status.LAPSED.value, Status.LOST.value):
        winback.stop(salon_id, client_id, now)
    return seen


def _check_at(salon_id: str, client_id: str, at: datetime, now: datetime) -> None:
    job_store.schedule(
        salon_id,
        f"{KIND}-{client_id}-{at:%Y%m%dT%H%M}",
        kind=KIND,
        subject=Subject.CLIENT.of(client_id),
        due_at=at,
        now=now,
        payload={"client_id": client_id},
    )


def check(job: DueJob, now: datetime) -> Outcome:
    seen = refresh(job.salon_id, job.payload["client_id"], now, settled=True)
    if seen is None:
        return Outcome(False, "the client no longer exists")
    return Outcome(True, f"{seen.status.value}: {seen.reason}")


def complain(
    salon_id: str, client_id: str, reason: str, now: datetime, *, at: datetime | None = None
) -> None:
    """An unhappy rating (given ``at``, else now): the client is at risk for it until their next visit."""
    given = (at or now).isoformat()
    client_store.modify(
        salon_id,
        client_id,
        lambda c: {"lifecycle": {**(c.lifecycle or {}), "complaint": {"at": given, "reason": reason}}},
    )
    refresh(salon_id, client_id, now)


# --- one refresh per client per stream batch -------------------------------------------------------
def touch(salon_id: str, client_id: str, now: datetime) -> None:
    """The client's status may have changed: refreshed once at the end of the stream's batch."""
    afterwards.once_per_client(_refresh_after, salon_id, client_id, now)


def _refresh_after(salon_id: str, client_id: str, now: datetime, _cause: str) -> None:
    refresh(salon_id, client_id, now)
