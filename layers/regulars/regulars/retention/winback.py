"""Win-back: waves of messages to a client who lapsed (the salon's delays and offers, default three),
one wave scheduling the next. A wave may carry a bonus with its own lifetime, credited through the
loyalty ledger once per wave.

A booking stops the waves: the client is won back and the pending wave is cancelled; a wave that
fires anyway re-reads the client and does nothing unless they are still in the lapse it was for. A
client without marketing consent on any channel is never contacted (nor credited).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from regulars.clients.model import Client
from regulars.messaging.rules.routing import Channel, Purpose, allowed
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.subjects import Subject
from regulars.salon.model import Catalog

KIND = "winback-wave"
SOURCE = "winback"


def episode_of(client_id: str, last_visit: datetime) -> str:
    return f"{client_id}-{last_visit:%Y%m%dT%H%M}"


def schedule_wave(
    salon_id: str,
    client_id: str,
    wave: int,
    delay_days: int,
    lapsed_at: datetime,
    last_visit: datetime,
    now: datetime,
) -> None:
    job_store.schedule(
        salon_id,
        f"winback-{episode_of(client_id, last_visit)}-{wave}",
        kind=KIND,
        subject=Subject.WINBACK.of(client_id),
        due_at=lapsed_at + timedelta(days=delay_days),
        now=now,
        payload={
            "client_id": client_id,
            "wave": wave,
            "lapsed_at": lapsed_at.isoformat(),
            "last_visit": last_visit.isoformat(),
        },
    )


def start(
    cat: Catalog, client_id: str, *, lapsed_at: datetime, last_visit: datetime | None, now: datetime
) -> None:
    """The client has just lapsed: the first wave (once per lapse)."""
    rules = cat.salon.settings.retention
    if rules.winback and rules.winback_waves and last_visit is not None:
        schedule_wave(
            cat.salon.id, client_id, 1, rules.winback_waves[0].delay_days, lapsed_at, last_visit, now
        )


def stop(salon_id: str, client_id: str, now: datetime) -> int:
    """The client came back: cancel the pending wave."""
    return job_store.cancel_pending(salon_id, Subject.WINBACK.of(client_id), now)


def may_market(client: Client) -> bool:
    return any(allowed(client.consents, Purpose.MARKETING, channel) for channel in Channel)
