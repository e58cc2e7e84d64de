"""Burning: a lot's expiry job, written with the lot, that writes off what is left of it when its
time comes; and one warning to the client before their lots of a day burn.

Both jobs re-read what they act on: a lot spent meanwhile is not written off, a warning about a lot
spent meanwhile is not sent."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from regulars.loyalty import repo as store
from regulars.loyalty import rules
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.rules.templates import MessageKind
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.outcome import Outcome
from regulars.runtime.jobs.repo import DueJob
from regulars.runtime.jobs.subjects import Subject
from regulars.salon import repo as catalog_store

EXPIRY = "lot-expiry"
WARNING = "burn-warning"


def expiry_job(client_id: str, lot_id: str, expires_at: datetime) -> job_store.NewJob:
    """The job that writes the lot off when it burns (written in the lot's own transaction)."""
    return job_store.NewJob(
        f"{EXPIRY}-{client_id}-{lot_id}",
        kind=EXPIRY,
        subject=Subject.LOT.of(client_id, lot_id),
        due_at=expires_at,
        payload={"client_id": client_id, "lot_id": lot_id},
    )


def plan_warning(
    salon_id: str, client_id: str, expires_at: datetime, now: datetime, days_before: int, zone: ZoneInfo
) -> None:
    """One warning, ``days_before`` the day, for every lot of the client that burns on that day of the
    salon's calendar (two lots burning at 17:00 and 19:00 in Mexico City burn on one day, though 19:00
    there is the next day in UTC)."""
    due = expires_at - timedelta(days=days_before)
    if days_before == 0 or due < now:
        return
    day = expires_at.astimezone(zone).date()
    job_store.schedule(
        salon_id,
        # "L": a day of the salon's calendar; a warning planned before names a UTC day under the id
        # without it, and the two must not be taken for each other
        f"{WARNING}-{client_id}-L{day:%Y%m%d}",
        kind=WARNING,
        subject=Subject.LOYALTY.of(client_id),
        due_at=due,
        now=now,
        payload={"client_id": client_id, "day": day.isoformat(), "calendar": "salon"},
    )


def expire(job: DueJob, now: datetime) -> Outcome:
    client_id, lot_id = job.payload["client_id"], job.payload["lot_id"]
    lot = store.lot_item(job.salon_id, client_id, lot_id)
    if lot is None or lot.status != "open" or int(lot.remaining) == 0:
        return Outcome(False, "nothing left to burn")
    if lot.expires_at > now:
        return Outcome(False, "not burned yet")
    try:
        burned = store.write_off(
            job.salon_id,
            client_id,
            lot,
            entry_id=f"expiry:{lot_id}",
            kind="expiry",
            status="expired",
            source=lot.source,
            source_id=lot.source_id,
            by="system",
            now=now,
        )
    except store.AlreadyRecorded:
        return Outcome(False, "written off before")
    return Outcome(True, f"{burned} burned")


def warn(job: DueJob, now: datetime) -> Outcome:
    client_id, day = job.payload["client_id"], date.fromisoformat(job.payload["day"])
    # a warning planned before days were the salon's names a UTC day
    zone = (
        catalog_store.load_catalog(job.salon_id, max_age=catalog_store.RULES_MAX_AGE).salon.tz
        if job.payload.get("calendar") == "salon"
        else ZoneInfo("UTC")
    )
    burning = [
        lot
        for lot in rules.usable(store.lots(job.salon_id, client_id), now)
        if lot.expires_at.astimezone(zone).date() == day
    ]
    amount = sum(lot.remaining for lot in burning)
    if amount == 0:
        return Outcome(False, "nothing burns that day any more")
    outbox.plan(
        outbox.PlannedMessage(
            salon_id=job.salon_id,
            message_id=job.job_id,
            kind=MessageKind.BONUS_BURN_WARNING.value,
            purpose="transactional",
            recipient="client",
            client_id=client_id,
            created_at=now,
            values={"amount": amount, "expires_at": min(lot.expires_at for lot in burning).isoformat()},
        )
    )
    return Outcome(True, f"warned of {amount}")
