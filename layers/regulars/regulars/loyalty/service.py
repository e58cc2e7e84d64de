"""Loyalty use cases: cashback on a paid visit, bonus at checkout, refunds, burning with a warning,
tiers, birthday and referral bonuses, manual adjustments.

Each credit is keyed on its source (the visit, the birthday of a year, the referral) and each
debit on its cause, so a repeated event or job moves the balance once. Jobs re-read what they act
on: a lot spent meanwhile is not written off, a warning about a lot spent meanwhile is not sent.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from regulars.booking import links
from regulars.booking import model as m
from regulars.booking import repo as appointment_store
from regulars.booking.events import AppointmentEvent, EventType
from regulars.booking.schedule import local_instant
from regulars.clients import repo as client_store
from regulars.clients.model import Client
from regulars.core.config import link_keys, manage_link_secret
from regulars.core.errors import InvalidInput, NotFound
from regulars.core.ids import new_id
from regulars.loyalty import repo as store
from regulars.loyalty import rules
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.rules.templates import MessageKind
from regulars.runtime import afterwards
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.outcome import Outcome
from regulars.runtime.jobs.repo import DueJob
from regulars.runtime.jobs.subjects import Subject
from regulars.salon import repo as catalog_store
from regulars.salon.model import Salon
from regulars.salon.settings.loyalty import LoyaltySettings, Tier
from regulars.store import audit
from regulars.store.base import Tx
from regulars.store.items import AuditEntry

EXPIRY = "lot-expiry"
WARNING = "burn-warning"
BIRTHDAY = "birthday"
TIER_REVIEW = "tier-review"
FRESH = timedelta(hours=1)  # an accrual older than this (history imported) is credited without a message
WINDOW = timedelta(days=365)
MORNING = time(10, 0)  # birthday greetings go at this local time
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")


def _rules(salon_id: str) -> tuple[Salon, LoyaltySettings]:
    salon = catalog_store.load_catalog(salon_id, max_age=catalog_store.RULES_MAX_AGE).salon
    return salon, salon.settings.loyalty


def _safe(text: str) -> str:
    return _UNSAFE.sub("-", text)


def lot_id_for(source: str, source_id: str) -> str:
    """A lot's id from its source, unique per source (an id with other characters is hashed)."""
    raw = f"{source}-{source_id}"
    if _UNSAFE.search(raw):
        return f"{source}-{hashlib.sha256(source_id.encode()).hexdigest()[:24]}"
    return raw


def _whole_second(at: datetime) -> datetime:
    return at.replace(microsecond=0) + (timedelta(seconds=1) if at.microsecond else timedelta(0))


# --- reading -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Standing:
    balance: int  # what can be spent now: lots that have not burned
    lots: list[rules.Lot]
    tier: Tier
    visits_12m: int
    spend_12m: int
    next_tier: Tier | None


def standing(salon_id: str, client_id: str, now: datetime) -> Standing:
    _, loyalty = _rules(salon_id)
    lots = rules.usable(store.lots(salon_id, client_id), now)
    account = store.account(salon_id, client_id)
    visits = int(account.visits_12m or 0) if account else 0
    spend = int(account.spend_12m or 0) if account else 0
    tier = _tier_named(loyalty, account.tier if account else None) or loyalty.tiers[0]
    better = sorted((t for t in loyalty.tiers if t.rate_bp > tier.rate_bp), key=lambda t: t.rate_bp)
    return Standing(rules.balance(lots, now), lots, tier, visits, spend, better[0] if better else None)


def _tier_named(loyalty: LoyaltySettings, name: str | None) -> Tier | None:
    return next((t for t in loyalty.tiers if t.name == name), None)


def code_of(salon_id: str, client_id: str, key: bytes | None = None) -> str:
    """The client's referral code: eight characters, the same every time under one link key (a code
    shown under an earlier key keeps working: it was remembered when shown)."""
    digest = hmac.new(key or manage_link_secret(), f"referral:{salon_id}:{client_id}".encode(),
                      hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:8]


def codes_of(salon_id: str, client_id: str) -> list[str]:
    """The client's codes under every key of the ring (what erasure forgets)."""
    return [code_of(salon_id, client_id, key) for _, key in link_keys().keys]


def referral_code(salon_id: str, client_id: str) -> str:
    """The client's referral code, resolvable from now on."""
    code = code_of(salon_id, client_id)
    store.remember_referral_code(salon_id, code, client_id)
    return code


def referral_url(salon_id: str, code: str) -> str:
    return links.booking_page(salon_id, referral_code=code)


def referrer_for(salon_id: str, code: str | None, phone: str) -> str | None:
    """The client a code names, unless that client has this phone (a client cannot refer themself)."""
    if not code:
        return None
    client_id = store.referrer(salon_id, code.strip().upper())
    if client_id is None:
        return None
    try:
        referrer = client_store.get(salon_id, client_id)
    except NotFound:
        return None
    return None if referrer.phone == phone else client_id


# --- credits -------------------------------------------------------------------------------------------
def lot_expiry(at: datetime, lifetime_days: int) -> datetime:
    """When a lot credited at ``at`` burns (on a whole second, as the due-job index keeps it)."""
    return _whole_second(at + timedelta(days=lifetime_days))


def credit(salon_id: str, client_id: str, *, amount: int, source: str, source_id: str, lifetime_days: int,
           at: datetime, now: datetime, by: str = "system", reason: str | None = None,
           announce: MessageKind | None = MessageKind.BONUS_EARNED, unless_reversed: str | None = None,
           trail: AuditEntry | None = None) -> bool:
    """Credit a lot once per (source, source_id); True if credited now. A lot that would already have
    burned is not credited. With ``announce`` the client is told (a message once per credit)."""
    expires_at = lot_expiry(at, lifetime_days)
    if amount <= 0 or expires_at <= now:
        return False
    lot_id = lot_id_for(source, source_id)
    entry_id = f"accrual:{source}:{source_id}"
    try:
        store.accrue(salon_id, client_id, lot_id=lot_id, entry_id=entry_id, amount=amount, source=source,
                     source_id=source_id, created_at=at, expires_at=expires_at, by=by, now=now, reason=reason,
                     expiry_job=job_store.NewJob(f"{EXPIRY}-{client_id}-{lot_id}", kind=EXPIRY,
                                                 subject=Subject.LOT.of(client_id, lot_id), due_at=expires_at,
                                                 payload={"client_id": client_id, "lot_id": lot_id}),
                     unless_entry=unless_reversed, audit=trail)
        written = True
    except store.AlreadyRecorded:
        written = False
    _plan_warning(salon_id, client_id, expires_at, now)
    if written and announce is not None and now - at <= FRESH:
        balance = rules.balance(store.lots(salon_id, client_id), now)
        outbox.plan(outbox.PlannedMessage(
            salon_id=salon_id, message_id=f"{announce.value}-{client_id}-{lot_id}", kind=announce.value,
            purpose="marketing" if announce is MessageKind.BIRTHDAY_GREETING else "transactional",
            recipient="client", client_id=client_id, created_at=now,
            values={"amount": amount, "balance": balance, "expires_at": expires_at.isoformat()},
        ))
    return written


def _plan_warning(salon_id: str, client_id: str, expires_at: datetime, now: datetime) -> None:
    """One warning for every lot of the client that burns on the same day."""
    _, loyalty = _rules(salon_id)
    due = expires_at - timedelta(days=loyalty.warn_days_before)
    if loyalty.warn_days_before == 0 or due < now:
        return
    day = expires_at.date()
    job_store.schedule(salon_id, f"{WARNING}-{client_id}-{day:%Y%m%d}", kind=WARNING,
                       subject=Subject.LOYALTY.of(client_id), due_at=due, now=now,
                       payload={"client_id": client_id, "day": day.isoformat()})


# --- the visit -------------------------------------------------------------------------------------------
def _paid_visits(salon_id: str, client_id: str) -> list[m.Appointment]:
    """The client's completed, unrefunded visits, newest first (one Query)."""
    return [a for a in appointment_store.for_client(salon_id, client_id, limit=500)
            if a.status is m.AppointmentStatus.COMPLETED and a.refunded_at is None]


def _in_window(visits: list[m.Appointment], until: datetime) -> list[m.Appointment]:
    return [a for a in visits if until - WINDOW < a.start <= until]


def review_tier(salon_id: str, client_id: str, now: datetime, *, cause: str,
                history: list[m.Appointment] | None = None) -> tuple[Tier, Tier]:
    """Recompute the tier from the last 12 months; (before, after). A move up is announced when it
    has a ``cause`` (a fresh visit, a job; none: history imported, which is news to no one); the next
    review is due when the oldest visit counted leaves the window."""
    _, loyalty = _rules(salon_id)
    account = store.account(salon_id, client_id)
    before = _tier_named(loyalty, account.tier if account else None) or loyalty.tiers[0]
    visits = _in_window(history if history is not None else _paid_visits(salon_id, client_id), now)
    spend = sum(a.paid_amount or 0 for a in visits)
    after = rules.tier_for(loyalty.tiers, len(visits), spend)
    store.set_tier(salon_id, client_id, after.name, len(visits), spend, now)
    if cause and after.rate_bp > before.rate_bp:
        outbox.plan(outbox.PlannedMessage(
            salon_id=salon_id, message_id=_safe(f"tier-up-{client_id}-{after.name}-{cause}"),
            kind=MessageKind.TIER_UP.value, purpose="transactional", recipient="client", client_id=client_id,
            created_at=now, values={"tier": after.name, "rate_bp": after.rate_bp}))
    if visits:
        leaves = min(a.start for a in visits) + WINDOW
        job_store.schedule(salon_id, f"{TIER_REVIEW}-{client_id}-{leaves:%Y%m%dT%H%M}", kind=TIER_REVIEW,
                           subject=Subject.LOYALTY.of(client_id), due_at=leaves + timedelta(minutes=1),
                           now=now, payload={"client_id": client_id})
    return before, after


def _review_after(salon_id: str, client_id: str, now: datetime, cause: str) -> None:
    review_tier(salon_id, client_id, now, cause=cause)


def on_event(event: AppointmentEvent, now: datetime) -> None:
    """Cashback (and a referral's bonuses) on a completed, paid visit; the client's tier reviewed
    with it counted, once per client when the stream's batch ends."""
    if event.type is not EventType.COMPLETED:
        return
    a = event.appointment
    _, loyalty = _rules(a.salon_id)
    if not loyalty.enabled:
        return
    if a.start > now - WINDOW:  # it counts for the tier; a move up it makes is news if it is fresh
        fresh = now - a.updated_at <= FRESH
        afterwards.once_per_client(_review_after, a.salon_id, a.client_id, now, a.id if fresh else "")
    if a.updated_at + timedelta(days=loyalty.lifetime_days) <= now:
        return  # history: a bonus it earned would have burned by now (it was completed by updated_at)
    current = appointment_store.get(a.salon_id, a.id)
    if current.refunded_at is not None or current.status is not m.AppointmentStatus.COMPLETED:
        return
    completed_at = next((h.at for h in reversed(current.history) if h.action == "completed"), current.updated_at)
    # the rate is the tier the client had when this visit began (the visits of the 12 months before
    # it), whatever order the events come in
    earlier = _in_window(_paid_visits(a.salon_id, a.client_id), current.start - timedelta(microseconds=1))
    before = rules.tier_for(loyalty.tiers, len(earlier), sum(v.paid_amount or 0 for v in earlier))
    paid = current.paid_amount or 0
    credit(a.salon_id, a.client_id, amount=rules.cashback(paid, before.rate_bp), source="visit", source_id=a.id,
           lifetime_days=loyalty.lifetime_days, at=completed_at, now=now,
           reason=f"{before.rate_bp / 100:g}% of {paid}", unless_reversed=f"reversal:visit:{a.id}")
    if paid == 0 or now - completed_at > FRESH:
        return  # a referral is rewarded for a visit as it is completed, not for imported history
    client = client_store.get(a.salon_id, a.client_id)
    if client.referred_by:
        for who, amount in ((client.id, loyalty.referral_referee_amount),
                            (client.referred_by, loyalty.referral_referrer_amount)):
            role = "referee" if who == client.id else "referrer"
            credit(a.salon_id, who, amount=amount, source="referral", source_id=f"{role}-{client.id}",
                   lifetime_days=loyalty.referral_lifetime_days, at=completed_at, now=now,
                   reason=f"referral of {client.id}", unless_reversed=f"reversal:visit:{a.id}")


def checkout(salon_id: str, client_id: str, appointment_id: str, *, paid_amount: int, bonus_amount: int,
             now: datetime, by: str) -> Callable[[Tx], None] | None:
    """What paying ``bonus_amount`` of a bill with bonus adds to the visit's completing transaction;
    InvalidInput over the cap, NotEnoughBonus over the balance."""
    if bonus_amount == 0:
        return None
    if bonus_amount < 0:
        raise InvalidInput.field("bonus_amount", "must not be negative")
    _, loyalty = _rules(salon_id)
    cap = rules.redeem_cap(paid_amount + bonus_amount, loyalty.redeem_cap_percent)
    if bonus_amount > cap:
        raise InvalidInput.field(
            "bonus_amount", f"bonus may pay at most {loyalty.redeem_cap_percent}% of the bill: {cap} of "
            f"{paid_amount + bonus_amount}")
    taken = rules.allocate(store.lots(salon_id, client_id), bonus_amount, now)

    def add(tx: Tx) -> None:
        store.add_take(tx, salon_id, client_id, taken, entry_id=f"redemption:visit:{appointment_id}",
                       kind="redemption", source="visit", source_id=appointment_id, by=by, now=now)

    return add


def refund(appointment: m.Appointment, now: datetime, by: str, reason: str | None) -> int:
    """Undo a visit's bonus: what is left of its cashback comes off, what it redeemed goes back
    into the lots it came from (those that have not burned). The net change of the balance."""
    salon_id, client_id, visit = appointment.salon_id, appointment.client_id, appointment.id
    net = 0
    lot_id = lot_id_for("visit", visit)
    entry_id = f"reversal:visit:{visit}"
    for _ in range(3):
        lot = store.lot_item(salon_id, client_id, lot_id)
        try:
            if lot is not None and lot.status in ("open", "spent"):
                # what is left comes off; a spent lot is closed too, so no give-back reopens it
                net -= store.write_off(salon_id, client_id, lot, entry_id=entry_id, kind="reversal",
                                       status="reversed", source="visit", source_id=visit, by=by, now=now,
                                       reason=reason, among=("open", "spent"))
            elif lot is None:  # no cashback yet: the entry closes the door to a late accrual
                store.record(salon_id, client_id, entry_id, kind="reversal", source="visit", source_id=visit,
                             by=by, now=now, reason=reason, unless_lot=lot_id)
            break
        except store.AlreadyRecorded:
            break
        except (store.LotAppeared, store.BonusChanged):
            continue  # the accrual or a redemption landed meanwhile: read the lot again
    redeemed = store.entry(salon_id, client_id, f"redemption:visit:{visit}")
    if redeemed is not None:
        returned = []
        for moved in redeemed.lots or []:
            item = store.lot_item(salon_id, client_id, moved["lot_id"])
            if item is not None and item.expires_at > now and item.status in ("open", "spent"):
                returned.append((item, int(moved["amount"])))
        if returned:
            with contextlib.suppress(store.AlreadyRecorded):
                net += store.give_back(salon_id, client_id, returned, entry_id=f"reversal:redemption:{visit}",
                                       source="visit", source_id=visit, by=by, now=now, reason=reason)
    review_tier(salon_id, client_id, now, cause=f"refund-{visit}")
    return net


def adjust(salon_id: str, client_id: str, *, amount: int, reason: str, key: str, now: datetime, by: str) -> int:
    """A manual adjustment, audited (who, when, why): a credit becomes a lot of the salon's lifetime;
    a debit spends the soonest-burning lots. The audit trail's entry is written in the adjustment's
    own transaction (its reason stays in the ledger, which an erasure reaches)."""
    _, loyalty = _rules(salon_id)
    entry_id = f"accrual:manual:{key}" if amount > 0 else f"adjustment:{key}"
    trail = audit.entry(salon_id, new_id(now), "loyalty.adjusted", by, now, client_id=client_id,
                        detail={"amount": amount, "ledger_entry": entry_id})
    if amount > 0:
        credit(salon_id, client_id, amount=amount, source="manual", source_id=key, lifetime_days=loyalty.lifetime_days,
               at=now, now=now, by=by, reason=reason, trail=trail)
        return amount
    for attempt in range(5):  # another redemption may take the same lots first: read again
        taken = rules.allocate(store.lots(salon_id, client_id), -amount, now)
        try:
            return -store.spend(salon_id, client_id, taken, entry_id=entry_id, kind="adjustment",
                                source="manual", source_id=key, by=by, now=now, reason=reason, audit=trail)
        except store.AlreadyRecorded:
            return amount
        except store.BonusChanged:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def liability(salon_id: str, now: datetime, horizon: timedelta = timedelta(days=30)) -> tuple[int, int, list[dict]]:
    """The salon's outstanding bonus (open lots that have not burned), what of it burns within
    ``horizon``, and that by day."""
    lots = store.open_lots_between(salon_id, now, now + timedelta(days=3650))
    outstanding = sum(int(lot.remaining) for lot in lots)
    soon: dict[date, int] = {}
    for lot in lots:
        if lot.expires_at < now + horizon:
            soon[lot.expires_at.date()] = soon.get(lot.expires_at.date(), 0) + int(lot.remaining)
    return outstanding, sum(soon.values()), [{"date": d.isoformat(), "amount": v} for d, v in sorted(soon.items())]


# --- jobs ------------------------------------------------------------------------------------------------
def expire(job: DueJob, now: datetime) -> Outcome:
    client_id, lot_id = job.payload["client_id"], job.payload["lot_id"]
    lot = store.lot_item(job.salon_id, client_id, lot_id)
    if lot is None or lot.status != "open" or int(lot.remaining) == 0:
        return Outcome(False, "nothing left to burn")
    if lot.expires_at > now:
        return Outcome(False, "not burned yet")
    try:
        burned = store.write_off(job.salon_id, client_id, lot, entry_id=f"expiry:{lot_id}", kind="expiry",
                                 status="expired", source=lot.source, source_id=lot.source_id, by="system", now=now)
    except store.AlreadyRecorded:
        return Outcome(False, "written off before")
    return Outcome(True, f"{burned} burned")


def warn(job: DueJob, now: datetime) -> Outcome:
    client_id, day = job.payload["client_id"], date.fromisoformat(job.payload["day"])
    burning = [lot for lot in rules.usable(store.lots(job.salon_id, client_id), now) if lot.expires_at.date() == day]
    amount = sum(lot.remaining for lot in burning)
    if amount == 0:
        return Outcome(False, "nothing burns that day any more")
    outbox.plan(outbox.PlannedMessage(
        salon_id=job.salon_id, message_id=job.job_id, kind=MessageKind.BONUS_BURN_WARNING.value,
        purpose="transactional", recipient="client", client_id=client_id, created_at=now,
        values={"amount": amount, "expires_at": min(lot.expires_at for lot in burning).isoformat()}))
    return Outcome(True, f"warned of {amount}")


def tier_review(job: DueJob, now: datetime) -> Outcome:
    before, after = review_tier(job.salon_id, job.payload["client_id"], now, cause=job.job_id)
    return Outcome(True, f"{before.name} -> {after.name}")


def next_birthday(birthday: date, salon: Salon, days_before: int, now: datetime) -> tuple[int, datetime]:
    """(year, when the greeting goes): the next birthday's greeting time that is not past. A 29 February
    birthday is kept on 28 February in other years."""
    local_today = now.astimezone(salon.tz).date()
    for year in (local_today.year, local_today.year + 1, local_today.year + 2):
        try:
            day = birthday.replace(year=year)
        except ValueError:
            day = date(year, 2, 28)
        when = local_instant(day - timedelta(days=days_before), MORNING, salon.tz)
        if when >= now:
            return year, when
    raise AssertionError("unreachable")


def schedule_birthday(salon_id: str, client: Client, now: datetime) -> None:
    salon, loyalty = _rules(salon_id)
    if client.birthday is None or not loyalty.enabled or loyalty.birthday_amount == 0:
        return
    year, when = next_birthday(client.birthday, salon, loyalty.birthday_days_before, now)
    job_store.schedule(salon_id, f"{BIRTHDAY}-{client.id}-{year}", kind=BIRTHDAY,
                       subject=Subject.LOYALTY.of(client.id), due_at=when, now=now,
                       payload={"client_id": client.id, "year": year,
                                "birthday": client.birthday.isoformat()})


def birthday(job: DueJob, now: datetime) -> Outcome:
    salon, loyalty = _rules(job.salon_id)
    try:
        client = client_store.get(job.salon_id, job.payload["client_id"])
    except NotFound:
        return Outcome(False, "the client no longer exists")
    if client.birthday is None or client.birthday.isoformat() != job.payload["birthday"]:
        return Outcome(False, "the birthday changed")
    year = int(job.payload["year"])
    credited = credit(job.salon_id, client.id, amount=loyalty.birthday_amount, source="birthday",
                      source_id=str(year), lifetime_days=loyalty.birthday_lifetime_days, at=now, now=now,
                      announce=MessageKind.BIRTHDAY_GREETING)
    next_year, when = next_birthday(client.birthday, salon, loyalty.birthday_days_before, now + timedelta(days=2))
    job_store.schedule(job.salon_id, f"{BIRTHDAY}-{client.id}-{next_year}", kind=BIRTHDAY,
                       subject=Subject.LOYALTY.of(client.id), due_at=when, now=now,
                       payload={"client_id": client.id, "year": next_year, "birthday": client.birthday.isoformat()})
    return Outcome(credited, "birthday bonus" if credited else "credited before")
