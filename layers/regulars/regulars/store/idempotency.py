"""Stored answers for requests that carry an Idempotency-Key (24 hours)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from regulars.store.base import Entity, Tx
from regulars.store.models import IdempotencyRecord, PhoneIndex

KEEP = timedelta(hours=24)


def request_hash(payload: object) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class StoredAnswer:
    request_hash: str
    status: int
    body: str


def _answer(item: IdempotencyRecord | None) -> StoredAnswer | None:
    return StoredAnswer(item.request_hash, int(item.status_code), item.body) if item else None


def lookup(salon_id: str, scope: str, key: str) -> StoredAnswer | None:
    return _answer(IdempotencyRecord.find(salon_id=salon_id, scope=scope, key=key, consistent=True))


def lookup_with_phone(
    salon_id: str, scope: str, key: str | None, phone: str
) -> tuple[StoredAnswer | None, str | None]:
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
    return _answer(record), client_id


def stage(
    tx: Tx, salon_id: str, scope: str, key: str, req_hash: str, status: int, body: str, now: datetime
) -> None:
    """Stage the answer in the transaction that has the effect; label ``idempotency`` fails on a race."""
    tx.put(
        IdempotencyRecord(
            salon_id=salon_id,
            scope=scope,
            key=key,
            request_hash=req_hash,
            status_code=status,
            body=body,
            created_at=now,
            expires=now + KEEP,
        ),
        IdempotencyRecord.pk.does_not_exist(),
        label="idempotency",
    )
