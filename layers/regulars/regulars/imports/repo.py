"""Import runs, and the writes an import makes: a new client with their phone claim, a past visit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from pynamodb.exceptions import PutError

from regulars.booking.items import Appointment
from regulars.clients import model as clients_model
from regulars.clients import repo as client_store
from regulars.clients.items import PhoneIndex
from regulars.core.errors import NotFound
from regulars.imports.items import IMPORTS, ImportRun
from regulars.imports.model import ImportState, PastVisit
from regulars.store.base import Entity, Tx, TxFailed, condition_failed

BATCH_GET = 100  # DynamoDB's limit of keys a BatchGetItem


def to_domain(item: ImportRun) -> ImportState:
    return ImportState(
        salon_id=item.salon_id,
        id=item.import_id,
        kind=item.kind,
        preset=item.preset,
        file_name=item.file_name,
        mapping=dict(item.mapping or {}),
        rows=int(item.rows),
        chunks=int(item.chunks),
        chunks_sent=frozenset(int(n) for n in item.chunks_sent or ()),
        chunks_done=frozenset(int(n) for n in item.chunks_done or ()),
        rows_done=int(item.rows_done or 0),
        rejected=int(item.rejected or 0),
        created=int(item.created or 0),
        updated=int(item.updated or 0),
        unchanged=int(item.unchanged or 0),
        visits_added=int(item.visits_added or 0),
        created_by=item.created_by,
        created_at=item.created_at,
        finished_at=item.finished_at,
    )


def create_run(
    salon_id: str,
    import_id: str,
    *,
    kind: str,
    preset: str | None,
    file_name: str,
    mapping: dict,
    rows: int,
    chunks: int,
    who: str,
    now: datetime,
) -> ImportState:
    item = ImportRun(
        salon_id=salon_id,
        import_id=import_id,
        kind=kind,
        preset=preset,
        file_name=file_name,
        mapping=mapping,
        rows=rows,
        chunks=chunks,
        created_by=who,
        created_at=now,
    )
    item.save(condition=ImportRun.pk.does_not_exist())
    return to_domain(item)


def run(salon_id: str, import_id: str) -> ImportState:
    item = ImportRun.find(salon_id=salon_id, import_id=import_id, consistent=True)
    if item is None:
        raise NotFound(f"import {import_id} not found", code="import_not_found")
    return to_domain(item)


def runs(salon_id: str, limit: int = 20) -> list[ImportState]:
    pk = ImportRun.render_key("pk", salon_id=salon_id)
    return [
        to_domain(i)
        for i in Entity.query(pk, Entity.sk.startswith(IMPORTS), scan_index_forward=False, limit=limit)
        if isinstance(i, ImportRun)
    ]


def mark_sent(salon_id: str, import_id: str, chunk: int) -> None:
    ImportRun(salon_id=salon_id, import_id=import_id).update(actions=[ImportRun.chunks_sent.add({chunk})])


def chunk_done(salon_id: str, import_id: str, chunk: int, counts: dict[str, int], now: datetime) -> bool:
    """Add one chunk's counts to its run once; False if the chunk had been counted."""
    item = ImportRun(salon_id=salon_id, import_id=import_id)
    actions = [ImportRun.chunks_done.add({chunk})] + [
        getattr(ImportRun, name).add(value) for name, value in counts.items() if value
    ]
    if not item.update_if(actions, ImportRun.pk.exists() & ~ImportRun.chunks_done.contains(chunk)):
        return False
    if len(item.chunks_done or ()) >= int(item.chunks) and item.finished_at is None:
        item.update_if([ImportRun.finished_at.set(now)], ImportRun.finished_at.does_not_exist())
    return True


def clients_by_phone(salon_id: str, phones: Iterable[str]) -> dict[str, str]:
    """phone -> client id, for the phones some client of the salon has (read in batches)."""
    wanted = sorted(set(phones))
    out: dict[str, str] = {}
    for start in range(0, len(wanted), BATCH_GET):
        keys = [PhoneIndex.primary_key(salon_id=salon_id, phone=p) for p in wanted[start : start + BATCH_GET]]
        for item in PhoneIndex.batch_get(keys, consistent_read=True):
            out[item.phone] = item.client_id
    return out


def clients(salon_id: str, client_ids: Iterable[str]) -> dict[str, clients_model.Client]:
    """The clients with these ids (read in batches)."""
    from regulars.clients.items import Client

    wanted = sorted(set(client_ids))
    out: dict[str, clients_model.Client] = {}
    for start in range(0, len(wanted), BATCH_GET):
        keys = [Client.primary_key(salon_id=salon_id, client_id=c) for c in wanted[start : start + BATCH_GET]]
        for item in Client.batch_get(keys, consistent_read=True):
            out[item.client_id] = client_store.to_domain(item)
    return out


def add_client(salon_id: str, client: clients_model.Client, stats: dict) -> bool:
    """Write a new client with their phone claim (and the totals their old platform knew); False when
    the phone was taken meanwhile."""
    item = client_store.new_item(salon_id, client)
    for name, value in stats.items():
        setattr(item, name, value)
    tx = Tx()
    tx.put(item, item.__class__.pk.does_not_exist(), label="client")
    for word in client_store.name_words(salon_id, client.id, client.name):
        tx.put(word, label="client")
    tx.put(
        PhoneIndex(salon_id=salon_id, phone=client.phone, client_id=client.id),
        PhoneIndex.pk.does_not_exist(),
        label="phone",
    )
    try:
        tx.commit()
    except TxFailed as exc:
        if "phone" in exc.failed or "phone" in exc.contended:
            return False
        raise
    return True


def add_visit(v: PastVisit) -> bool:
    """Write a past visit (completed, its source ``import``) unless it is there; True if written now."""
    item = Appointment(
        salon_id=v.salon_id,
        appointment_id=v.id,
        client_id=v.client_id,
        client_name=v.client_name,
        staff_id=v.staff_id,
        service_id=v.service_id,
        start=v.start,
        end=v.end,
        status="completed",
        price_amount=v.price,
        currency=v.currency,
        paid_amount=v.price,
        source="import",
        created_at=v.start,  # when it was booked is not known: not a booking made today
        updated_at=v.now,
        history=v.history,
    )
    try:
        item.save(condition=Appointment.pk.does_not_exist())
    except PutError as exc:
        if condition_failed(exc):
            return False
        raise
    return True
