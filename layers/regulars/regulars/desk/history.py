"""A client's whole history in one view: visits and what they spent, preferences, feedback and
complaints, defections, messages, the bonus ledger (one Query of everything filed under the client)."""

from __future__ import annotations

from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

from regulars.clients import repo as client_store
from regulars.core import appointments as m
from regulars.desk import repo as store
from regulars.loyalty import repo as loyalty_store
from regulars.salon import repo as catalog_store

MESSAGE_FIELDS = (
    "message_id",
    "kind",
    "purpose",
    "channel",
    "status",
    "skip_reason",
    "error",
    "text",
    "created_at",
    "sent_at",
    "delivered_at",
    "cost_amount",
    "cost_currency",
    "route",
)


def client_history(salon_id: str, client_id: str) -> dict:
    """One Query of everything filed under the client, and the client."""
    cat = catalog_store.load_catalog(salon_id, max_age=catalog_store.RULES_MAX_AGE)
    client = client_store.get(salon_id, client_id)
    found = store.filed_under(salon_id, client_id)
    visits = found.visits
    done = [a for a in visits if a.status is m.AppointmentStatus.COMPLETED]
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
    feedback = found.feedback
    account = loyalty_store.account(salon_id, client_id)
    return {
        "client": {
            **client.model_dump(mode="json", exclude={"stats"}),
            "stats": client.stats.model_dump(mode="json", exclude={"visit_log"}),
        },
        "preferences": {
            "services": [names.get(s, s) for s, _ in by_service.most_common(3)],
            "staff": [staff_names.get(s, s) for s, _ in by_staff.most_common(2)],
            "time_of_day": hours.most_common(1)[0][0] if hours else None,
        },
        "spend": {
            "total": paid,
            "average": paid // len(done) if done else 0,
            "bonus_used": sum(int(a.bonus_amount or 0) for a in done),
            "refunded": sum(int(a.paid_amount or 0) for a in done if a.refunded_at),
            "currency": cat.salon.currency,
        },
        "services": [
            {
                "service_id": s,
                "name": names.get(s, s),
                "visits": n,
                "spent": spend_by_service[s],
                "last": max(a.start for a in done if a.service_id == s).isoformat(),
            }
            for s, n in by_service.most_common()
        ],
        "staff": [
            {"staff_id": s, "name": staff_names.get(s, s), "visits": n} for s, n in by_staff.most_common()
        ],
        "visits": [
            {
                "id": a.id,
                "start": a.start.isoformat(),
                "service": names.get(a.service_id, a.service_id),
                "staff": staff_names.get(a.staff_id, a.staff_id),
                "status": a.status.value,
                "price": a.price.amount,
                "paid": a.paid_amount,
                "bonus": a.bonus_amount,
                "late_cancellation": bool(a.late_cancellation),
                "cancel_reason": a.cancel_reason,
                "refunded": a.refunded_at is not None,
            }
            for a in visits
        ],
        "feedback": feedback,
        "complaints": [
            *({"kind": "rating", **f} for f in feedback if f["mood"] == "unhappy"),
            *({"kind": "task", **t} for t in found.tasks),
        ],
        "defections": found.defections,
        "messages": [{k: v for k, v in msg.items() if k in MESSAGE_FIELDS} for msg in found.messages],
        "ledger": found.ledger,
        "bonus_balance": int(account.balance or 0) if account else 0,
    }


def _part_of_day(hour: int) -> str:
    return "morning" if hour < 12 else "afternoon" if hour < 17 else "evening"
