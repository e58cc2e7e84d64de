"""The waitlist's use cases: joining and leaving it, filling a freed time from it, answering an
offer, and the desk's list. Every function takes ``now``.

Filling a freed time (a cancelled visit's, or a moved visit's old one), exactly once per cause:

1. The visit's event records an *opening* with an id derived from the event (a duplicate delivery
   finds it recorded and only re-plans what the round it began planned, which is idempotent).
2. A round: the waiting entries in order of joining whose wish matches the freed start, whose
   service the booking's slot rules can place there, and whose phone is under its daily cap, up
   to ``offers_per_slot`` of them. The round begins with one conditional update of the opening
   (its round number), so two runs cannot both begin it.
3. Each chosen entry gets an offer (its id derived from the opening and the entry) and a message
   through the outbox with a short keyed link; a job at the hold's end begins the next round
   unless the time was taken. In the salon's quiet hours no offer is sent: the round waits for
   the window's end.
4. The first to accept books through the booking's own path (slot rules, lock cells, an
   Idempotency-Key derived from the offer), and in the same transaction the opening is taken, the
   offer booked and the entry closed: a second acceptance finds the time taken (409
   ``offer_taken``); one after the hold, ``offer_expired``.

A no-show is not a freed time: it is marked once the visit has begun, and the visit's time stays
held until it has passed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from regulars.booking import book as booking
from regulars.booking import protection
from regulars.booking import repo as appointments
from regulars.booking.slots import candidates, placeable, require_service, window
from regulars.clients import repo as client_store
from regulars.core import appointments as m
from regulars.core import links
from regulars.core.config import link_keys, manage_link_secret, settings
from regulars.core.errors import Conflict, Forbidden, IdempotencyReplay, InvalidInput, NotFound, SlotTaken
from regulars.core.events import AppointmentEvent, EventType
from regulars.core.ids import new_id
from regulars.core.phones import to_e164
from regulars.core.schedule import ceil_to_cell, local_instant
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.outbox.model import PlannedMessage
from regulars.messaging.rules.quiet_hours import QuietHours, next_allowed
from regulars.messaging.rules.templates import MessageKind
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.outcome import Outcome
from regulars.runtime.jobs.repo import DueJob
from regulars.runtime.jobs.subjects import Subject
from regulars.salon import repo as catalog_store
from regulars.salon.model import Catalog, Salon, Service
from regulars.store import idempotency
from regulars.store.base import TxFailed
from regulars.waitlist import repo as store
from regulars.waitlist.model import Entry, Offer, Opening
from regulars.waitlist.rules import PartOfDay, Wish, last_day, offerable

FILL = "waitlist_fill"  # begin an opening's next round (at a hold's end, or at the end of quiet hours)
LINK_PURPOSE = "waitlist"
CONSENT_TEXT = "Message me about this waitlist entry at {salon}: offers of a freed time, until {last_day}."
CODE_CHARS = 8  # an offer's id, and as many of its keyed signature: 16 characters in the link


class OfferTaken(Conflict):
    code = "offer_taken"


class OfferExpired(Conflict):
    code = "offer_expired"


class EntryClosed(Conflict):
    code = "entry_closed"


# ---------------------------------------------------------------------------------------- joining
@dataclass(frozen=True)
class JoinRequest:
    name: str
    phone: str
    service_id: str
    staff_ids: tuple[str, ...]
    days: tuple[date, ...]
    weekdays: tuple[int, ...]
    parts: tuple[PartOfDay, ...]
    consent: bool
    locale: str | None = None
    phone_proof: str | None = None


@dataclass(frozen=True)
class Joined:
    entry: Entry
    leave_url: str
    service: Service


def _check_wish(catalog: Catalog, request: JoinRequest, now: datetime) -> Service:
    service = require_service(catalog, request.service_id)
    if not service.active:
        raise InvalidInput.field("service_id", "no such service at this salon", code="unknown_service")
    for i, staff_id in enumerate(request.staff_ids):
        member = catalog.staff.get(staff_id)
        if member is None or not member.active:
            raise InvalidInput.field(
                f"staff_ids.{i}", "no such staff member at this salon", code="unknown_staff"
            )
        if service.id not in member.service_ids:
            raise InvalidInput.field(
                f"staff_ids.{i}", "this staff member does not do this service", code="staff_mismatch"
            )
    if not candidates(catalog, service, None):
        raise InvalidInput.field("service_id", "no one does this service now", code="unknown_service")
    if not request.days and not request.weekdays:
        raise InvalidInput.field("days", "choose at least one day or weekday", code="no_days")
    _, latest = window(catalog, now)
    tz = catalog.salon.tz
    today, last = now.astimezone(tz).date(), latest.astimezone(tz).date()
    for i, day in enumerate(request.days):
        if not today <= day <= last:
            raise InvalidInput.field(
                f"days.{i}",
                f"must be from {today.isoformat()} to {last.isoformat()} (online booking's horizon)",
                code="day_out_of_range",
            )
    if not request.consent:
        raise InvalidInput.field(
            "consent",
            "agree to be messaged about this waitlist entry: offers come by message",
            code="consent_required",
        )
    return service


def join(
    salon_id: str,
    request: JoinRequest,
    *,
    address: str,
    now: datetime,
    answer: Callable[[Joined], tuple[int, str]],
    idempotency_key: str | None = None,
) -> Joined:
    """Put a client on the waitlist: checked, proven where the salon wants it, limited (429), once
    per phone and service (409 ``already_waiting``), idempotent with a key."""
    catalog = catalog_store.load_catalog(salon_id, max_age=settings().catalog_cache_seconds)
    salon = catalog.salon
    if not salon.settings.waitlist.enabled:
        raise NotFound("this salon has no waitlist", code="waitlist_closed")
    phone = to_e164(request.phone, salon.country, field="client.phone")
    service = _check_wish(catalog, request, now)
    scope = "waitlist:join"
    fingerprint = idempotency.request_hash(
        {
            "phone": phone,
            "name": request.name.strip(),
            "service_id": request.service_id,
            "staff_ids": sorted(request.staff_ids),
            "days": sorted(d.isoformat() for d in request.days),
            "weekdays": sorted(request.weekdays),
            "parts": sorted(p.value for p in request.parts),
        }
    )
    if idempotency_key:
        _replay_if_known(salon_id, scope, idempotency_key, fingerprint)
    known = client_store.client_id_by_phone(salon_id, phone)
    proven = protection.admit_waitlist(salon, phone, proof=request.phone_proof, address=address, now=now)
    tz = salon.tz
    wish = Wish(service.id, request.days, request.weekdays, request.parts, request.staff_ids)
    last = last_day(wish, now.astimezone(tz).date(), salon.settings.booking_horizon_days)
    ends_at = local_instant(last + timedelta(days=1), time(0, 0), tz)
    entry = Entry(
        salon_id=salon_id,
        entry_id=new_id(now),
        name=request.name.strip(),
        phone=phone,
        phone_hash=protection.phone_key(phone),
        service_id=service.id,
        staff_ids=tuple(dict.fromkeys(request.staff_ids)),
        days=tuple(sorted(set(request.days))),
        weekdays=tuple(sorted(set(request.weekdays))),
        parts=tuple(p for p in PartOfDay if p in request.parts),
        consent={
            "granted": True,
            "at": now.isoformat(),
            "source": "widget",
            "proven": proven,
            "text": CONSENT_TEXT.format(salon=salon.name, last_day=last.isoformat()),
        },
        status="waiting",
        joined_at=now,
        ends_at=ends_at,
        client_id=known if proven else None,  # an unproven phone is not tied to the client who has it
        locale=request.locale,
    )
    joined = Joined(entry, leave_url(salon, entry), service)
    stored = None
    if idempotency_key:
        status, body = answer(joined)
        stored = (scope, idempotency_key, fingerprint, status, body)
    try:
        store.add_entry(entry, idempotent_answer=stored, now=now)
    except store.IdempotencyRace as exc:
        assert idempotency_key
        _replay_if_known(salon_id, scope, idempotency_key, fingerprint)
        raise Conflict(
            "the first request with this Idempotency-Key is still being processed; retry",
            code="idempotency_in_progress",
        ) from exc
    return joined


def _replay_if_known(salon_id: str, scope: str, key: str, fingerprint: str) -> None:
    record = idempotency.lookup(salon_id, scope, key)
    if record is None:
        return
    if record.request_hash != fingerprint:
        raise InvalidInput.field(
            "Idempotency-Key", "was already used for a different request", code="idempotency_key_reused"
        )
    raise IdempotencyReplay(record.status, record.body)


def leave_url(salon: Salon, entry: Entry) -> str:
    token = links.sign(
        links.LinkClaims(
            salon_id=salon.id,
            subject=entry.entry_id,
            purpose=LINK_PURPOSE,
            expires_at=entry.ends_at + store.ENTRY_KEEP,
        ),
        link_keys(),
    )
    return f"{settings().public_base_url}/waitlist.html?s={salon.id}&t={token}"


def _by_token(salon_id: str, token: str, now: datetime) -> Entry:
    claims = links.verify(token, link_keys(), purpose=LINK_PURPOSE, now=now)
    if claims.salon_id != salon_id:
        raise Forbidden("this link is not valid", code="invalid_link")
    return store.get_entry(salon_id, claims.subject)


def entry_by_token(salon_id: str, token: str, now: datetime) -> tuple[Entry, Catalog]:
    entry = _by_token(salon_id, token, now)
    return entry, catalog_store.load_catalog(salon_id, max_age=settings().catalog_cache_seconds)


def leave(salon_id: str, token: str, *, address: str, now: datetime) -> tuple[Entry, Catalog]:
    """The client leaves the waitlist by their signed link (twice is once)."""
    entry, catalog = entry_by_token(salon_id, token, now)
    protection.limit_actions(salon_id, catalog.salon, address, now)
    if entry.status == "waiting":
        store.close(entry, "left", now)
    return store.get_entry(salon_id, entry.entry_id), catalog


# ---------------------------------------------------------------------------------------- filling
def opening_id_of(event: AppointmentEvent, part: int = 0) -> str:
    """The freed time's id: one per visit change, and per staff member's part of a visit of several
    services (``part`` > 0 for the second and later)."""
    base = f"{event.appointment.id}-{event.appointment.version or 0}"
    return base if part == 0 else f"{base}-{part}"


def freed_spans(event: AppointmentEvent) -> list[tuple[str, datetime, datetime]]:
    """(staff member, start, end) of the time a cancellation, a move or a no-show frees: for a visit
    of several services each staff member's own part (back-to-back parts of one member as one span);
    for a no-show, what is left of it from its release on."""
    a = event.appointment
    if event.type is EventType.NO_SHOW and not event.created:
        released = a.released_at()
        if released is None:
            return []
        return _joined((p.staff_id, max(p.start, released), p.end) for p in a.parts() if p.end > released)
    if event.type is EventType.CANCELLED and not event.created:
        delta = timedelta(0)
    elif event.type is EventType.MOVED and event.previous_start is not None:
        delta = event.previous_start - a.start
        if not a.segments:  # one service: its staff member may have changed with the move
            return [
                (
                    event.previous_staff_id or a.staff_id,
                    event.previous_start,
                    event.previous_start + (a.end - a.start),
                )
            ]
    else:
        return []
    return _joined((p.staff_id, p.start + delta, p.end + delta) for p in a.parts())


def _joined(parts: Iterable[tuple[str, datetime, datetime]]) -> list[tuple[str, datetime, datetime]]:
    """The parts in order, a staff member's back-to-back parts as one span."""
    spans: list[tuple[str, datetime, datetime]] = []
    for staff_id, start, end in parts:
        if spans and spans[-1][0] == staff_id and spans[-1][2] == start:
            spans[-1] = (staff_id, spans[-1][1], end)
        else:
            spans.append((staff_id, start, end))
    return spans


def on_event(event: AppointmentEvent, now: datetime) -> str | None:
    """A visit's event: a cancellation or a move frees a time (each staff member's part of a visit of
    several services), offered from the waitlist. The first opening's id, when one was recorded (now
    or by an earlier delivery)."""
    a = event.appointment
    spans = freed_spans(event)
    if not spans or a.source is m.Source.IMPORT:
        return None
    catalog = catalog_store.load_catalog(a.salon_id, max_age=catalog_store.RULES_MAX_AGE)
    if not catalog.salon.settings.waitlist.enabled:
        return None
    first: str | None = None
    rules = catalog.salon.settings
    for i, (staff_id, freed, end) in enumerate(spans):
        start = freed
        if event.type is EventType.NO_SHOW:  # freed from the next minutes on: from the first offerable start
            soonest = now + timedelta(minutes=rules.waitlist.hold_minutes + rules.min_notice_minutes)
            start = max(freed, ceil_to_cell(soonest))
        if start <= now or start >= end:
            continue
        opening_id = opening_id_of(event, i)
        store.new_opening(
            a.salon_id, opening_id, cause=event.event_id, staff_id=staff_id, start=start, end=end, now=now
        )
        fill(a.salon_id, opening_id, 1, now)
        first = first or opening_id
    return first


def offer_code(salon_id: str, offer_id: str) -> str:
    mac = hmac.new(
        manage_link_secret(), f"waitlist-offer:{salon_id}:{offer_id}".encode(), hashlib.sha256
    ).digest()
    return offer_id + base64.urlsafe_b64encode(mac).decode()[:CODE_CHARS]


def _offer_id(opening_id: str, entry_id: str) -> str:
    digest = hmac.new(
        manage_link_secret(), f"offer-id:{opening_id}:{entry_id}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).decode()[:CODE_CHARS]


def offer_url(salon_id: str, offer_id: str) -> str:
    return f"{settings().public_base_url}/offer.html?s={salon_id}&o={offer_code(salon_id, offer_id)}"


def _fits(catalog: Catalog, service: Service, opening: Opening, now: datetime) -> bool:
    """Can the booking's slot rules place the service at the freed start with its staff member?"""
    member = catalog.staff.get(opening.staff_id)
    if member is None or not member.active or service.id not in member.service_ids or not service.active:
        return False
    earliest, latest = window(catalog, now)
    try:
        placeable(catalog, service, [member], opening.start, earliest=earliest, latest=latest)
    except (InvalidInput, SlotTaken, Conflict):
        return False
    return True


def _local_day(salon: Salon, now: datetime) -> str:
    return now.astimezone(salon.tz).date().isoformat()


def _choose(catalog: Catalog, opening: Opening, now: datetime) -> list[Entry]:
    """The next entries to offer the opening to, their daily caps counted (see the module)."""
    salon = catalog.salon
    rules = salon.settings.waitlist
    fits: dict[str, bool] = {}
    chosen: list[Entry] = []
    day = _local_day(salon, now)
    for entry in store.waiting(opening.salon_id):
        if len(chosen) >= rules.offers_per_slot:
            break
        if entry.entry_id in opening.offered or entry.ends_at <= now:
            continue
        if not entry.wish.matches(opening.start, opening.staff_id, salon.tz):
            continue
        if entry.service_id not in fits:
            service = catalog.services.get(entry.service_id)
            fits[entry.service_id] = service is not None and _fits(catalog, service, opening, now)
        if not fits[entry.service_id]:
            continue
        offer_id = _offer_id(opening.opening_id, entry.entry_id)
        if store.take_daily(
            opening.salon_id,
            day,
            entry.phone_hash,
            offer_id,
            rules.offers_per_client_day,
            now + timedelta(days=2),
        ):
            chosen.append(entry)
    return chosen


def fill(salon_id: str, opening_id: str, round_number: int, now: datetime) -> Outcome:
    """Begin round ``round_number`` of an opening, or, when it was begun already, plan its offers
    again (a duplicate delivery: nothing doubles)."""
    opening = store.find_opening(salon_id, opening_id)
    if opening is None:
        return Outcome(False, "no such opening")
    if opening.round_number >= round_number:
        if opening.round_number == round_number and opening.status == "open":
            _plan_offers(opening, now)
        return Outcome(False, "this round was begun already")
    if opening.status != "open":
        return Outcome(False, f"the time is {opening.status}")
    if opening.round_number and opening.hold_until and now < opening.hold_until:
        return Outcome(False, "the offers still hold")
    catalog = catalog_store.load_catalog(salon_id, max_age=catalog_store.RULES_MAX_AGE)
    salon = catalog.salon
    rules = salon.settings
    hold = timedelta(minutes=rules.waitlist.hold_minutes)
    opens = next_allowed(now, QuietHours.parse(rules.quiet_hours), salon.tz)
    if opens is None:
        store.lapse(opening, now)
        return Outcome(False, "quiet hours last all day")
    start_at = opens if opens > now else now
    if not offerable(
        opening.start,
        start_at,
        notice=timedelta(minutes=rules.min_notice_minutes),
        hold=hold,
        horizon=timedelta(days=rules.booking_horizon_days),
    ):
        store.lapse(opening, now)
        return Outcome(False, "too late to offer the time")
    if opens > now:  # no offer lands in quiet hours: the round waits for the window's end
        _schedule_fill(opening, round_number, opens, now)
        return Outcome(False, "held: quiet hours")
    hold_until = now + hold
    chosen = _choose(catalog, opening, now)
    if not chosen:
        store.lapse(opening, now)
        return Outcome(False, "no one waiting matches")
    if not store.start_round(opening, [e.entry_id for e in chosen], hold_until, now):
        day = _local_day(salon, now)
        for entry in chosen:
            store.give_back_daily(salon_id, day, entry.phone_hash, _offer_id(opening_id, entry.entry_id))
        return Outcome(False, "the round was begun meanwhile")
    begun = store.find_opening(salon_id, opening_id)
    assert begun is not None
    _plan_offers(begun, now)
    return Outcome(True, f"offered to {len(chosen)}")


def _schedule_fill(opening: Opening, round_number: int, at: datetime, now: datetime) -> None:
    job_store.schedule(
        opening.salon_id,
        f"waitlist-{opening.opening_id}-{round_number}-{at:%Y%m%dT%H%M}",
        kind=FILL,
        subject=Subject.OPENING.of(opening.opening_id),
        due_at=at,
        now=now,
        payload={"opening_id": opening.opening_id, "round": round_number},
    )


def _plan_offers(opening: Opening, now: datetime) -> None:
    """The current round's offers and messages, and the job at the hold's end (each once)."""
    assert opening.hold_until is not None
    catalog = catalog_store.load_catalog(opening.salon_id, max_age=catalog_store.RULES_MAX_AGE)
    salon = catalog.salon
    member = catalog.staff.get(opening.staff_id)
    for entry_id in opening.current:
        entry = store.find_entry(opening.salon_id, entry_id)
        if entry is None:
            continue
        service = catalog.services.get(entry.service_id)
        if service is None:
            continue
        offer = Offer(
            salon_id=opening.salon_id,
            offer_id=_offer_id(opening.opening_id, entry_id),
            opening_id=opening.opening_id,
            entry_id=entry_id,
            round_number=opening.round_number,
            service_id=service.id,
            staff_id=opening.staff_id,
            start=opening.start,
            end=opening.start + service.duration,
            hold_until=opening.hold_until,
            client_name=entry.name,
            status="open",
            created_at=now,
        )
        if store.new_offer(offer):
            store.count_offer(opening.salon_id, entry_id, now)
        # a phone the salon knows hears from it as that client (their name, their channels), whoever
        # put it on the list; a new phone gets an SMS with the name it was given
        client_id = entry.client_id or client_store.client_id_by_phone(opening.salon_id, entry.phone)
        known = client_id is not None
        values = {
            "service_name": service.name,
            "staff_name": member.name if member else "",
            "start": opening.start.isoformat(),
            "hold_minutes": salon.settings.waitlist.hold_minutes,
            "offer_link": offer_url(opening.salon_id, offer.offer_id),
            "offer_link_until": opening.hold_until.isoformat(),  # a short link to it lives as long as the hold
            "offer_id": offer.offer_id,
        }
        outbox.plan(
            PlannedMessage(
                salon_id=opening.salon_id,
                message_id=f"waitlist-{offer.offer_id}",
                kind=MessageKind.WAITLIST_OFFER.value,
                purpose="transactional",  # asked for, with its own consent (the entry's)
                recipient="client" if known else "phone",
                client_id=client_id if known else None,
                about_client_id=None if known else entry.phone_hash,
                locale=entry.locale,
                created_at=now,
                values=values if known else {**values, "phone": entry.phone, "client_name": entry.name},
                expires=opening.hold_until + timedelta(days=7),
            )
        )
    job_store.schedule(
        opening.salon_id,
        f"waitlist-{opening.opening_id}-{opening.round_number + 1}",
        kind=FILL,
        subject=Subject.OPENING.of(opening.opening_id),
        due_at=opening.hold_until,
        now=now,
        payload={"opening_id": opening.opening_id, "round": opening.round_number + 1},
    )


def fill_when_due(job: DueJob, now: datetime) -> Outcome:
    """The job at a hold's end (or quiet hours' end): the next round, unless the time was taken."""
    return fill(job.salon_id, str(job.payload["opening_id"]), int(job.payload["round"]), now)


# -------------------------------------------------------------------------------------- answering
@dataclass(frozen=True)
class OfferView:
    offer: Offer
    status: str  # open | taken | expired | booked
    catalog: Catalog
    appointment: m.Appointment | None = None
    locale: str | None = None


def _offer_by_code(salon_id: str, code: str) -> Offer:
    offer_id = code[:CODE_CHARS]
    missing = NotFound("no such offer", code="offer_not_found")
    if len(code) != 2 * CODE_CHARS or not hmac.compare_digest(offer_code(salon_id, offer_id), code):
        raise missing
    offer = store.find_offer(salon_id, offer_id)
    if offer is None:
        raise missing
    return offer


def _status(offer: Offer, opening: Opening | None, now: datetime) -> str:
    if offer.status == "booked" or (opening and opening.taken_by == offer.offer_id):
        return "booked"
    if opening is None or opening.status == "taken":
        return "taken"
    if opening.status != "open" or opening.round_number != offer.round_number or now >= offer.hold_until:
        return "expired"
    return "open"


def offer_view(salon_id: str, code: str, now: datetime) -> OfferView:
    offer = _offer_by_code(salon_id, code)
    opening = store.find_opening(salon_id, offer.opening_id)
    catalog = catalog_store.load_catalog(salon_id, max_age=settings().catalog_cache_seconds)
    status = _status(offer, opening, now)
    appointment = None
    if status == "booked" and opening and opening.appointment_id:
        appointment = appointments.find(salon_id, opening.appointment_id)
    entry = store.find_entry(salon_id, offer.entry_id)
    return OfferView(offer, status, catalog, appointment, entry.locale if entry else None)


def _refuse(status: str) -> Conflict:
    if status == "taken":
        return OfferTaken(
            "Someone else took this time first. You stay on the waitlist for the next one.",
            code="offer_taken",
        )
    return OfferExpired(
        "This offer has ended: its time to answer is over. You stay on the waitlist for the next one.",
        code="offer_expired",
    )


def accept(
    salon_id: str,
    code: str,
    *,
    address: str,
    now: datetime,
    answer: Callable[[booking.Booked], tuple[int, str]],
) -> booking.Booked:
    """Book the offered time for the entry: the first acceptance books, a later one is refused
    (409 ``offer_taken``, or ``offer_expired`` after the hold); the same offer accepted again
    answers as the first time (its Idempotency-Key is derived from the offer)."""
    offer = _offer_by_code(salon_id, code)
    catalog = catalog_store.load_catalog(salon_id, max_age=settings().catalog_cache_seconds)
    protection.limit_actions(salon_id, catalog.salon, address, now)
    entry = store.get_entry(salon_id, offer.entry_id)
    opening = store.find_opening(salon_id, offer.opening_id)
    status = _status(offer, opening, now)
    key = f"waitlist-offer-{offer.offer_id}"
    request = booking.BookingRequest(
        service_id=offer.service_id,
        staff_id=offer.staff_id,
        start=offer.start,
        client=booking.ClientInput(name=entry.name, phone=entry.phone, locale=entry.locale),
    )
    if (
        status == "booked" and opening is not None and opening.appointment_id
    ):  # accepted before: the same answer
        visit = appointments.get(salon_id, opening.appointment_id)
        return booking.Booked(visit, visit.client_id, new_client=False, proven=True)
    if status == "open":
        if entry.status != "waiting":
            raise EntryClosed("this waitlist entry is closed", code="entry_closed")
        try:
            return booking.book(
                salon_id,
                request,
                now=now,
                source=m.Source.WIDGET,
                answer=answer,
                idempotency_key=key,
                also=lambda tx, visit: store.stage_taken(tx, offer, entry, visit, now),
            )
        except (SlotTaken, TxFailed) as exc:
            if isinstance(exc, TxFailed) and "entry" in exc.failed and "opening" not in exc.failed:
                raise EntryClosed("this waitlist entry is closed", code="entry_closed") from exc
            again = store.find_opening(salon_id, offer.opening_id)
            refused = _status(offer, again, now)
            raise _refuse("taken" if refused in ("open", "booked") else refused) from exc
        except InvalidInput as exc:
            if exc.code in ("too_soon", "too_far", "not_a_slot", "time_blocked"):
                raise _refuse("expired") from exc
            raise
    raise _refuse(status)


# ------------------------------------------------------------------------------------------ desk
@dataclass(frozen=True)
class Listed:
    entries: list[Entry]
    catalog: Catalog


def listing(salon_id: str, *, service_id: str | None, day: date | None, now: datetime) -> Listed:
    """The waiting entries in order of joining, of one service and/or wanting one day."""
    catalog = catalog_store.load_catalog(salon_id)
    found = [
        e
        for e in store.waiting(salon_id)
        if e.ends_at > now
        and (service_id is None or e.service_id == service_id)
        and (day is None or e.wish.wants_day(day))
    ]
    return Listed(found[:500], catalog)


def book_from_desk(
    salon_id: str,
    entry_id: str,
    *,
    start: datetime,
    staff_id: str,
    now: datetime,
    answer: Callable[[booking.Booked], tuple[int, str]],
    idempotency_key: str | None,
) -> booking.Booked:
    """The desk books a waiting entry into a time it chose: the booking's own path (the salon's
    word: no phone proof), and the entry closed in the same transaction."""
    entry = store.get_entry(salon_id, entry_id)
    if entry.status != "waiting":
        raise EntryClosed(f"this waitlist entry is {entry.status}", code="entry_closed")
    try:
        return booking.book(
            salon_id,
            booking.BookingRequest(
                service_id=entry.service_id,
                staff_id=staff_id,
                start=start,
                client=booking.ClientInput(name=entry.name, phone=entry.phone, locale=entry.locale),
            ),
            now=now,
            source=m.Source.DESK,
            answer=answer,
            idempotency_key=idempotency_key,
            also=lambda tx, visit: store.stage_close(tx, entry, "booked", now, appointment_id=visit.id),
        )
    except TxFailed as exc:
        if "entry" in exc.failed:
            raise EntryClosed("this waitlist entry was closed meanwhile", code="entry_closed") from exc
        raise


def forget_phone(salon_id: str, phone: str) -> int:
    """A client's erasure: every waitlist entry of their phone goes (the offers' messages to the phone
    are filed under it and scrubbed with the codes sent to it)."""
    return store.forget_phone(salon_id, protection.phone_key(phone))


def remove(salon_id: str, entry_id: str, *, now: datetime) -> Entry:
    """The desk takes an entry off the waitlist (twice is once)."""
    entry = store.get_entry(salon_id, entry_id)
    if entry.status == "waiting":
        store.close(entry, "removed", now)
    return store.get_entry(salon_id, entry_id)
