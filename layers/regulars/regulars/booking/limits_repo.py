"""The public surface's counters and codes: rate limits kept as conditional counters (no extra
service) and one-time phone codes (the SMS parts a salon sent on a day are the outbox's)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from regulars.booking.items import PhoneCheck, RateCount


@dataclass(frozen=True)
class Count:
    """One count to take: ``limit`` (its name) for ``subject`` in the window starting ``window``,
    ``ends`` when the window does, at most ``most`` in it."""

    limit: str
    subject: str
    window: str
    ends: datetime
    most: int


def take(salon_id: str, counts: list[Count]) -> Count | None:
    """Count one more of each, all or none: None when every count was under its limit, else the
    first count that was at its limit (and what was counted before it is given back).

    One conditional UpdateItem per count rather than a transaction: a burst on one counter is
    exactly what this is for, and updates of one item queue where transactions would conflict."""
    for n, c in enumerate(counts):
        if not _counter(salon_id, c).update_if(
            [RateCount.count.add(1), RateCount.expires.set(c.ends + timedelta(hours=1))],
            RateCount.count.does_not_exist() | (RateCount.count < c.most),
        ):
            give_back(salon_id, counts[:n])
            return c
    return None


def give_back(salon_id: str, counts: Sequence[Count]) -> None:
    """One less of each of ``counts``, taken for a request that then changed nothing (refused)."""
    for c in counts:
        _counter(salon_id, c).update([RateCount.count.add(-1)])


def _counter(salon_id: str, c: Count) -> RateCount:
    return RateCount(salon_id=salon_id, limit=c.limit, window=c.window, subject=c.subject)


def new_check(
    salon_id: str, check_id: str, phone_hash: str, code_hash: str, expires_at: datetime, now: datetime
) -> None:
    PhoneCheck(
        salon_id=salon_id,
        check_id=check_id,
        phone_hash=phone_hash,
        code_hash=code_hash,
        expires_at=expires_at,
        created_at=now,
        expires=expires_at + timedelta(hours=1),
    ).save(PhoneCheck.pk.does_not_exist())


@dataclass(frozen=True)
class CodeCheck:
    """A one-time code sent to a phone: the keyed hashes of the phone and the code, until when it
    holds, how often it was tried, and when it was used (None: not yet)."""

    check_id: str
    phone_hash: str
    code_hash: str
    expires_at: datetime
    attempts: int
    proved_at: datetime | None


def _check(item: PhoneCheck) -> CodeCheck:
    return CodeCheck(
        item.check_id,
        item.phone_hash,
        item.code_hash,
        item.expires_at,
        int(item.attempts or 0),
        item.proved_at,
    )


def find_check(salon_id: str, check_id: str) -> CodeCheck | None:
    item = PhoneCheck.find(salon_id=salon_id, check_id=check_id, consistent=True)
    return _check(item) if item else None


def attempt(salon_id: str, check_id: str, most: int) -> CodeCheck | None:
    """Count one attempt at a check's code, if it has attempts left (a used check too: the right code
    sent again, its answer lost, is answered again): the check as it is now, or None (no such check,
    or out of attempts)."""
    item = PhoneCheck(salon_id=salon_id, check_id=check_id)
    counted = item.update_if(
        [PhoneCheck.attempts.add(1)], PhoneCheck.pk.exists() & (PhoneCheck.attempts < most)
    )
    return _check(item) if counted else None


def prove(salon_id: str, check_id: str, now: datetime) -> bool:
    """Mark the check used; False when another request used it first."""
    item = PhoneCheck(salon_id=salon_id, check_id=check_id)
    return item.update_if(
        [PhoneCheck.proved_at.set(now)], PhoneCheck.pk.exists() & PhoneCheck.proved_at.does_not_exist()
    )
