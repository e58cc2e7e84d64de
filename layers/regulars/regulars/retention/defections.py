"""Defections: every way a client slips away, recorded once with its type and, when known, its reason.

Types: a no-show; a late cancellation (inside the salon's window); a cancellation not rebooked
within the salon's days; a lapse; a loss. A cancellation the salon made (a staff member fell ill)
is not the client's defection. A reason comes from the client's unhappy rating, from the words of
a cancellation or a reply, or from the admin, who may always correct it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from regulars.booking import repo as appointment_store
from regulars.clients.model import Client
from regulars.core import appointments as m
from regulars.core.events import AppointmentEvent, EventType
from regulars.messaging.rules.keywords import normalize
from regulars.retention import repo as store
from regulars.retention import rules
from regulars.retention.rules import DEFECTION_REASONS
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.outcome import Outcome
from regulars.runtime.jobs.repo import DueJob
from regulars.runtime.jobs.subjects import Subject
from regulars.salon import repo as catalog_store
from regulars.salon.model import Catalog, Salon

CANCEL_CHECK = "cancellation-check"
REPLY_WINDOW = timedelta(days=30)  # a reply explains a defection recorded this recently

# words that give a reason away, in the languages the salon's clients write in
_REASON_WORDS: dict[str, tuple[str, ...]] = {
    "price": (
        "expensive",
        "price",
        "prices",
        "cost",
        "afford",
        "cheaper",
        "money",
        "дорого",
        "дороговато",
        "цена",
        "цены",
        "стоимость",
        "дешевле",
        "денег",
        "caro",
        "cara",
        "precio",
        "precios",
        "dinero",
        "barato",
    ),
    "quality": (
        "quality",
        "bad",
        "badly",
        "unhappy",
        "disappointed",
        "ruined",
        "terrible",
        "awful",
        "качество",
        "плохо",
        "плохой",
        "испортили",
        "недовольна",
        "недоволен",
        "ужасно",
        "calidad",
        "mal",
        "malo",
        "mala",
        "horrible",
        "decepcionada",
        "decepcionado",
    ),
    "staff": (
        "rude",
        "master",
        "stylist",
        "staff",
        "hairdresser",
        "manicurist",
        "мастер",
        "мастера",
        "мастером",
        "грубо",
        "грубая",
        "администратор",
        "estilista",
        "peluquera",
        "peluquero",
        "maleducada",
        "grosera",
    ),
    "moved_away": (
        "moved",
        "moving",
        "relocated",
        "abroad",
        "переехала",
        "переехал",
        "переезд",
        "переезжаю",
        "mudé",
        "mude",
        "mudanza",
        "mudado",
        "mudo",
    ),
    "schedule": (
        "schedule",
        "time",
        "busy",
        "work",
        "travel",
        "travelling",
        "traveling",
        "conflict",
        "unwell",
        "sick",
        "childcare",
        "некогда",
        "время",
        "времени",
        "работа",
        "занята",
        "занят",
        "болею",
        "заболела",
        "horario",
        "tiempo",
        "trabajo",
        "ocupada",
        "ocupado",
        "viaje",
        "enferma",
    ),
}


def reason_in(text: str | None) -> str | None:
    """The reason a client's own words give (the first found, in the order of DEFECTION_REASONS), or
    None when they name none."""
    if not text:
        return None
    words = set(normalize(text).split())
    for reason in DEFECTION_REASONS:
        if words & _reason_words(reason):
            return reason
    return None


@lru_cache(maxsize=len(DEFECTION_REASONS))
def _reason_words(reason: str) -> frozenset[str]:
    """The reason's words in the form replies are compared in (:func:`keywords.normalize`)."""
    return frozenset(normalize(w) for w in _REASON_WORDS.get(reason, ()))


def _salon(salon_id: str) -> Salon:
    return catalog_store.load_catalog(salon_id, max_age=catalog_store.RULES_MAX_AGE).salon


def _month(at: datetime, salon: Salon) -> str:
    """The month a defection counts in: the salon's own calendar."""
    return at.astimezone(ZoneInfo(salon.timezone)).strftime("%Y-%m")


def salon_initiated(a: m.Appointment) -> bool:
    last = next((h for h in reversed(a.history) if h.action == "cancelled"), None)
    return bool(last and (last.model_extra or {}).get("salon_initiated"))


def _of_visit(a: m.Appointment, kind: str, at: datetime, now: datetime) -> bool:
    salon = _salon(a.salon_id)
    reason = reason_in(a.cancel_reason) if kind != "no_show" else None
    return store.record(
        store.NewDefection(
            salon_id=a.salon_id,
            defection_id=f"{kind}-{a.id}",
            client_id=a.client_id,
            kind=kind,
            at=at,
            month=_month(at, salon),
            appointment_id=a.id,
            staff_id=a.staff_id,
            service_id=a.service_id,
            reason=reason,
            reason_source="cancellation" if reason else None,
            detail=a.cancel_reason if reason else None,
        ),
        now,
    )


def on_event(event: AppointmentEvent, now: datetime) -> None:
    """A no-show or a late cancellation is a defection at once; any other cancellation by the client
    is checked after the salon's days for a new booking."""
    a = event.appointment
    if event.type is EventType.NO_SHOW:
        _of_visit(a, "no_show", a.start, now)
    elif event.type is EventType.CANCELLED and not salon_initiated(a):
        if a.late_cancellation:
            _of_visit(a, "late_cancellation", a.updated_at, now)
        else:
            days = _salon(a.salon_id).settings.retention.rebooked_within_days
            job_store.schedule(
                a.salon_id,
                f"{CANCEL_CHECK}-{a.id}",
                kind=CANCEL_CHECK,
                subject=Subject.CANCELLED.of(a.id),
                due_at=a.updated_at + timedelta(days=days),
                now=now,
                payload={"appointment_id": a.id},
            )


def rebooked_or_not(job: DueJob, now: datetime) -> Outcome:
    """Did the client book again within the salon's days of cancelling? If not, a defection."""
    a = appointment_store.find(job.salon_id, job.payload["appointment_id"])
    if a is None or a.status is not m.AppointmentStatus.CANCELLED:
        return Outcome(False, "the visit is no longer a cancelled one")
    days = _salon(a.salon_id).settings.retention.rebooked_within_days
    until = a.updated_at + timedelta(days=days)
    again = [
        b
        for b in appointment_store.for_client(a.salon_id, a.client_id, limit=200)
        if b.id != a.id and a.updated_at <= b.created_at <= until
    ]
    if again:
        return Outcome(False, "rebooked")
    _of_visit(a, "cancelled_not_rebooked", a.updated_at, now)
    return Outcome(True, f"not rebooked within {days} days")


def lapse(cat: Catalog, client: Client, lapse: rules.Lapse, now: datetime) -> bool:
    """A lapse or a loss after the client's visit ``lapse.after``; the reason is their unhappy
    rating when one came after that visit."""
    complaint = (client.lifecycle or {}).get("complaint")
    reason: str | None = None
    detail: str | None = None
    if complaint and datetime.fromisoformat(complaint["at"]) >= lapse.after.at:
        reason, detail = "quality", complaint["reason"]
    return store.record(
        store.NewDefection(
            salon_id=cat.salon.id,
            defection_id=f"{lapse.kind}-{client.id}-{lapse.after.at:%Y%m%dT%H%M}",
            client_id=client.id,
            kind=lapse.kind,
            at=lapse.at,
            month=_month(lapse.at, cat.salon),
            staff_id=lapse.after.staff_id or None,
            service_id=lapse.after.service_id,
            reason=reason,
            reason_source="feedback" if reason else None,
            detail=detail,
        ),
        now,
    )


def from_reply(salon_id: str, client_id: str, text: str, now: datetime) -> str | None:
    """A client's words (a reply to a message) name a reason: it explains their latest defection
    without one, recorded in the last REPLY_WINDOW. The reason given, or None."""
    reason = reason_in(text)
    if reason is None:
        return None
    for d in store.of_client(salon_id, client_id):
        if now - d.created_at <= REPLY_WINDOW and not d.reason:
            store.set_reason(
                salon_id, d.defection_id, reason=reason, source="reply", detail=text[:500], overwrite=False
            )
            return reason
    return None
