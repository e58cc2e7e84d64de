"""Credits: every bonus (a visit's cashback, a birthday, a referral, a win-back offer, a campaign, a
manual adjustment) is a lot credited once per source, with its expiry job and a warning before it
burns; the client is told of it when it is fresh."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

from regulars.loyalty import burning, rules
from regulars.loyalty import repo as store
from regulars.messaging.outbox import dispatch
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.rules.templates import MessageKind
from regulars.salon import repo as catalog_store
from regulars.salon.model import Salon
from regulars.salon.settings.loyalty import LoyaltySettings
from regulars.store import audit

FRESH = timedelta(hours=1)  # an accrual older than this (history imported) is credited without a message
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def settings_of(salon_id: str) -> tuple[Salon, LoyaltySettings]:
    """The salon and its loyalty programme, as background work may read them (briefly cached)."""
    salon = catalog_store.load_catalog(salon_id, max_age=catalog_store.RULES_MAX_AGE).salon
    return salon, salon.settings.loyalty


def safe_id(text: str) -> str:
    """``text`` with every character an id may not hold replaced by a dash."""
    return _UNSAFE.sub("-", text)


def lot_id_for(source: str, source_id: str) -> str:
    """A lot's id from its source, unique per source (an id with other characters is hashed)."""
    raw = f"{source}-{source_id}"
    if _UNSAFE.search(raw):
        return f"{source}-{hashlib.sha256(source_id.encode()).hexdigest()[:24]}"
    return raw


def _whole_second(at: datetime) -> datetime:
    return at.replace(microsecond=0) + (timedelta(seconds=1) if at.microsecond else timedelta(0))


def lot_expiry(at: datetime, lifetime_days: int) -> datetime:
    """When a lot credited at ``at`` burns (on a whole second, as the due-job index keeps it)."""
    return _whole_second(at + timedelta(days=lifetime_days))


def credit(
    salon_id: str,
    client_id: str,
    *,
    amount: int,
    source: str,
    source_id: str,
    lifetime_days: int,
    at: datetime,
    now: datetime,
    by: str = "system",
    reason: str | None = None,
    announce: MessageKind | None = MessageKind.BONUS_EARNED,
    unless_reversed: str | None = None,
    trail: audit.Entry | None = None,
) -> bool:
    """Credit a lot once per (source, source_id); True if credited now. A lot that would already have
    burned is not credited. With ``announce`` the client is told (a message once per credit)."""
    expires_at = lot_expiry(at, lifetime_days)
    if amount <= 0 or expires_at <= now:
        return False
    lot_id = lot_id_for(source, source_id)
    entry_id = f"accrual:{source}:{source_id}"
    try:
        store.accrue(
            salon_id,
            client_id,
            lot_id=lot_id,
            entry_id=entry_id,
            amount=amount,
            source=source,
            source_id=source_id,
            created_at=at,
            expires_at=expires_at,
            by=by,
            now=now,
            reason=reason,
            expiry_job=burning.expiry_job(client_id, lot_id, expires_at),
            unless_entry=unless_reversed,
            audit=trail,
        )
        written = True
    except store.AlreadyRecorded:
        written = False
    salon, loyalty = settings_of(salon_id)
    burning.plan_warning(salon_id, client_id, expires_at, now, loyalty.warn_days_before, salon.tz)
    if written and announce is not None and now - at <= FRESH:
        balance = rules.balance(store.lots(salon_id, client_id), now)
        dispatch.plan_routed(  # routed as it is written: one write, where planning it makes two
            outbox.PlannedMessage(
                salon_id=salon_id,
                message_id=f"{announce.value}-{client_id}-{lot_id}",
                kind=announce.value,
                purpose="marketing" if announce is MessageKind.BIRTHDAY_GREETING else "transactional",
                recipient="client",
                client_id=client_id,
                created_at=now,
                values={"amount": amount, "balance": balance, "expires_at": expires_at.isoformat()},
            ),
            now,
            visit_of=dispatch.no_visit,
        )
    return written
