"""Appointments and the slot locks that keep one staff member's visits from overlapping."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from regulars.booking import locks_repo as locks
from regulars.booking.items import APPOINTMENTS, Appointment, VisitPart
from regulars.clients import model as clients_model
from regulars.clients import repo as client_store
from regulars.clients.items import Client, PhoneIndex
from regulars.core import appointments as m
from regulars.core.errors import Conflict, NotFound, SlotTaken
from regulars.core.money import Money
from regulars.salon.model import MAX_SERVICE_MINUTES
from regulars.store import idempotency
from regulars.store.base import Entity, Tx, TxFailed
from regulars.store.items import IdempotencyRecord


class IdempotencyRace(Exception):
    """Another request with the same Idempotency-Key committed first."""


class PhoneRace(Exception):
    """Another request created a client with this phone first."""


class ClientChanged(Exception):
    """The client changed between our read and our write (a statistics update, an edit)."""


def to_domain(item: Appointment) -> m.Appointment:
    return m.Appointment(
        id=item.appointment_id,
        salon_id=item.salon_id,
        client_id=item.client_id,
        client_name=item.client_name,
        staff_id=item.staff_id,
        service_id=item.service_id,
        start=item.start,
        end=item.end,
        status=m.AppointmentStatus(item.status),
        price=Money(amount=int(item.price_amount), currency=item.currency),
        paid_amount=int(item.paid_amount) if item.paid_amount is not None else None,
        bonus_amount=int(item.bonus_amount) if item.bonus_amount is not None else None,
        refunded_at=item.refunded_at,
        source=m.Source.of(item.source),
        late_cancellation=bool(item.late_cancellation),
        cancel_reason=item.cancel_reason,
        created_at=item.created_at,
        updated_at=item.updated_at,
        history=item.history or [],
        version=item.version,
        segments=[m.Segment.model_validate(s) for s in item.segments or []],
    )


def _item(a: m.Appointment) -> Appointment:
    item = Appointment(
        salon_id=a.salon_id,
        appointment_id=a.id,
        client_id=a.client_id,
        client_name=a.client_name,
        staff_id=a.staff_id,
        service_id=a.service_id,
        start=a.start,
        end=a.end,
        status=a.status.value,
        price_amount=a.price.amount,
        currency=a.price.currency,
        paid_amount=a.paid_amount,
        bonus_amount=a.bonus_amount,
        refunded_at=a.refunded_at,
        source=a.source.value,
        late_cancellation=a.late_cancellation,
        cancel_reason=a.cancel_reason,
        created_at=a.created_at,
        updated_at=a.updated_at,
        history=[h.model_dump(mode="json") for h in a.history],
        segments=[s.model_dump(mode="json") for s in a.segments] or None,
    )
    if a.version is not None:
        item.version = a.version
    return item


def visit_cells(a: m.Appointment) -> set[locks.Cell]:
    """Every (staff member, 5-minute cell) a visit holds, over all its services."""
    return {c for p in a.parts() for c in locks.cells_of(p.staff_id, p.start, p.end)}


def _spans(a: m.Appointment) -> dict[str, tuple[datetime, datetime]]:
    """For each staff member but the first of a visit of several services, the span they work on
    it: where the visit shows in their book (a VisitPart)."""
    out: dict[str, tuple[datetime, datetime]] = {}
    for staff_id in a.staff_ids()[1:] if a.segments else []:
        times = a.times_of(staff_id)
        out[staff_id] = (min(t[0] for t in times), max(t[1] for t in times))
    return out


def _part(a: m.Appointment, staff_id: str, span: tuple[datetime, datetime]) -> VisitPart:
    return VisitPart(salon_id=a.salon_id, appointment_id=a.id, staff_id=staff_id, start=span[0], end=span[1])


OWN_LABELS = frozenset({"appointment", "lock", "release", "client", "phone", "old_phone", "idempotency"})


def _raise_for(exc: TxFailed) -> None:
    if any(label not in OWN_LABELS for label in exc.failed):
        raise exc  # a part another feature added (``also``) refused: the caller that added it knows why
    if "idempotency" in exc.failed or "idempotency" in exc.contended:
        raise IdempotencyRace from exc
    if "lock" in exc.failed or "lock" in exc.contended:
        raise SlotTaken("the time is no longer free", code="slot_taken") from exc
    if "phone" in exc.failed or "phone" in exc.contended:
        raise PhoneRace from exc
    if "client" in exc.failed or "client" in exc.contended:
        raise ClientChanged from exc
    raise Conflict("the visit changed meanwhile; retry", code="concurrent_update") from exc


def create(
    appointment: m.Appointment,
    *,
    new_client: clients_model.Client | None = None,
    client_consents: tuple[str, dict] | None = None,
    client_locale: tuple[str, str] | None = None,
    idempotent_answer: tuple[str, str, str, int, str] | None = None,
    now: datetime,
    also: Callable[[Tx], None] | None = None,
) -> Tx:
    """Book in ONE transaction: the visit (with a VisitPart per further staff member of a visit of
    several services), its 5-minute cells in the day items of its staff, the new client and their phone
    claim (if new), a consent or language change of a known client (if any, under the client's
    version) and the idempotent answer (if a key was given); ``also`` adds items of another feature's
    to it (a waitlist offer taken).

    Raises SlotTaken, PhoneRace, ClientChanged or IdempotencyRace; nothing is written unless
    everything is."""

    def build() -> Tx:
        tx = Tx()
        tx.put(_item(appointment), Appointment.pk.does_not_exist(), label="appointment")
        for staff_id, span in _spans(appointment).items():
            tx.put(_part(appointment, staff_id, span), label="appointment")
        locks.stage(tx, appointment.salon_id, appointment.id, take=visit_cells(appointment))
        if new_client is not None:
            client_store.add_new_client(tx, appointment.salon_id, new_client)
        changes = []
        if client_consents is not None:
            changes.append((client_consents[0], Client.consents.set(client_consents[1])))
        if client_locale is not None:
            changes.append((client_locale[0], Client.locale.set(client_locale[1])))
        if changes:
            item = client_store.get_item(appointment.salon_id, changes[0][0])
            if item is None:
                raise ClientChanged
            tx.update(item, actions=[action for _, action in changes], label="client")  # version-checked
        if idempotent_answer is not None:
            scope, key, req_hash, status, body = idempotent_answer
            idempotency.stage(tx, appointment.salon_id, scope, key, req_hash, status, body, now)
        if also is not None:
            also(tx)
        return tx

    return commit_with_retries(build)


def commit_with_retries(build: Callable[[], Tx], attempts: int = 4) -> Tx:
    """Commit a transaction, building it again when it only lost a race with another transaction
    on the same items (TransactionConflict: nothing was decided, so trying again is right); a failed
    condition is an answer and is raised at once."""
    for attempt in range(attempts):
        tx = build()
        try:
            tx.commit()
            return tx
        except TxFailed as exc:
            if exc.failed or not exc.contended or attempt == attempts - 1:
                _raise_for(exc)
            time.sleep(random.uniform(0.01, 0.05) * 2**attempt)
    raise AssertionError("unreachable")


def from_image(image: dict | None) -> m.Appointment | None:
    """An appointment from a stream image (DynamoDB JSON), or None for any other entity."""
    item = Entity.from_image(image, Appointment)
    return to_domain(item) if item else None


def find(salon_id: str, appointment_id: str) -> m.Appointment | None:
    """The visit as it is now, or None (a job re-reading what it acts on)."""
    item = Appointment.find(salon_id=salon_id, appointment_id=appointment_id, consistent=True)
    return to_domain(item) if item else None


def get_item(salon_id: str, appointment_id: str, *, consistent: bool = True) -> Appointment:
    item = Appointment.find(salon_id=salon_id, appointment_id=appointment_id, consistent=consistent)
    if item is None:
        raise NotFound(f"appointment {appointment_id} not found", code="appointment_not_found")
    return item


def get(salon_id: str, appointment_id: str) -> m.Appointment:
    return to_domain(get_item(salon_id, appointment_id))


def save_change(
    before: m.Appointment, after: m.Appointment, *, also: Callable[[Tx], None] | None = None
) -> m.Appointment:
    """Write ``after`` over ``before`` (version-checked) and move its cells to match it: those it
    leaves freed, those it enters taken, one update per day item, all in one transaction; ``also`` adds
    items of its own to that transaction (a redemption paid at checkout)."""
    old = visit_cells(before) if before.status.active else set()
    new = visit_cells(after) if after.status.active else set()
    if after.status is m.AppointmentStatus.COMPLETED:
        old = new = set()  # the locks stay until the visit's end has passed, then expire
    elif after.status is m.AppointmentStatus.NO_SHOW:
        released = after.released_at()  # the client is not coming: the rest of the time is free again
        new = {(staff_id, cell) for staff_id, cell in old if released is None or cell < released}
    spans_before, spans_after = _spans(before), _spans(after)

    def build() -> Tx:
        tx = Tx()
        item = _item(after.model_copy(update={"version": before.version}))
        tx.put(item, label="appointment")
        for staff_id, span in spans_after.items():
            if spans_before.get(staff_id) != span:
                tx.put(_part(after, staff_id, span), label="appointment")
        for staff_id in spans_before.keys() - spans_after.keys():
            tx.delete(_part(before, staff_id, spans_before[staff_id]), label="appointment")
        if old != new:
            locks.stage(tx, after.salon_id, after.id, take=new - old, free=old - new)
        if also is not None:
            also(tx)
        return tx

    commit_with_retries(build)
    return after.model_copy(update={"version": (before.version or 0) + 1})


def for_staff(salon_id: str, staff_id: str, start: datetime, end: datetime) -> list[m.Appointment]:
    """Visits in which one staff member works over part of [start, end), cancelled ones included,
    whole (a visit of several services with all of them): their own (one Query), and those they
    join later in (one BatchGetItem of the visits their VisitParts name)."""
    hk = Appointment.render_key("gsi1pk", salon_id=salon_id, staff_id=staff_id)
    lo = Appointment.render_key("gsi1sk", start=start - timedelta(minutes=MAX_SERVICE_MINUTES))
    hi = Appointment.render_key("gsi1sk", start=end)
    found: list[m.Appointment] = []
    joined: list[tuple[str, str]] = []
    for item in Entity.by_gsi1.query(hk, Entity.gsi1sk.between(lo, hi)):
        if isinstance(item, Appointment) and item.end > start and item.start < end:
            found.append(to_domain(item))
        elif isinstance(item, VisitPart) and item.end > start and item.start < end:
            joined.append(Appointment.primary_key(salon_id=salon_id, appointment_id=item.appointment_id))
    for got in Entity.batch_get(joined) if joined else []:
        if isinstance(got, Appointment):
            found.append(to_domain(got))
    return [
        a
        for a in found
        if any(s < end and start < e for s, e in a.times_of(staff_id))  # not only their part of it
    ]


def page_from(
    salon_id: str, staff_id: str, since: datetime, *, limit: int, after: dict | None = None
) -> tuple[list[m.Appointment], dict | None]:
    """Up to ``limit`` visits of one staff member starting at ``since`` or later, in time order,
    cancelled ones included; and where the next page starts (None: no more)."""
    hk = Appointment.render_key("gsi1pk", salon_id=salon_id, staff_id=staff_id)
    lo = Appointment.render_key("gsi1sk", start=since)
    result = Entity.by_gsi1.query(
        hk, Entity.gsi1sk.between(lo, APPOINTMENTS + "~"), limit=limit, last_evaluated_key=after
    )
    read = list(result)  # a VisitPart counts towards the limit, and is no visit of its staff member's own
    items = [to_domain(i) for i in read if isinstance(i, Appointment)]
    return items, result.last_evaluated_key if len(read) == limit else None


def for_client(salon_id: str, client_id: str, *, limit: int = 100) -> list[m.Appointment]:
    """A client's visits, newest first."""
    hk = Appointment.render_key("gsi2pk", salon_id=salon_id, client_id=client_id)
    items = Entity.by_gsi2.query(
        hk, Entity.gsi2sk.startswith(APPOINTMENTS), scan_index_forward=False, limit=limit
    )
    return [to_domain(i) for i in items if isinstance(i, Appointment)]


def lookup_with_phone(
    salon_id: str, scope: str, key: str | None, phone: str
) -> tuple[idempotency.StoredAnswer | None, str | None]:
    """The stored answer for ``key`` (if any) and the client id claiming ``phone`` (if any), in
    one consistent BatchGetItem: a booking's reads before its transaction."""
    keys = [PhoneIndex.primary_key(salon_id=salon_id, phone=phone)]
    if key:
        keys.append(IdempotencyRecord.primary_key(salon_id=salon_id, scope=scope, key=key))
    record: IdempotencyRecord | None = None
    client_id: str | None = None
    for item in Entity.batch_get(keys, consistent_read=True):
        if isinstance(item, IdempotencyRecord):
            record = item
        elif isinstance(item, PhoneIndex):
            client_id = item.client_id
    return idempotency.answer_of(record), client_id
