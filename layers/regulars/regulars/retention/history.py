"""What the admin sees of retention: a client's whole history in one view, the clients in a
lifecycle status with the reason as of now, the defections and their statistics; and the reason the
admin gives for a defection."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

from regulars.booking.items import Appointment
from regulars.clients import repo as client_store
from regulars.core import appointments as m
from regulars.feedback.items import Feedback, Task
from regulars.loyalty import repo as loyalty_store
from regulars.loyalty.items import LedgerEntry
from regulars.messaging.outbox.items import Message
from regulars.retention import lifecycle
from regulars.retention import repo as store
from regulars.retention.items import Defection
from regulars.retention.rules import Status


def client_history(salon_id: str, client_id: str) -> dict:
    """One Query of everything filed under the client, and the client item."""
    cat = lifecycle.catalog(salon_id)
    client = client_store.get(salon_id, client_id)
    items = store.history(salon_id, client_id)

    def of(cls: type) -> list:
        return [i for i in items if isinstance(i, cls)]

    visits = sorted(of(Appointment), key=lambda a: a.start, reverse=True)
    done = [a for a in visits if a.status == m.AppointmentStatus.COMPLETED.value]
    names = {s.id: s.name for s in cat.services.values()}
    staff_names = {s.id: s.name for s in cat.staff.values()}
    by_service = Counter(a.service_id for a in done)
    by_staff = Counter(a.staff_id for a in done)
    spend_by_service: dict[str, int] = defaultdict(int)
    for a in done:
        spend_by_service[a.service_id] += int(a.paid_amount or 0)
    tz = ZoneInfo(cat.salon.timezone)
    hours = Counter(_part_of_day(a.start.astimezone(tz).hour) for a in done)
    paid = sum(int(a.paid_amount or 0) for a in done)
    feedback = sorted(of(Feedback), key=lambda f: f.created_at, reverse=True)
    tasks = of(Task)
    account = loyalty_store.account(salon_id, client_id)
    return {
        "client": {**client.model_dump(mode="json", exclude={"stats"}),
                   "stats": client.stats.model_dump(mode="json", exclude={"visit_log"})},
        "preferences": {
            "services": [names.get(s, s) for s, _ in by_service.most_common(3)],
            "staff": [staff_names.get(s, s) for s, _ in by_staff.most_common(2)],
            "time_of_day": hours.most_common(1)[0][0] if hours else None,
        },
        "spend": {"total": paid, "average": paid // len(done) if done else 0,
                  "bonus_used": sum(int(a.bonus_amount or 0) for a in done),
                  "refunded": sum(int(a.paid_amount or 0) for a in done if a.refunded_at), "currency": cat.salon.currency},
        "services": [{"service_id": s, "name": names.get(s, s), "visits": n, "spent": spend_by_service[s],
                      "last": max(a.start for a in done if a.service_id == s).isoformat()}
                     for s, n in by_service.most_common()],
        "staff": [{"staff_id": s, "name": staff_names.get(s, s), "visits": n} for s, n in by_staff.most_common()],
        "visits": [{"id": a.appointment_id, "start": a.start.isoformat(), "service": names.get(a.service_id, a.service_id),
                    "staff": staff_names.get(a.staff_id, a.staff_id), "status": a.status, "price": int(a.price_amount),
                    "paid": a.paid_amount, "bonus": a.bonus_amount, "late_cancellation": bool(a.late_cancellation),
                    "cancel_reason": a.cancel_reason, "refunded": a.refunded_at is not None} for a in visits],
        "feedback": [store.dump(f) for f in feedback],
        "complaints": [*({"kind": "rating", **store.dump(f)} for f in feedback if f.mood == "unhappy"),
                       *({"kind": "task", **store.dump(t)} for t in tasks)],
        "defections": [store.dump(d) for d in sorted(of(Defection), key=lambda d: d.at, reverse=True)],
        "messages": [{k: v for k, v in store.dump(msg).items()
                      if k in ("message_id", "kind", "purpose", "channel", "status", "skip_reason", "error", "text",
                               "created_at", "sent_at", "delivered_at", "cost_amount", "cost_currency", "route")}
                     for msg in sorted(of(Message), key=lambda x: x.created_at, reverse=True)],
        "ledger": [store.dump(e) for e in sorted(of(LedgerEntry), key=lambda e: e.created_at, reverse=True)],
        "bonus_balance": int(account.balance or 0) if account else 0,
    }


def _part_of_day(hour: int) -> str:
    return "morning" if hour < 12 else "afternoon" if hour < 17 else "evening"


def in_status(salon_id: str, status: Status, now: datetime, *, limit: int, cursor: str | None) -> tuple[list[dict], str | None]:
    """Clients in a lifecycle status, the latest to enter it first, with the reason as of now and
    what they are worth (visits, spend)."""
    cat = lifecycle.catalog(salon_id)
    items, following = store.in_status(salon_id, status.value, limit=limit, cursor=cursor)
    out = []
    for item in items:
        client = client_store.to_domain(item)
        if client.erased_at is not None:  # erased before erasure took clients out of the index
            continue
        record = client.lifecycle or {}
        seen = lifecycle.assess(cat, client, now, None) if status in (Status.AT_RISK, Status.LAPSED, Status.LOST) \
            else None
        fresh = seen if seen is not None and seen.status is status else None
        out.append({
            "client_id": client.id, "name": client.name, "phone": client.phone, "status": status.value,
            "reason": fresh.reason if fresh else record.get("reason", "no visit yet"),
            "since": record.get("since"),
            "visits": client.stats.visits, "total_spent": client.stats.total_spent,
            "average_spend": client.stats.total_spent // client.stats.visits if client.stats.visits else 0,
            "last_visit_at": client.stats.last_visit_at, "cadence_days": record.get("cadence_days"),
        })
    return out, following


def defection_stats(salon_id: str, first_month: str, last_month: str) -> dict:
    months = store.tallies(salon_id, first_month, last_month)
    total: dict[str, Counter] = {d: Counter() for d in store.DIMENSIONS}
    by_month = {}
    for month, dims in months.items():
        for d in store.DIMENSIONS:
            total[d].update(dims.get(d, {}))
        by_month[month] = {"total": sum(dims.get("all", {}).values()),
                           **{f"by_{d}": dict(dims.get(d, {})) for d in store.DIMENSIONS}}
    return {"first_month": first_month, "last_month": last_month,
            "total": sum(m["total"] for m in by_month.values()),
            **{f"by_{d}": dict(total[d]) for d in store.DIMENSIONS}, "by_month": by_month}


def defections(salon_id: str, since: datetime, until: datetime, *, limit: int) -> list[dict]:
    """The salon's defections between two instants, newest first."""
    return [defection_view(d) for d in store.listed(salon_id, since, until, limit=limit)]


def give_reason(salon_id: str, defection_id: str, reason: str, note: str | None, by: str) -> dict:
    """The admin says why a client defected: it replaces any reason known (the admin may always correct it)."""
    d = store.set_reason(salon_id, defection_id, reason=reason, source="admin", detail=note or f"set by {by}")
    assert d is not None  # set with overwrite: never refused
    return defection_view(d)


def defection_view(d: Defection) -> dict:
    return {"id": d.defection_id, "client_id": d.client_id, "type": d.kind, "at": d.at, "month": d.month,
            "appointment_id": d.appointment_id, "staff_id": d.staff_id, "service_id": d.service_id,
            "reason": d.reason, "reason_source": d.reason_source, "detail": d.detail}
