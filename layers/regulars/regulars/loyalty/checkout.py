"""Checkout: a visit completed with what was paid, in money and in bonus (within the salon's cap,
from the soonest-burning lots, in the same transaction as the visit), and a refund that undoes both.
Completing or refunding again with the same amounts is the same as once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from regulars.booking import repo as appointment_store
from regulars.booking import service as booking
from regulars.core import appointments as m
from regulars.core.errors import InvalidInput, NotAllowed
from regulars.loyalty import visits
from regulars.loyalty.repo import BonusChanged, stage_audit
from regulars.store import audit
from regulars.store.base import Tx, TxFailed

# A visit paid more than this many times its price goes into the audit trail (who, the price, what was
# paid): the cashback and the tier follow what is paid, and the desk enters surcharges all day, so it
# is not refused, but the owner sees it
ABOVE_PRICE = 2


def complete(
    salon_id: str, appointment_id: str, *, paid_amount: int, now: datetime, by: str, bonus_amount: int = 0
) -> m.Appointment:
    """Complete a visit with what was paid: ``paid_amount`` in money and ``bonus_amount`` from the
    client's bonus (within the salon's cap, from the soonest-burning lots, in the same transaction as
    the visit). Completing again with the same amounts is the same as once."""
    if paid_amount < 0:
        raise InvalidInput.field("paid_amount", "must not be negative")
    before = appointment_store.get(salon_id, appointment_id)
    if (
        before.status is m.AppointmentStatus.COMPLETED
        and before.paid_amount == paid_amount
        and (before.bonus_amount or 0) == bonus_amount
    ):
        return before
    booking.require_active(before)
    if before.start > now + timedelta(hours=1):
        raise NotAllowed("a visit cannot be completed before it begins", code="appointment_future")
    after = before.model_copy(
        update={
            "status": m.AppointmentStatus.COMPLETED,
            "paid_amount": paid_amount,
            "bonus_amount": bonus_amount or None,
            "updated_at": now,
            "history": [
                *before.history,
                booking.history_entry(
                    now,
                    "completed",
                    by,
                    paid_amount=paid_amount,
                    **({"bonus_amount": bonus_amount} if bonus_amount else {}),
                ),
            ],
        }
    )
    trail = _paid_above_price(before, paid_amount, bonus_amount, now, by)
    for attempt in range(5):
        also = _with_trail(
            visits.checkout(
                salon_id,
                before.client_id,
                appointment_id,
                paid_amount=paid_amount,
                bonus_amount=bonus_amount,
                now=now,
                by=by,
            ),
            trail,
        )
        try:
            return appointment_store.save_change(before, after, also=also)
        except TxFailed as exc:
            if not any(label.startswith("bonus") for label in exc.failed):
                raise
            if attempt == 4:
                raise BonusChanged("the bonus changed meanwhile; retry") from exc
            # another redemption took from the same lots: read them again
    raise AssertionError("unreachable")


def _paid_above_price(
    a: m.Appointment, paid_amount: int, bonus_amount: int, now: datetime, by: str
) -> audit.Entry | None:
    price = a.price.amount if a.price else 0
    if paid_amount + bonus_amount <= ABOVE_PRICE * price:  # a visit of no price: any payment
        return None
    return audit.entry(
        a.salon_id,
        f"paid-above-price-{a.id}",
        "loyalty.paid_above_price",
        by,
        now,
        client_id=a.client_id,
        detail={
            "appointment_id": a.id,
            "price": price,
            "paid_amount": paid_amount,
            "bonus_amount": bonus_amount,
        },
    )


def _with_trail(also: Callable[[Tx], None] | None, trail: audit.Entry | None) -> Callable[[Tx], None] | None:
    """The checkout's own items, and its audit entry in the same transaction."""
    if trail is None:
        return also

    def add(tx: Tx) -> None:
        if also is not None:
            also(tx)
        stage_audit(tx, trail)

    return add


def refund(
    salon_id: str, appointment_id: str, *, now: datetime, by: str, reason: str | None = None
) -> m.Appointment:
    """Mark a completed visit refunded and undo its bonus (what is left of its cashback; what it
    redeemed goes back). Refunding twice is the same as once."""
    before = appointment_store.get(salon_id, appointment_id)
    if before.status is not m.AppointmentStatus.COMPLETED:
        raise NotAllowed("only a completed visit can be refunded", code="not_completed")
    after = before
    if before.refunded_at is None:
        after = appointment_store.save_change(
            before,
            before.model_copy(
                update={
                    "refunded_at": now,
                    "updated_at": now,
                    "history": [*before.history, booking.history_entry(now, "refunded", by, reason=reason)],
                }
            ),
        )
    visits.refund(after, now, by, reason)
    return after
