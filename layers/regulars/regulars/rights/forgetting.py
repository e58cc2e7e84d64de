"""Forgetting the clients who stopped coming, when the salon chose to (its data retention setting,
off by default): each night the clients whose last visit (or creation, if they never came) is more
than the salon's number of years ago, and who have nothing booked, are erased as if they had asked,
each erasure audited as done by ``system:retention``.

No scan. The candidates come from the lifecycle index, where every client who is not erased is
listed under their status since the moment they entered it, and that moment bounds their last visit:
a lost client entered "lost" ``lost_days`` after it, a lapsed one ``lapsed_days`` after it, one at
risk before ``lapsed_days`` after it, and a new, active or won-back client at it or before (a client
never assessed: at their creation). So each status is read only up to the cutoff plus its delay, and
each client read is checked exactly (last visit, creation, latest booking, nothing to come) before
being erased. The dates in the index are those of the rules in force when the client was last
assessed: after the salon shortens ``lost_days`` or ``lapsed_days``, a client assessed under the
longer delay is found once that delay has passed.

The run is chained the way the analytics snapshot is: changing the setting schedules tonight's run,
each run schedules the next night's while the setting is on, and a night with more to erase than one
run should do continues a minute later.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from regulars.booking import repo as appointment_store
from regulars.clients.model import Client
from regulars.core.errors import Conflict
from regulars.retention import lifecycle
from regulars.retention import repo as store
from regulars.retention.rules import Status
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.outcome import Outcome
from regulars.runtime.jobs.repo import DueJob
from regulars.salon import forgetting as tonight
from regulars.salon.model import Salon
from regulars.salon.settings.retention import RetentionSettings

KIND = tonight.KIND
WHO = "system:retention"
PER_RUN = 25  # erasures in one run (each is some dozens of reads and writes); more continue a minute later


def years_before(now: datetime, years: int) -> datetime:
    """The same moment ``years`` calendar years earlier (29 February becomes the 28th)."""
    try:
        return now.replace(year=now.year - years)
    except ValueError:
        return now.replace(year=now.year - years, day=28)


def _entered_by(rules: RetentionSettings, cutoff: datetime) -> dict[Status, datetime]:
    """The latest moment a client whose last visit was at ``cutoff`` can have entered each status."""
    lapsed, lost = timedelta(days=rules.lapsed_days), timedelta(days=rules.lost_days)
    return {
        Status.LOST: cutoff + lost,
        Status.LAPSED: cutoff + lapsed,
        Status.AT_RISK: cutoff + lapsed,
        Status.NEW: cutoff,
        Status.ACTIVE: cutoff,
        Status.WON_BACK: cutoff,
    }


def _inactive(salon_id: str, client: Client, cutoff: datetime, now: datetime) -> bool:
    """No visit, no creation and no booking made since ``cutoff``, and nothing to come."""
    if (client.stats.last_visit_at or client.created_at) > cutoff:
        return False
    recent = appointment_store.for_client(salon_id, client.id, limit=10)
    return not any(a.created_at > cutoff or (a.status.active and a.end > now) for a in recent)


def candidates(salon: Salon, years: int, now: datetime) -> Iterator[Client]:
    """The salon's clients inactive for more than ``years``, found through the lifecycle index."""
    cutoff = years_before(now, years)
    for status, until in _entered_by(salon.settings.retention, cutoff).items():
        for client in store.listed_before(salon.id, status.value, until):
            if _inactive(salon.id, client, cutoff, now):
                yield client


def forget_inactive(salon: Salon, now: datetime, *, limit: int) -> int:
    """Erase up to ``limit`` inactive clients (none unless the salon chose a number of years)."""
    from regulars.rights import (
        service as rights,  # the erasure use case (it reaches into messaging and loyalty)
    )

    years = salon.settings.data_retention.forget_inactive_after_years
    if years is None:
        return 0
    erased = 0
    for client in candidates(salon, years, now):
        try:
            rights.erase(
                salon.id,
                client.id,
                WHO,
                now,
                reason=f"no visit for more than {years} years (the salon's data retention)",
            )
        except Conflict:  # booked or changed meanwhile: not inactive after all, or next night
            continue
        erased += 1
        if erased == limit:
            break
    return erased


def nightly(job: DueJob, now: datetime) -> Outcome:
    salon = lifecycle.catalog(job.salon_id).salon
    years = salon.settings.data_retention.forget_inactive_after_years
    if years is None:
        return Outcome(False, "the salon keeps the data of clients who stopped coming")
    erased = forget_inactive(salon, now, limit=PER_RUN)
    if erased == PER_RUN:  # more tonight: the next run in a minute
        night, n = date.fromisoformat(job.payload["night"]), int(job.payload["run"]) + 1
        job_store.schedule(
            salon.id,
            tonight.job_id(night, n),
            kind=KIND,
            subject=job.subject,
            due_at=now + timedelta(minutes=1),
            now=now,
            payload={"night": night.isoformat(), "run": n},
        )
    else:
        tonight.schedule(salon, now + timedelta(minutes=1))
    return Outcome(True, f"{erased} clients with no visit for more than {years} years erased")
