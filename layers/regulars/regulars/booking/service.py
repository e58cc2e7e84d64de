"""Booking use cases: free slots, booking, moving, confirming, cancelling, completing, no-shows.

Rules live here; storage is the store's business. Every function takes ``now``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from regulars.booking import model as m
from regulars.booking import repo as store
from regulars.booking.schedule import Interval, free_starts, local_instant, on_grid
from regulars.clients import repo as client_store
from regulars.clients.model import Client
from regulars.core.errors import Conflict, IdempotencyReplay, InvalidInput, NotAllowed, NotFound, SlotTaken
from regulars.core.ids import new_id
from regulars.core.phones import to_e164
from regulars.salon import repo as catalog_store
from regulars.salon.model import Catalog, Salon, Service, StaffMember
from regulars.store import idempotency

CONSENT_TEXT = "I agree to receive offers and news from {salon} by message. I can opt out at any time."


@dataclass(frozen=True)
class ClientInput:
    name: str
    phone: str
    email: str | None = None
    locale: str | None = None


@dataclass(frozen=True)
class BookingRequest:
    service_id: str
    start: datetime
    client: ClientInput
    staff_id: str | None = None
    marketing_consent: bool | None = None
    referral_code: str | None = None  # a new client brought by another (their bonus comes after a paid visit)


@dataclass(frozen=True)
class Slot:
    start: datetime
    staff_id: str


# ------------------------------------------------------------------------------------------ slots
def _require_service(catalog: Catalog, service_id: str, field: str = "service_id") -> Service:
    service = catalog.service(service_id)
    if service is None:
        raise InvalidInput.field(field, "no such service at this salon", code="unknown_service")
    return service


def _candidates(catalog: Catalog, service: Service, staff_id: str | None) -> list[StaffMember]:
    if staff_id is None:
        return catalog.staff_for(service.id)
    member = catalog.staff.get(staff_id)
    if member is None or not member.active:
        raise InvalidInput.field("staff_id", "no such staff member at this salon", code="unknown_staff")
    if service.id not in member.service_ids:
        raise InvalidInput.field("staff_id", "this staff member does not do this service", code="staff_mismatch")
    return [member]


def _day_bounds(day: date, catalog: Catalog) -> tuple[datetime, datetime]:
    tz = catalog.salon.tz
    return local_instant(day, time(0, 0), tz), local_instant(day + timedelta(days=1), time(0, 0), tz)


def _starts_for(
    catalog: Catalog,
    member: StaffMember,
    service: Service,
    day: date,
    *,
    earliest: datetime,
    ignore: str | None = None,
    with_busy: bool = True,
) -> list[datetime]:
    busy: list[Interval] = []
    if with_busy:
        lo, hi = _day_bounds(day, catalog)
        busy = [
            Interval(a.start, a.end)
            for a in store.for_staff(catalog.salon.id, member.id, lo, hi)
            if a.status is not m.AppointmentStatus.CANCELLED and a.id != ignore  # done visits hold their time
        ]
    return free_starts(
        day=day,
        tz=catalog.salon.tz,
        pattern=member.pattern(),
        busy=busy,
        duration=service.duration,
        step=timedelta(minutes=catalog.salon.settings.slot_step_minutes),
        earliest=earliest,
    )


def _window(catalog: Catalog, now: datetime) -> tuple[datetime, datetime]:
    s = catalog.salon.settings
    return now + timedelta(minutes=s.min_notice_minutes), now + timedelta(days=s.booking_horizon_days)


def free_slots(catalog: Catalog, service_id: str, day: date, staff_id: str | None, now: datetime) -> list[Slot]:
    service = _require_service(catalog, service_id)
    earliest, latest = _window(catalog, now)
    tz = catalog.salon.tz
    if not earliest.astimezone(tz).date() <= day <= latest.astimezone(tz).date():
        _candidates(catalog, service, staff_id)  # still refuse an unknown staff member
        return []
    out = []
    for member in _candidates(catalog, service, staff_id):
        out += [Slot(t, member.id) for t in _starts_for(catalog, member, service, day, earliest=earliest) if t <= latest]
    return sorted(out, key=lambda s: (s.start, s.staff_id))


# ---------------------------------------------------------------------------------------- booking
def _aware(value: datetime, field: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput.field(field, "must include a UTC offset, e.g. 2026-11-23T10:00:00+01:00")
    return value


def _placeable(
    catalog: Catalog,
    service: Service,
    candidates: list[StaffMember],
    start: datetime,
    *,
    earliest: datetime,
    latest: datetime,
    ignore: str | None = None,
    respect_hours: bool = True,
    field: str = "start",
) -> list[StaffMember]:
    """The candidates for whom ``start`` is a free slot, in order; raises when none is."""
    start = _aware(start, field)
    if not on_grid(start):
        raise InvalidInput.field(field, "must be on a 5-minute boundary", code="not_a_slot")
    if start < earliest:
        raise InvalidInput.field(field, "too soon: the salon needs more notice", code="too_soon")
    if start > latest:
        raise InvalidInput.field(field, "too far ahead for online booking", code="too_far")
    if not respect_hours:
        return candidates
    day = start.astimezone(catalog.salon.tz).date()
    in_hours = [
        mem for mem in candidates
        if start in _starts_for(catalog, mem, service, day, earliest=earliest, with_busy=False)
    ]
    if not in_hours:
        raise InvalidInput.field(field, "not a bookable time for this service", code="not_a_slot")
    free = [
        mem for mem in in_hours
        if start in _starts_for(catalog, mem, service, day, earliest=earliest, ignore=ignore)
    ]
    if not free:
        raise SlotTaken("this time is already taken", code="slot_taken")
    return free


@dataclass(frozen=True)
class Booked:
    appointment: m.Appointment
    client_id: str
    new_client: bool
    proven: bool = True  # the phone is the booker's (a code, or the salon's own desk)


Admit = Callable[[Catalog, str, str | None], bool]


def book(
    salon_id: str,
    request: BookingRequest,
    *,
    now: datetime,
    source: m.Source,
    answer: Callable[[Booked], tuple[int, str]],
    idempotency_key: str | None = None,
    respect_hours: bool = True,
    ids: Callable[[datetime], str] = new_id,
    catalog_max_age: float = 0.0,
    admit: Admit | None = None,
) -> Booked:
    """Book a visit. With an Idempotency-Key, a replay raises IdempotencyReplay with the first
    answer; ``answer`` renders the (status, body) to store with the booking itself.

    ``admit(catalog, phone, known client)`` decides whether an anonymous booking may go ahead (it
    raises when not) and whether its phone is proven; without it (the salon's own desk) the
    booking is the salon's word. An unproven booking for a phone the salon knows attaches to that
    client and changes nothing of them (name, consent); one for a new phone records no consent.

    A replay that arrives while its first request is still running sees that request's booking
    as a taken slot: whenever a key was given, a refusal re-reads the key and answers as the first
    request did, or 409 ``idempotency_in_progress`` while it has not committed yet."""
    catalog = catalog_store.load_catalog(salon_id, max_age=catalog_max_age)
    phone = to_e164(request.client.phone, catalog.salon.country, field="client.phone")
    scope = f"booking:{source.value}"
    fingerprint = idempotency.request_hash(
        {"service_id": request.service_id, "staff_id": request.staff_id,
         "start": request.start.astimezone(now.tzinfo).isoformat() if request.start.tzinfo else request.start,
         "phone": phone, "name": request.client.name.strip()}
    )
    record, known_client = idempotency.lookup_with_phone(salon_id, scope, idempotency_key, phone)
    if record is not None:
        _replay(record, fingerprint)
    proven = admit(catalog, phone, known_client) if admit is not None else True
    try:
        return _book(salon_id, request, catalog, phone, known_client, now=now, source=source, answer=answer,
                     stored=(scope, idempotency_key, fingerprint) if idempotency_key else None,
                     respect_hours=respect_hours, ids=ids, proven=proven)
    except (SlotTaken, store.IdempotencyRace) as exc:
        if not idempotency_key:
            raise
        _replay_if_known(salon_id, scope, idempotency_key, fingerprint)
        if isinstance(exc, SlotTaken):
            raise
        raise Conflict("the first request with this Idempotency-Key is still being processed; retry",
                       code="idempotency_in_progress") from exc


def _book(
    salon_id: str,
    request: BookingRequest,
    catalog: Catalog,
    phone: str,
    known_client: str | None,
    *,
    now: datetime,
    source: m.Source,
    answer: Callable[[Booked], tuple[int, str]],
    stored: tuple[str, str, str] | None,
    respect_hours: bool,
    ids: Callable[[datetime], str],
    proven: bool,
) -> Booked:
    service = _require_service(catalog, request.service_id)
    candidates = _candidates(catalog, service, request.staff_id)
    earliest, latest = _window(catalog, now)
    if source is m.Source.ADMIN:
        earliest = now - timedelta(days=1)  # the admin may write in a walk-in that already began
    staff = _placeable(catalog, service, candidates, request.start, earliest=earliest, latest=latest,
                       respect_hours=respect_hours)
    start = request.start.astimezone(now.tzinfo)
    consent = _consent(request.marketing_consent, catalog.salon, now, source) if proven else None
    referred_by = None
    if request.referral_code and known_client is None:
        from regulars.loyalty.referrals import referrer_for  # lazy: only a referred booking needs it

        referred_by = referrer_for(salon_id, request.referral_code, phone)
    last_error: Exception | None = None
    for attempt in range(3):
        # after a race, read again with consistent reads: the other request's client is there now
        existing_id = known_client if attempt == 0 else client_store.client_id_by_phone(salon_id, phone)
        new_client = None
        client_consents = None
        client_name = request.client.name.strip()
        if existing_id is None:
            client_id = ids(now)
            new_client = Client(
                referred_by=referred_by,
                id=client_id,
                name=client_name,
                phone=phone,
                email=request.client.email,
                locale=request.client.locale or catalog.salon.locale,
                consents={"marketing": consent} if consent else {},
                created_at=now,
                source=source.value,
            )
        else:
            client_id = existing_id
            known = client_store.get(salon_id, client_id)
            client_name = known.name
            if consent is not None and known.consents.get("marketing", {}).get("granted") != consent["granted"]:
                client_consents = (client_id, {**known.consents, "marketing": consent})
        for member in staff:
            appointment = m.Appointment(
                id=ids(now),
                salon_id=salon_id,
                client_id=client_id,
                client_name=client_name,
                staff_id=member.id,
                service_id=service.id,
                start=start,
                end=start + service.duration,
                status=m.AppointmentStatus.BOOKED,
                price=service.price,
                source=source,
                created_at=now,
                updated_at=now,
                history=[m.HistoryEntry(at=now, action="booked", by=source.value)],
            )
            booked = Booked(appointment, client_id, new_client is not None, proven)
            answered = None
            if stored is not None:
                status, text = answer(booked)
                answered = (*stored, status, text)
            try:
                store.create(appointment, new_client=new_client, client_consents=client_consents,
                             idempotent_answer=answered, now=now)
                return booked
            except SlotTaken as exc:
                last_error = exc
                continue  # the next free staff member, if the widget let us choose
            except (store.PhoneRace, store.ClientChanged) as exc:
                last_error = exc
                break  # the client was created or changed meanwhile: read again and retry
        else:
            raise SlotTaken("this time is already taken", code="slot_taken") from last_error
    raise Conflict("could not book; retry", code="concurrent_update") from last_error


def _replay_if_known(salon_id: str, scope: str, key: str, fingerprint: str) -> None:
    record = idempotency.lookup(salon_id, scope, key)
    if record is not None:
        _replay(record, fingerprint)


def _replay(record: idempotency.StoredAnswer, fingerprint: str) -> None:
    if record.request_hash != fingerprint:
        raise InvalidInput.field(
            "Idempotency-Key", "was already used for a different request", code="idempotency_key_reused"
        )
    raise IdempotencyReplay(record.status, record.body)


def _consent(granted: bool | None, salon: Salon, now: datetime, source: m.Source) -> dict | None:
    if granted is None:
        return None
    return {"granted": granted, "at": now.isoformat(), "source": source.value,
            "text": CONSENT_TEXT.format(salon=salon.name)}


# ---------------------------------------------------------------------------------------- changes
def _entry(now: datetime, action: str, by: str, **extra: object) -> m.HistoryEntry:
    return m.HistoryEntry(at=now, action=action, by=by, **extra)


def _active(appt: m.Appointment) -> None:
    if not appt.status.active:
        raise NotAllowed(f"the visit is {appt.status.value}", code=f"appointment_{appt.status.value}")


def move(
    salon_id: str,
    appointment_id: str,
    *,
    start: datetime,
    staff_id: str | None,
    now: datetime,
    by: str,
    respect_hours: bool = True,
    notice_hours: int | None = None,
) -> m.Appointment:
    catalog = catalog_store.load_catalog(salon_id)
    before = store.get(salon_id, appointment_id)
    _active(before)
    if notice_hours is not None and before.start - now < timedelta(hours=notice_hours):
        raise NotAllowed("too late to reschedule online: please call the salon", code="too_late")
    service = catalog.services.get(before.service_id)
    if service is None:
        raise NotFound("the visit's service no longer exists", code="service_not_found")
    candidates = _candidates(catalog, service, staff_id or before.staff_id)
    earliest, latest = _window(catalog, now)
    if by != "client":
        earliest = now - timedelta(days=1)
        latest = now + timedelta(days=366)
    member = _placeable(catalog, service, candidates, start, earliest=earliest, latest=latest,
                        ignore=before.id, respect_hours=respect_hours)[0]
    new_start = start.astimezone(now.tzinfo)
    after = before.model_copy(update={
        "start": new_start,
        "end": new_start + service.duration,
        "staff_id": member.id,
        "updated_at": now,
        "status": m.AppointmentStatus.BOOKED,  # a new time needs a new confirmation
        "history": [*before.history, _entry(now, "moved", by, start=before.start.isoformat(),
                                            staff_id=before.staff_id)],
    })
    return store.save_change(before, after)


def confirm(salon_id: str, appointment_id: str, *, now: datetime, by: str) -> m.Appointment:
    before = store.get(salon_id, appointment_id)
    if before.status is m.AppointmentStatus.CONFIRMED:
        return before  # confirming twice is the same as once
    _active(before)
    if before.end <= now:
        raise NotAllowed("the visit is over", code="appointment_past")
    after = before.model_copy(update={
        "status": m.AppointmentStatus.CONFIRMED, "updated_at": now,
        "history": [*before.history, _entry(now, "confirmed", by)],
    })
    return store.save_change(before, after)


def cancel(
    salon_id: str,
    appointment_id: str,
    *,
    now: datetime,
    by: str,
    reason: str | None = None,
    notice_hours: int | None = None,
    salon_initiated: bool = False,
) -> m.Appointment:
    """Cancel a visit; ``salon_initiated``: the salon called it off, so it is no defection of the client's."""
    catalog = catalog_store.load_catalog(salon_id)
    before = store.get(salon_id, appointment_id)
    if before.status is m.AppointmentStatus.CANCELLED:
        return before
    _active(before)
    if notice_hours is not None and before.start - now < timedelta(hours=notice_hours):
        raise NotAllowed("too late to cancel online: please call the salon", code="too_late")
    late = before.start - now < timedelta(hours=catalog.salon.settings.late_cancel_hours)
    after = before.model_copy(update={
        "status": m.AppointmentStatus.CANCELLED, "updated_at": now, "late_cancellation": late,
        "cancel_reason": reason,
        "history": [*before.history, _entry(now, "cancelled", by, late=late, reason=reason,
                                            **({"salon_initiated": True} if salon_initiated else {}))],
    })
    return store.save_change(before, after)


def complete(salon_id: str, appointment_id: str, *, paid_amount: int, now: datetime, by: str,
             bonus_amount: int = 0) -> m.Appointment:
    """Complete a visit with what was paid: ``paid_amount`` in money and ``bonus_amount`` from the
    client's bonus (within the salon's cap, from the soonest-burning lots, in the same transaction as
    the visit). Completing again with the same amounts is the same as once."""
    from regulars.loyalty import visits as loyalty
    from regulars.loyalty.repo import BonusChanged

    if paid_amount < 0:
        raise InvalidInput.field("paid_amount", "must not be negative")
    before = store.get(salon_id, appointment_id)
    if (before.status is m.AppointmentStatus.COMPLETED and before.paid_amount == paid_amount
            and (before.bonus_amount or 0) == bonus_amount):
        return before
    _active(before)
    if before.start > now + timedelta(hours=1):
        raise NotAllowed("a visit cannot be completed before it begins", code="appointment_future")
    after = before.model_copy(update={
        "status": m.AppointmentStatus.COMPLETED, "paid_amount": paid_amount,
        "bonus_amount": bonus_amount or None, "updated_at": now,
        "history": [*before.history, _entry(now, "completed", by, paid_amount=paid_amount,
                                            **({"bonus_amount": bonus_amount} if bonus_amount else {}))],
    })
    for attempt in range(5):
        also = loyalty.checkout(salon_id, before.client_id, appointment_id, paid_amount=paid_amount,
                                bonus_amount=bonus_amount, now=now, by=by)
        try:
            return store.save_change(before, after, also=also)
        except BonusChanged:  # another redemption took from the same lots: read them again
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def refund(salon_id: str, appointment_id: str, *, now: datetime, by: str, reason: str | None = None) -> m.Appointment:
    """Mark a completed visit refunded and undo its bonus (what is left of its cashback; what it
    redeemed goes back). Refunding twice is the same as once."""
    from regulars.loyalty import visits as loyalty

    before = store.get(salon_id, appointment_id)
    if before.status is not m.AppointmentStatus.COMPLETED:
        raise NotAllowed("only a completed visit can be refunded", code="not_completed")
    after = before
    if before.refunded_at is None:
        after = store.save_change(before, before.model_copy(update={
            "refunded_at": now, "updated_at": now,
            "history": [*before.history, _entry(now, "refunded", by, reason=reason)],
        }))
    loyalty.refund(after, now, by, reason)
    return after


def mark_no_show(salon_id: str, appointment_id: str, *, now: datetime, by: str) -> m.Appointment:
    before = store.get(salon_id, appointment_id)
    if before.status is m.AppointmentStatus.NO_SHOW:
        return before
    _active(before)
    if before.start > now:
        raise NotAllowed("a visit cannot be a no-show before it begins", code="appointment_future")
    after = before.model_copy(update={
        "status": m.AppointmentStatus.NO_SHOW, "updated_at": now,
        "history": [*before.history, _entry(now, "no_show", by)],
    })
    return store.save_change(before, after)


def body(data: object) -> str:
    return json.dumps(data, separators=(",", ":"), default=str)
