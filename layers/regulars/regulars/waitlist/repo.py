"""The waitlist's storage: entries, openings, offers and the daily offer counts (see items.py for
the access patterns). Returns domain values; raises domain errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from pynamodb.expressions.condition import size

from regulars.core import appointments as m
from regulars.core.errors import Conflict, NotFound
from regulars.store import idempotency
from regulars.store.base import Entity, Tx, TxFailed
from regulars.waitlist import items
from regulars.waitlist.items import Opening, WaitlistDay, WaitlistEntry, WaitlistOffer, WaitlistPhone
from regulars.waitlist.model import Entry
from regulars.waitlist.model import Offer as OfferValue
from regulars.waitlist.model import Opening as OpeningValue
from regulars.waitlist.rules import PartOfDay

ENTRY_KEEP = timedelta(days=1)  # an entry stays a day after its last day (the desk sees it), then TTL
OPENING_KEEP = timedelta(days=7)


class AlreadyWaiting(Conflict):
    code = "already_waiting"


# ------------------------------------------------------------------------------------------ entries
def _entry(item: WaitlistEntry) -> Entry:
    return Entry(
        salon_id=item.salon_id,
        entry_id=item.entry_id,
        name=item.name,
        phone=item.phone,
        phone_hash=item.phone_hash,
        service_id=item.service_id,
        staff_ids=tuple(item.staff_ids or ()),
        days=tuple(date.fromisoformat(d) for d in item.days or ()),
        weekdays=tuple(int(w) for w in item.weekdays or ()),
        parts=tuple(PartOfDay(p) for p in item.parts or ()),
        consent=dict(item.consent or {}),
        status=item.status,
        joined_at=item.joined_at,
        ends_at=item.ends_at,
        client_id=item.client_id,
        locale=item.locale,
        closed_at=item.closed_at,
        appointment_id=item.appointment_id,
        offers=int(item.offers or 0),
        last_offer_at=item.last_offer_at,
        version=item.version,
    )


def _entry_item(e: Entry) -> WaitlistEntry:
    return WaitlistEntry(
        salon_id=e.salon_id,
        entry_id=e.entry_id,
        name=e.name,
        phone=e.phone,
        phone_hash=e.phone_hash,
        client_id=e.client_id,
        locale=e.locale,
        service_id=e.service_id,
        staff_ids=list(e.staff_ids),
        days=[d.isoformat() for d in e.days],
        weekdays=list(e.weekdays),
        parts=[p.value for p in e.parts],
        consent=e.consent,
        status=e.status,
        waiting_since=e.joined_at if e.status == "waiting" else None,
        joined_at=e.joined_at,
        ends_at=e.ends_at,
        expires=e.ends_at + ENTRY_KEEP,
    )


def add_entry(
    entry: Entry, *, idempotent_answer: tuple[str, str, str, int, str] | None, now: datetime
) -> None:
    """The entry, its phone's claim on the service (one waiting entry per phone and service, while
    it lasts) and the idempotent answer, in one transaction. AlreadyWaiting when the phone waits already;
    IdempotencyRace when the same key committed meanwhile."""
    tx = Tx()
    tx.put(_entry_item(entry), WaitlistEntry.pk.does_not_exist(), label="entry")
    tx.put(
        WaitlistPhone(
            salon_id=entry.salon_id,
            phone_hash=entry.phone_hash,
            service_id=entry.service_id,
            entry_id=entry.entry_id,
            expires=entry.ends_at + ENTRY_KEEP,
        ),
        # free, or held by an entry whose last day is over (its claim waits for the TTL to go)
        WaitlistPhone.pk.does_not_exist() | (WaitlistPhone.expires <= now + ENTRY_KEEP),
        label="phone",
    )
    if idempotent_answer is not None:
        scope, key, req_hash, status, body = idempotent_answer
        idempotency.stage(tx, entry.salon_id, scope, key, req_hash, status, body, now)
    try:
        tx.commit()
    except TxFailed as exc:
        if "idempotency" in exc.failed or "idempotency" in exc.contended:
            raise IdempotencyRace from exc
        if "phone" in exc.failed:
            raise AlreadyWaiting(
                "this phone is on the waitlist for this service already", code="already_waiting"
            ) from exc
        raise Conflict("the waitlist changed meanwhile; retry", code="concurrent_update") from exc


class IdempotencyRace(Exception):
    pass


def waiting_entry_of(salon_id: str, phone_hash: str, service_id: str) -> str | None:
    item = WaitlistPhone.find(
        salon_id=salon_id, phone_hash=phone_hash, service_id=service_id, consistent=True
    )
    return item.entry_id if item else None


def find_entry(salon_id: str, entry_id: str) -> Entry | None:
    item = WaitlistEntry.find(salon_id=salon_id, entry_id=entry_id, consistent=True)
    return _entry(item) if item else None


def get_entry(salon_id: str, entry_id: str) -> Entry:
    found = find_entry(salon_id, entry_id)
    if found is None:
        raise NotFound("no such waitlist entry", code="entry_not_found")
    return found


def waiting(salon_id: str, *, page: int = 200) -> Iterator[Entry]:
    """The waiting entries in order of joining (one Query of the sparse index, page by page)."""
    hk = WaitlistEntry.render_key("gsi1pk", salon_id=salon_id)
    for item in Entity.by_gsi1.query(hk, page_size=page):
        if isinstance(item, WaitlistEntry) and item.status == "waiting":
            yield _entry(item)


def stage_close(
    tx: Tx, entry: Entry, status: str, now: datetime, *, appointment_id: str | None = None
) -> None:
    """Close a waiting entry in ``tx`` (label ``entry``: it fails when the entry is no longer waiting)
    and free its phone's claim."""
    item = WaitlistEntry(salon_id=entry.salon_id, entry_id=entry.entry_id)
    actions = [
        WaitlistEntry.status.set(status),
        WaitlistEntry.closed_at.set(now),
        WaitlistEntry.waiting_since.remove(),
        WaitlistEntry.gsi1pk.remove(),
        WaitlistEntry.gsi1sk.remove(),
    ]
    if appointment_id:
        actions.append(WaitlistEntry.appointment_id.set(appointment_id))
    tx.update(
        item,
        actions=actions,
        condition=WaitlistEntry.pk.exists() & (WaitlistEntry.status == "waiting"),
        label="entry",
        add_version_condition=False,
    )
    tx.delete(
        WaitlistPhone(salon_id=entry.salon_id, phone_hash=entry.phone_hash, service_id=entry.service_id),
        WaitlistPhone.pk.does_not_exist() | (WaitlistPhone.entry_id == entry.entry_id),
        label="entry_phone",
    )


def close(entry: Entry, status: str, now: datetime) -> bool:
    """Close a waiting entry (left, removed); False when it was not waiting any more."""
    tx = Tx()
    stage_close(tx, entry, status, now)
    try:
        tx.commit()
    except TxFailed as exc:
        if exc.failed:
            return False
        raise
    return True


def forget_phone(salon_id: str, phone_hash: str) -> int:
    """Delete every entry of a phone and its claims (a client's erasure); how many entries went."""
    hk = WaitlistEntry.render_key("gsi2pk", salon_id=salon_id, phone_hash=phone_hash)
    gone = 0
    for item in Entity.by_gsi2.query(hk, Entity.gsi2sk.startswith(items.WAITING)):
        if isinstance(item, WaitlistEntry):
            WaitlistPhone(
                salon_id=salon_id, phone_hash=phone_hash, service_id=item.service_id
            ).delete_existing()
            gone += int(item.delete_existing())
    return gone


def count_offer(salon_id: str, entry_id: str, now: datetime) -> None:
    WaitlistEntry(salon_id=salon_id, entry_id=entry_id).update_if(
        [WaitlistEntry.offers.add(1), WaitlistEntry.last_offer_at.set(now)], WaitlistEntry.pk.exists()
    )


# ------------------------------------------------------------------------------------------ openings
def _opening(item: Opening) -> OpeningValue:
    return OpeningValue(
        salon_id=item.salon_id,
        opening_id=item.opening_id,
        cause=item.cause,
        staff_id=item.staff_id,
        start=item.start,
        end=item.end,
        status=item.status,
        round_number=int(item.round_number or 0),
        offered=tuple(item.offered or ()),
        current=tuple(item.current or ()),
        hold_until=item.hold_until,
        created_at=item.created_at,
        taken_by=item.taken_by,
        appointment_id=item.appointment_id,
    )


def new_opening(
    salon_id: str,
    opening_id: str,
    *,
    cause: str,
    staff_id: str,
    start: datetime,
    end: datetime,
    now: datetime,
) -> bool:
    """Record a freed time once per cause; True if recorded now."""
    return Opening(
        salon_id=salon_id,
        opening_id=opening_id,
        cause=cause,
        staff_id=staff_id,
        start=start,
        end=end,
        status="open",
        round_number=0,
        created_at=now,
        updated_at=now,
        expires=max(end, now) + OPENING_KEEP,
    ).save_new()


def find_opening(salon_id: str, opening_id: str) -> OpeningValue | None:
    item = Opening.find(salon_id=salon_id, opening_id=opening_id, consistent=True)
    return _opening(item) if item else None


def start_round(opening: OpeningValue, entries: list[str], hold_until: datetime, now: datetime) -> bool:
    """Begin the opening's next round with these entries, if no one began it meanwhile and the
    time is still open; True if begun now."""
    item = Opening(salon_id=opening.salon_id, opening_id=opening.opening_id)
    return item.update_if(
        [
            Opening.round_number.set(opening.round_number + 1),
            Opening.offered.set([*opening.offered, *entries]),
            Opening.current.set(entries),
            Opening.hold_until.set(hold_until),
            Opening.updated_at.set(now),
        ],
        Opening.pk.exists() & (Opening.status == "open") & (Opening.round_number == opening.round_number),
    )


def lapse(opening: OpeningValue, now: datetime) -> bool:
    item = Opening(salon_id=opening.salon_id, opening_id=opening.opening_id)
    return item.update_if(
        [Opening.status.set("lapsed"), Opening.updated_at.set(now)],
        Opening.pk.exists() & (Opening.status == "open") & (Opening.round_number == opening.round_number),
    )


# ------------------------------------------------------------------------------------------- offers
def _offer(item: WaitlistOffer) -> OfferValue:
    return OfferValue(
        salon_id=item.salon_id,
        offer_id=item.offer_id,
        opening_id=item.opening_id,
        entry_id=item.entry_id,
        round_number=int(item.round_number),
        service_id=item.service_id,
        staff_id=item.staff_id,
        start=item.start,
        end=item.end,
        hold_until=item.hold_until,
        client_name=item.client_name,
        status=item.status,
        created_at=item.created_at,
        appointment_id=item.appointment_id,
    )


def new_offer(offer: OfferValue) -> bool:
    """Record an offer once (its id comes from the opening and the entry); True if recorded now."""
    return WaitlistOffer(
        salon_id=offer.salon_id,
        offer_id=offer.offer_id,
        opening_id=offer.opening_id,
        entry_id=offer.entry_id,
        round_number=offer.round_number,
        service_id=offer.service_id,
        staff_id=offer.staff_id,
        start=offer.start,
        end=offer.end,
        hold_until=offer.hold_until,
        client_name=offer.client_name,
        status="open",
        created_at=offer.created_at,
        expires=offer.end + OPENING_KEEP,
    ).save_new()


def find_offer(salon_id: str, offer_id: str) -> OfferValue | None:
    item = WaitlistOffer.find(salon_id=salon_id, offer_id=offer_id, consistent=True)
    return _offer(item) if item else None


def stage_taken(tx: Tx, offer: OfferValue, entry: Entry, appointment: m.Appointment, now: datetime) -> None:
    """In the booking's transaction: the opening taken by this offer (label ``opening``: fails when it
    was taken or lapsed, or a later round began), the offer booked, the entry closed."""
    tx.update(
        Opening(salon_id=offer.salon_id, opening_id=offer.opening_id),
        actions=[
            Opening.status.set("taken"),
            Opening.taken_by.set(offer.offer_id),
            Opening.appointment_id.set(appointment.id),
            Opening.updated_at.set(now),
        ],
        condition=Opening.pk.exists()
        & (Opening.status == "open")
        & (Opening.round_number == offer.round_number),
        label="opening",
        add_version_condition=False,
    )
    tx.update(
        WaitlistOffer(salon_id=offer.salon_id, offer_id=offer.offer_id),
        actions=[WaitlistOffer.status.set("booked"), WaitlistOffer.appointment_id.set(appointment.id)],
        condition=WaitlistOffer.pk.exists(),
        label="offer",
        add_version_condition=False,
    )
    stage_close(tx, entry, "booked", now, appointment_id=appointment.id)


# ---------------------------------------------------------------------------------------- the cap
def take_daily(
    salon_id: str, day: str, phone_hash: str, offer_id: str, most: int, keep_until: datetime
) -> bool:
    """Count an offer to a phone on its local day, unless the phone has had ``most`` others; counting
    the same offer again is a no-op that answers True."""
    item = WaitlistDay(salon_id=salon_id, day=day, phone_hash=phone_hash)
    return item.update_if(
        [WaitlistDay.offers.add({offer_id}), WaitlistDay.expires.set(keep_until)],
        WaitlistDay.offers.does_not_exist()
        | (WaitlistDay.offers.contains(offer_id))
        | (size(WaitlistDay.offers) < most),  # type: ignore[no-untyped-call]
    )


def give_back_daily(salon_id: str, day: str, phone_hash: str, offer_id: str) -> None:
    WaitlistDay(salon_id=salon_id, day=day, phone_hash=phone_hash).update_if(
        [WaitlistDay.offers.delete({offer_id})], WaitlistDay.pk.exists()
    )
