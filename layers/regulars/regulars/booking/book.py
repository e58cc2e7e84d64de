"""Booking a visit: from the widget (a client, maybe with a proven phone) or the salon's desk.

Rules live here; storage is the store's business. Every function takes ``now``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from regulars.booking import blocks as blocked_time
from regulars.booking import repo as store
from regulars.booking.slots import (
    Choice,
    Planned,
    candidates,
    place_chain,
    placeable,
    plan,
    require_service,
    window,
)
from regulars.clients import repo as client_store
from regulars.clients.model import Client
from regulars.core import appointments as m
from regulars.core.errors import Conflict, DomainError, IdempotencyReplay, InvalidInput, SlotTaken
from regulars.core.ids import new_id
from regulars.core.money import Money
from regulars.core.phones import to_e164
from regulars.messaging.rules.templates import client_locale as client_locale_of
from regulars.salon import repo as catalog_store
from regulars.salon.model import Catalog, Salon
from regulars.store import idempotency
from regulars.store.base import Tx

if TYPE_CHECKING:
    from regulars.booking.protection import Admitted

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
    # several services in one visit, in order, back to back from ``start`` (``service_id`` and
    # ``staff_id`` are then the first one's); empty: the one service above
    services: tuple[Choice, ...] = ()


def choices(
    service_id: str | None, staff_id: str | None, services: list[tuple[str, str | None]] | None
) -> tuple[str, str | None, tuple[Choice, ...]]:
    """The service(s) a booking asks for: one (``service_id``, ``staff_id``), or several (``services``
    of service and staff ids, in order); as the request's service_id, staff_id and services."""
    if (service_id is None) == (services is None):
        raise InvalidInput.field("services", "give service_id or services, not both", code="one_of")
    if services is None:
        assert service_id is not None
        return service_id, staff_id, ()
    if staff_id is not None:
        raise InvalidInput.field("staff_id", "with services, name the staff member in each", code="one_of")
    picked = tuple(Choice(sid, staff) for sid, staff in services)
    return picked[0].service_id, picked[0].staff_id, picked if len(picked) > 1 else ()


@dataclass(frozen=True)
class Booked:
    appointment: m.Appointment
    client_id: str
    new_client: bool
    proven: bool = True  # the phone is the booker's (a code, or the salon's own desk)


Admit = Callable[[Catalog, str, str | None], "Admitted"]
# items of another feature's written in the booking's own transaction, given the visit (a waitlist
# offer taken with it): a condition of theirs that fails cancels the booking (TxFailed, labelled)
Also = Callable[[Tx, m.Appointment], None]


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
    also: Also | None = None,
) -> Booked:
    """Book a visit. With an Idempotency-Key, a replay raises IdempotencyReplay with the first
    answer; ``answer`` renders the (status, body) to store with the booking itself.

    ``admit(catalog, phone, known client)`` decides whether an anonymous booking may go ahead (it
    raises when not) and whether its phone is proven; a booking refused after it (a bad time, a
    taken one) gives back what it was counted as, and learns only that the time is not free, not
    what is there (another visit, a staff member's time off). Without it (the salon's own desk) the
    booking is the salon's word. An unproven booking for a phone the salon knows attaches to that
    client and changes nothing of them (name, consent); one for a new phone records no consent.

    A replay that arrives while its first request is still running sees that request's booking
    as a taken slot: whenever a key was given, a refusal re-reads the key and answers as the first
    request did, or 409 ``idempotency_in_progress`` while it has not committed yet."""
    catalog = catalog_store.load_catalog(salon_id, max_age=catalog_max_age)
    if catalog_max_age > 0 and not _names_all(catalog, request):
        # a staff member or service added since this copy was read (the times came from a fresher one)
        catalog = catalog_store.load_catalog(salon_id)
    phone = to_e164(request.client.phone, catalog.salon.country, field="client.phone")
    scope = f"booking:{source.channel}"
    fingerprint = idempotency.request_hash(
        {
            # the default source of each channel adds nothing, so earlier stored answers still match
            **({} if source in (m.Source.WIDGET, m.Source.DESK) else {"source": source.value}),
            "service_id": request.service_id,
            "staff_id": request.staff_id,
            **(
                {"services": [[c.service_id, c.staff_id] for c in request.services]}
                if request.services
                else {}
            ),
            "start": request.start.astimezone(now.tzinfo).isoformat()
            if request.start.tzinfo
            else request.start,
            "phone": phone,
            "name": request.client.name.strip(),
        }
    )
    record, known_client = store.lookup_with_phone(salon_id, scope, idempotency_key, phone)
    if record is not None:
        _replay(record, fingerprint)
    admitted = admit(catalog, phone, known_client) if admit is not None else None
    proven = admitted.proven if admitted is not None else True
    try:
        return _book(
            salon_id,
            request,
            catalog,
            phone,
            known_client,
            now=now,
            source=source,
            answer=answer,
            stored=(scope, idempotency_key, fingerprint) if idempotency_key else None,
            respect_hours=respect_hours,
            ids=ids,
            proven=proven,
            also=also,
        )
    except (DomainError, store.IdempotencyRace) as exc:
        if admitted is not None:  # refused: nothing booked, nothing of the limits used up
            admitted.give_back()
        if isinstance(exc, SlotTaken | store.IdempotencyRace) and idempotency_key:
            _replay_if_known(salon_id, scope, idempotency_key, fingerprint)
        if isinstance(exc, SlotTaken):
            raise _as_told_to(exc, admitted) from None
        if isinstance(exc, store.IdempotencyRace) and idempotency_key:
            raise Conflict(
                "the first request with this Idempotency-Key is still being processed; retry",
                code="idempotency_in_progress",
            ) from exc
        raise


def _names_all(catalog: Catalog, request: BookingRequest) -> bool:
    """Whether the catalog has every service and staff member the request names."""
    named = [(c.service_id, c.staff_id) for c in request.services] or [(request.service_id, request.staff_id)]
    return all(
        catalog.service(service) is not None and (staff is None or staff in catalog.staff)
        for service, staff in named
    )


def _as_told_to(refusal: SlotTaken, admitted: Admitted | None) -> SlotTaken:
    """A taken time as the booker may hear of it: the salon's desk, with what is there; an anonymous
    booker, only that it is not free."""
    if admitted is None:
        return refusal
    return SlotTaken("that time is no longer free: choose another", code="slot_taken")


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
    also: Also | None = None,
) -> Booked:
    earliest, latest = window(catalog, now)
    if source is not m.Source.WIDGET:
        earliest = now - timedelta(days=1)  # the admin may write in a walk-in that already began
    start = request.start.astimezone(now.tzinfo)
    # the ways to place the visit, tried in order while the cells of one are taken
    ways: list[list[Planned]]
    if request.services:
        planned = plan(catalog, request.services)
        ways = [
            place_chain(
                catalog, planned, request.start, earliest=earliest, latest=latest, respect_hours=respect_hours
            )
        ]
        prices = {service.id: service.price for service, _ in planned}
    else:
        service = require_service(catalog, request.service_id)
        staff = placeable(
            catalog,
            service,
            candidates(catalog, service, request.staff_id),
            request.start,
            earliest=earliest,
            latest=latest,
            respect_hours=respect_hours,
        )
        ways = [[Planned(service.id, member.id, start, start + service.duration)] for member in staff]
        prices = {service.id: service.price}
    consent = _consent(request.marketing_consent, catalog.salon, now, source) if proven else None
    referred_by = None
    if request.referral_code and known_client is None:
        referred_by = client_store.referrer_for(salon_id, request.referral_code, phone)
    last_error: Exception | None = None
    for attempt in range(3):
        # after a race, read again with consistent reads: the other request's client is there now
        existing_id = known_client if attempt == 0 else client_store.client_id_by_phone(salon_id, phone)
        new_client = None
        client_consents = None
        client_locale = None
        client_name = request.client.name.strip()
        if existing_id is None:
            client_id = ids(now)
            new_client = Client(
                referred_by=referred_by,
                id=client_id,
                name=client_name,
                phone=phone,
                email=request.client.email,
                locale=client_locale_of(
                    request.client.locale, catalog.salon.locale, catalog.salon.settings.templates
                ),
                consents={"marketing": consent} if consent else {},
                created_at=now,
                source=source.channel,
            )
        else:
            client_id = existing_id
            known = client_store.get(salon_id, client_id)
            client_name = known.name
            if (
                consent is not None
                and known.consents.get("marketing", {}).get("granted") != consent["granted"]
            ):
                client_consents = (client_id, {**known.consents, "marketing": consent})
            if proven and request.client.locale:  # the proven client's language, as their page speaks it
                wanted = client_locale_of(
                    request.client.locale, catalog.salon.locale, catalog.salon.settings.templates
                )
                if wanted != known.locale:
                    client_locale = (client_id, wanted)
        for way in ways:
            segments = [
                m.Segment(
                    service_id=p.service_id,
                    staff_id=p.staff_id,
                    start=p.start.astimezone(now.tzinfo),
                    end=p.end.astimezone(now.tzinfo),
                    price=prices[p.service_id],
                )
                for p in way
            ]
            appointment = m.Appointment(
                id=ids(now),
                salon_id=salon_id,
                client_id=client_id,
                client_name=client_name,
                staff_id=segments[0].staff_id,
                service_id=segments[0].service_id,
                start=segments[0].start,
                end=segments[-1].end,
                status=m.AppointmentStatus.BOOKED,
                price=Money(
                    amount=sum(s.price.amount for s in segments), currency=segments[0].price.currency
                ),
                segments=segments if len(segments) > 1 else [],
                source=source,
                created_at=now,
                updated_at=now,
                history=[m.HistoryEntry(at=now, action="booked", by=source.channel)],
            )
            booked = Booked(appointment, client_id, new_client is not None, proven)
            answered = None
            if stored is not None:
                status, text = answer(booked)
                answered = (*stored, status, text)
            try:
                store.create(
                    appointment,
                    new_client=new_client,
                    client_consents=client_consents,
                    client_locale=client_locale,
                    idempotent_answer=answered,
                    now=now,
                    also=_bind(also, appointment),
                )
                return booked
            except SlotTaken as exc:
                last_error = exc
                continue  # the next free staff member, if the widget let us choose
            except (store.PhoneRace, store.ClientChanged) as exc:
                last_error = exc
                break  # the client was created or changed meanwhile: read again and retry
        else:  # every way's cells were taken: by a visit, or by blocked time (named)
            raise blocked_time.refusal(
                catalog.salon, {p.staff_id for way in ways for p in way}, start, ways[0][-1].end
            ) from last_error
    raise Conflict("could not book; retry", code="concurrent_update") from last_error


def _bind(also: Also | None, appointment: m.Appointment) -> Callable[[Tx], None] | None:
    """``also`` for this visit, as the store's transaction takes it."""
    if also is None:
        return None
    return lambda tx: also(tx, appointment)


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
    return {
        "granted": granted,
        "at": now.isoformat(),
        "source": source.channel,
        "text": CONSENT_TEXT.format(salon=salon.name),
    }


def known_client(salon_id: str, client_id: str) -> ClientInput:
    """A client the salon has, as the person to book; refused once their data was erased."""
    known = client_store.get_reachable(salon_id, client_id)
    assert known.phone is not None  # only an erasure takes a client's phone
    return ClientInput(name=known.name, phone=known.phone)
