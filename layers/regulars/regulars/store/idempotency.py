"""Stored answers for requests that carry an Idempotency-Key (24 hours).

A replay is told from a different request under the same key by a digest of the request. The
request holds a phone number and a name, and a plain hash of those is undone by trying every number
of a country (a few billion hashes), so the digest is keyed: an HMAC under a key derived from the
deployment's manage-link key, which is not in the table. Without the key the digest says nothing;
with it, the same request gives the same digest (the replay compares equal). Records live a day, so
a new key (a rotation) only makes a replay within that day look like a different request."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from regulars.core.config import manage_link_secret
from regulars.store.base import Tx
from regulars.store.items import IdempotencyRecord

KEEP = timedelta(hours=24)
_PURPOSE = b"regulars:idempotency-request-digest"  # keys derived from the manage-link key differ by purpose


def request_hash(payload: object) -> str:
    """The request's keyed digest (HMAC-SHA256, hex)."""
    key = hmac.new(manage_link_secret(), _PURPOSE, hashlib.sha256).digest()
    return hmac.new(
        key, json.dumps(payload, sort_keys=True, default=str).encode(), hashlib.sha256
    ).hexdigest()


@dataclass(frozen=True)
class StoredAnswer:
    request_hash: str
    status: int
    body: str


def answer_of(item: IdempotencyRecord | None) -> StoredAnswer | None:
    return StoredAnswer(item.request_hash, int(item.status_code), item.body) if item else None


def lookup(salon_id: str, scope: str, key: str) -> StoredAnswer | None:
    return answer_of(IdempotencyRecord.find(salon_id=salon_id, scope=scope, key=key, consistent=True))


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
