"""A win-back wave when it falls due: re-read the client (a wave that fires after the client came back,
or for an earlier lapse, does nothing), credit the wave's bonus, plan its message, schedule the next."""

from __future__ import annotations

from datetime import datetime

from regulars.clients import repo as client_store
from regulars.loyalty import credits as loyalty
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.rules.routing import Purpose
from regulars.messaging.rules.templates import MessageKind
from regulars.retention import lifecycle
from regulars.retention.rules import Status
from regulars.retention.winback import SOURCE, episode_of, may_market, schedule_wave
from regulars.runtime.jobs.outcome import Outcome
from regulars.runtime.jobs.repo import DueJob


def wave(job: DueJob, now: datetime) -> Outcome:
    salon_id, client_id, n = job.salon_id, job.payload["client_id"], int(job.payload["wave"])
    last_visit = datetime.fromisoformat(job.payload["last_visit"])
    seen = lifecycle.refresh(salon_id, client_id, now)
    if seen is None:
        return Outcome(False, "the client no longer exists")
    client = client_store.get(salon_id, client_id)
    if (
        seen.status not in (Status.LAPSED, Status.LOST)
        or max((v.at for v in lifecycle.visits_of(client)), default=None) != last_visit
    ):
        return Outcome(False, f"the client is {seen.status.value} now")
    cat = lifecycle.catalog(salon_id)
    rules = cat.salon.settings.retention
    if not rules.winback or n > len(rules.winback_waves):
        return Outcome(False, "win-back is off")
    if not may_market(client):
        return Outcome(False, "no consent to marketing")
    spec = rules.winback_waves[n - 1]
    episode = episode_of(client_id, last_visit)
    values: dict = {"offer": f"{spec.offer.strip()} " if spec.offer.strip() else "", "wave": n}
    kind = MessageKind.WINBACK
    if spec.bonus_amount and cat.salon.settings.loyalty.enabled:
        loyalty.credit(
            salon_id,
            client_id,
            amount=spec.bonus_amount,
            source=SOURCE,
            source_id=f"{episode}-{n}",
            lifetime_days=spec.bonus_lifetime_days,
            at=job.due_at,
            now=now,
            announce=None,
            reason=f"win-back wave {n}",
        )
        expires = loyalty.lot_expiry(job.due_at, spec.bonus_lifetime_days)
        if expires > now:
            kind = MessageKind.WINBACK_BONUS
            values.update(amount=spec.bonus_amount, expires_at=expires.isoformat())
    outbox.plan(
        outbox.PlannedMessage(
            salon_id=salon_id,
            message_id=f"winback-{episode}-{n}",
            kind=kind.value,
            purpose=Purpose.MARKETING.value,
            recipient="client",
            client_id=client_id,
            created_at=now,
            values=values,
        )
    )
    if n < len(rules.winback_waves):
        schedule_wave(
            salon_id,
            client_id,
            n + 1,
            rules.winback_waves[n].delay_days,
            datetime.fromisoformat(job.payload["lapsed_at"]),
            last_visit,
            now,
        )
    return Outcome(True, f"wave {n} of {len(rules.winback_waves)}")
