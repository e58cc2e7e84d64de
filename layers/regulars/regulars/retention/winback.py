"""Win-back: waves of messages to a client who lapsed (the salon's delays and offers, default three),
one wave scheduling the next. A wave may carry a bonus with its own lifetime, credited through the
loyalty ledger once per wave.

A booking stops the waves: the client is won back and the pending wave is cancelled; a wave that
fires anyway re-reads the client and does nothing unless they are still in the lapse it was for. A
client without marketing consent on any channel is never contacted (nor credited).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from regulars.clients import repo as client_store
from regulars.clients.model import Client
from regulars.loyalty import credits as loyalty
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.rules.routing import Channel, Purpose, allowed
from regulars.messaging.rules.templates import MessageKind
from regulars.retention import lifecycle
from regulars.retention.rules import Status
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.outcome import Outcome
from regulars.runtime.jobs.repo import DueJob
from regulars.runtime.jobs.subjects import Subject
from regulars.salon.model import Catalog

KIND = "winback-wave"
SOURCE = "winback"


def _episode(client_id: str, last_visit: datetime) -> str:
    return f"{client_id}-{last_visit:%Y%m%dT%H%M}"


def _schedule(salon_id: str, client_id: str, wave: int, delay_days: int, lapsed_at: datetime,
              last_visit: datetime, now: datetime) -> None:
    job_store.schedule(salon_id, f"winback-{_episode(client_id, last_visit)}-{wave}", kind=KIND,
                       subject=Subject.WINBACK.of(client_id), due_at=lapsed_at + timedelta(days=delay_days),
                       now=now, payload={"client_id": client_id, "wave": wave,
                                         "lapsed_at": lapsed_at.isoformat(),
                                         "last_visit": last_visit.isoformat()})


def start(cat: Catalog, client_id: str, *, lapsed_at: datetime, last_visit: datetime | None, now: datetime) -> None:
    """The client has just lapsed: the first wave (once per lapse)."""
    rules = cat.salon.settings.retention
    if rules.winback and rules.winback_waves and last_visit is not None:
        _schedule(cat.salon.id, client_id, 1, rules.winback_waves[0].delay_days, lapsed_at, last_visit, now)


def stop(salon_id: str, client_id: str, now: datetime) -> int:
    """The client came back: cancel the pending wave."""
    return job_store.cancel_pending(salon_id, Subject.WINBACK.of(client_id), now)


def may_market(client: Client) -> bool:
    return any(allowed(client.consents, Purpose.MARKETING, channel) for channel in Channel)


def wave(job: DueJob, now: datetime) -> Outcome:
    salon_id, client_id, n = job.salon_id, job.payload["client_id"], int(job.payload["wave"])
    last_visit = datetime.fromisoformat(job.payload["last_visit"])
    seen = lifecycle.refresh(salon_id, client_id, now)
    if seen is None:
        return Outcome(False, "the client no longer exists")
    client = client_store.get(salon_id, client_id)
    if seen.status not in (Status.LAPSED, Status.LOST) or max(
            (v.at for v in lifecycle.visits_of(client)), default=None) != last_visit:
        return Outcome(False, f"the client is {seen.status.value} now")
    cat = lifecycle.catalog(salon_id)
    rules = cat.salon.settings.retention
    if not rules.winback or n > len(rules.winback_waves):
        return Outcome(False, "win-back is off")
    if not may_market(client):
        return Outcome(False, "no consent to marketing")
    spec = rules.winback_waves[n - 1]
    episode = _episode(client_id, last_visit)
    values: dict = {"offer": f"{spec.offer.strip()} " if spec.offer.strip() else "", "wave": n}
    kind = MessageKind.WINBACK
    if spec.bonus_amount and cat.salon.settings.loyalty.enabled:
        loyalty.credit(salon_id, client_id, amount=spec.bonus_amount, source=SOURCE, source_id=f"{episode}-{n}",
                       lifetime_days=spec.bonus_lifetime_days, at=job.due_at, now=now, announce=None,
                       reason=f"win-back wave {n}")
        expires = loyalty.lot_expiry(job.due_at, spec.bonus_lifetime_days)
        if expires > now:
            kind = MessageKind.WINBACK_BONUS
            values.update(amount=spec.bonus_amount, expires_at=expires.isoformat())
    outbox.plan(outbox.PlannedMessage(
        salon_id=salon_id, message_id=f"winback-{episode}-{n}", kind=kind.value, purpose=Purpose.MARKETING.value,
        recipient="client", client_id=client_id, created_at=now, values=values))
    if n < len(rules.winback_waves):
        _schedule(salon_id, client_id, n + 1, rules.winback_waves[n].delay_days,
                  datetime.fromisoformat(job.payload["lapsed_at"]), last_visit, now)
    return Outcome(True, f"wave {n} of {len(rules.winback_waves)}")
