"""Stored answers for requests that carry an Idempotency-Key (24 hours)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from regulars.store.base import Tx
from regulars.store.models import IdempotencyRecord

KEEP = timedelta(hours=24)


def request_hash(payload: object) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def lookup(salon_id: str, scope: str, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.find(salon_id=salon_id, scope=scope, key=key, consistent=True)


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
