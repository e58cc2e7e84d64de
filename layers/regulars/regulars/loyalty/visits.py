"""Bonus and the visit: cashback (and a referral's bonuses) when a paid visit is completed, bonus
paying part of the bill at checkout, and all of it undone by the visit's refund.

The cashback is keyed on the visit and the redemption on the visit too, so a repeated event moves
the balance once; a refund closes the door to a cashback that comes after it."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime, timedelta

from regulars.booking import repo as appointment_store
from regulars.clients import repo as client_store
from regulars.core import appointments as m
from regulars.core.errors import InvalidInput, NotFound
from regulars.core.events import AppointmentEvent, EventType
from regulars.loyalty import repo as store
from regulars.loyalty import rules, tiers
from regulars.loyalty.credits import FRESH, credit, lot_id_for, settings_of
from regulars.runtime import afterwards
from regulars.store.base import Tx


def _review_after(salon_id: str, client_id: str, now: datetime, cause: str) -> None:
    tiers.review_tier(salon_id, client_id, now, cause=cause)


def on_event(event: AppointmentEvent, now: datetime) -> None:
    """Cashback (and a referral's bonuses) on a completed, paid visit; the client's tier reviewed
    with it counted, once per client when the stream's batch ends."""
    if event.type is not EventType.COMPLETED:
        return
    a = event.appointment
    _, loyalty = settings_of(a.salon_id)
    if not loyalty.enabled:
        return
    if a.start > now - tiers.WINDOW:  # it counts for the tier; a move up it makes is news if it is fresh
        fresh = now - a.updated_at <= FRESH
        afterwards.once_per_client(_review_after, a.salon_id, a.client_id, now, a.id if fresh else "")
    if a.updated_at + timedelta(days=loyalty.lifetime_days) <= now:
        return  # history: a bonus it earned would have burned by now (it was completed by updated_at)
    current = appointment_store.get(a.salon_id, a.id)
    if current.refunded_at is not None or current.status is not m.AppointmentStatus.COMPLETED:
        return
    completed_at = next(
        (h.at for h in reversed(current.history) if h.action == "completed"), current.updated_at
    )
    # the rate is the tier the client had when this visit began (the visits of the 12 months before
    # it), whatever order the events come in
    earlier = tiers.in_window(
        tiers.paid_visits(a.salon_id, a.client_id), current.start - timedelta(microseconds=1)
    )
    before = rules.tier_for(loyalty.tiers, len(earlier), sum(v.paid_amount or 0 for v in earlier))
    paid = current.paid_amount or 0
    credit(
        a.salon_id,
        a.client_id,
        amount=rules.cashback(paid, before.rate_bp),
        source="visit",
        source_id=a.id,
        lifetime_days=loyalty.lifetime_days,
        at=completed_at,
        now=now,
        reason=f"{before.rate_bp / 100:g}% of {paid}",
        unless_reversed=f"reversal:visit:{a.id}",
    )
    if not earns_referral(current) or now - completed_at > FRESH:
        return  # a referral is rewarded for a visit as it is completed, not for imported history
    client = client_store.get(a.salon_id, a.client_id)
    if client.referred_by:
        for who, amount in (
            (client.id, loyalty.referral_referee_amount),
            (client.referred_by, loyalty.referral_referrer_amount),
        ):
            role = "referee" if who == client.id else "referrer"
            credit(
                a.salon_id,
                who,
                amount=amount,
                source="referral",
                source_id=f"{role}-{client.id}",
                lifetime_days=loyalty.referral_lifetime_days,
                at=completed_at,
                now=now,
                reason=f"referral of {client.id}",
                unless_reversed=f"reversal:visit:{a.id}",
            )


def _claw_back(a: m.Appointment, spent: int, now: datetime, by: str, reason: str | None) -> int:
    """The part of a refunded visit's cashback spent already, taken from the client's other bonus (the
    soonest-burning first), as far as it goes: a client who spent it on another visit does not keep
    its value. What is beyond the balance is let go (no debt). The amount taken."""
    entry_id = f"clawback:visit:{a.id}"
    for _ in range(5):
        lots = store.lots(a.salon_id, a.client_id)
        amount = min(spent, rules.balance(lots, now))
        if amount <= 0:
            return 0
        try:
            return store.spend(
                a.salon_id,
                a.client_id,
                rules.allocate(lots, amount, now),
                entry_id=entry_id,
                kind="reversal",
                source="visit",
                source_id=a.id,
                by=by,
                now=now,
                reason=reason,
            )
        except store.AlreadyRecorded:
            return 0
        except store.BonusChanged:
            continue  # a redemption took from the same lots meanwhile: read them again
    return 0


def earns_referral(a: m.Appointment) -> bool:
    """Whether a friend's visit earns the referral: one paid at least half its price, in money and
    bonus (a discount for a first visit still does; a visit checked out at a token sum does not)."""
    paid = (a.paid_amount or 0) + (a.bonus_amount or 0)
    return paid > 0 and 2 * paid >= a.price.amount


def _undo_referral(a: m.Appointment, now: datetime, by: str, reason: str | None) -> int:
    """A referral stands on the friend's paid visits: once the last that earns it is refunded, both
    bonuses come off (what is left of them). The change of the friend's own balance."""
    try:
        client = client_store.get(a.salon_id, a.client_id)
    except NotFound:
        return 0
    if not client.referred_by:
        return 0
    if any(v.id != a.id and earns_referral(v) for v in tiers.paid_visits(a.salon_id, a.client_id)):
        return 0
    taken = {
        who: _reverse_lot(a.salon_id, who, "referral", f"{role}-{client.id}", now=now, by=by, reason=reason)
        for who, role in ((client.id, "referee"), (client.referred_by, "referrer"))
    }
    return -taken[client.id]


def _reverse_lot(
    salon_id: str, client_id: str, source: str, source_id: str, *, now: datetime, by: str, reason: str | None
) -> int:
    """What is left of a lot credited for ``source``/``source_id``, off the balance, once (a spent lot is
    closed too, so that no give-back reopens it); read again after a redemption took from it meanwhile.
    The amount taken."""
    for _ in range(3):
        lot = store.lot_item(salon_id, client_id, lot_id_for(source, source_id))
        if lot is None or lot.status not in ("open", "spent"):
            return 0
        try:
            return store.write_off(
                salon_id,
                client_id,
                lot,
                entry_id=f"reversal:{source}:{source_id}",
                kind="reversal",
                status="reversed",
                source=source,
                source_id=source_id,
                by=by,
                now=now,
                reason=reason,
                among=("open", "spent"),
            )
        except store.AlreadyRecorded:
            return 0
        except store.BonusChanged:
            continue
    return 0


def checkout(
    salon_id: str,
    client_id: str,
    appointment_id: str,
    *,
    paid_amount: int,
    bonus_amount: int,
    now: datetime,
    by: str,
) -> Callable[[Tx], None] | None:
    """What paying ``bonus_amount`` of a bill with bonus adds to the visit's completing transaction;
    InvalidInput over the cap, NotEnoughBonus over the balance."""
    if bonus_amount == 0:
        return None
    if bonus_amount < 0:
        raise InvalidInput.field("bonus_amount", "must not be negative")
    _, loyalty = settings_of(salon_id)
    cap = rules.redeem_cap(paid_amount + bonus_amount, loyalty.redeem_cap_percent)
    if bonus_amount > cap:
        raise InvalidInput.field(
            "bonus_amount",
            f"bonus may pay at most {loyalty.redeem_cap_percent}% of the bill: {cap} of "
            f"{paid_amount + bonus_amount}",
        )
    taken = rules.allocate(store.lots(salon_id, client_id), bonus_amount, now)

    def add(tx: Tx) -> None:
        store.add_take(
            tx,
            salon_id,
            client_id,
            taken,
            entry_id=f"redemption:visit:{appointment_id}",
            kind="redemption",
            source="visit",
            source_id=appointment_id,
            by=by,
            now=now,
        )

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
                net -= store.write_off(
                    salon_id,
                    client_id,
                    lot,
                    entry_id=entry_id,
                    kind="reversal",
                    status="reversed",
                    source="visit",
                    source_id=visit,
                    by=by,
                    now=now,
                    reason=reason,
                    among=("open", "spent"),
                )
            elif lot is None:  # no cashback yet: the entry closes the door to a late accrual
                store.record(
                    salon_id,
                    client_id,
                    entry_id,
                    kind="reversal",
                    source="visit",
                    source_id=visit,
                    by=by,
                    now=now,
                    reason=reason,
                    unless_lot=lot_id,
                )
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
                net += store.give_back(
                    salon_id,
                    client_id,
                    returned,
                    entry_id=f"reversal:redemption:{visit}",
                    source="visit",
                    source_id=visit,
                    by=by,
                    now=now,
                    reason=reason,
                )
    # what of its cashback had been spent already: the lot less what its reversal wrote off (read back,
    # so that a refund retried after a failure still takes it)
    lot, reversal = store.lot_item(salon_id, client_id, lot_id), store.entry(salon_id, client_id, entry_id)
    if lot is not None and reversal is not None and lot.status == "reversed":
        net -= _claw_back(appointment, int(lot.amount) + int(reversal.amount), now, by, reason)
    net += _undo_referral(appointment, now, by, reason)
    tiers.review_tier(salon_id, client_id, now, cause=f"refund-{visit}")
    return net
