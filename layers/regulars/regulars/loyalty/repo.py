"""The bonus ledger in the table: accounts, lots, entries, referral codes.

Every movement is one transaction: the ledger entry (whose key is its source, so a source moves
the balance once), the lots it creates or takes from (each under a condition on what it holds),
and the account's balance (ADD, never below zero). A redemption at checkout joins the visit's own
transaction (see :func:`add_redemption`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from pynamodb.expressions.update import Action

from regulars.core.errors import Conflict
from regulars.loyalty import rules
from regulars.loyalty.items import LEDGER, LOTS, LedgerEntry, Lot, LoyaltyAccount
from regulars.loyalty.model import Movement
from regulars.runtime.jobs import repo as jobs
from regulars.store.base import Entity, Tx, TxFailed
from regulars.store.items import AuditEntry

KEEP_CLOSED_LOTS = timedelta(days=400)  # a spent or expired lot is kept a while for the record, then TTL


class BonusChanged(Conflict):
    """The lots or the balance changed between the read and the write (another redemption): read
    again and retry."""

    code = "bonus_changed"


class AlreadyRecorded(Exception):
    """The ledger already has an entry for this source."""


def _lot(item: Lot) -> rules.Lot:
    return rules.Lot(
        lot_id=item.lot_id,
        amount=int(item.amount),
        remaining=int(item.remaining),
        expires_at=item.expires_at,
        source=item.source,
        created_at=item.created_at,
    )


def lot_items(salon_id: str, client_id: str) -> list[Lot]:
    """Every lot of the client, spent and written-off ones included (what the store holds of them)."""
    pk = Lot.render_key("pk", salon_id=salon_id)
    return [
        i
        for i in Entity.query(pk, Entity.sk.startswith(f"{LOTS}{client_id}#"), consistent_read=True)
        if isinstance(i, Lot)
    ]


def lots(salon_id: str, client_id: str) -> list[rules.Lot]:
    """Every lot of the client that still has something left (spent and written-off lots are not)."""
    return [_lot(i) for i in lot_items(salon_id, client_id) if i.status == "open" and int(i.remaining) > 0]


def lot_item(salon_id: str, client_id: str, lot_id: str) -> Lot | None:
    return Lot.find(salon_id=salon_id, client_id=client_id, lot_id=lot_id, consistent=True)


def account(salon_id: str, client_id: str) -> LoyaltyAccount | None:
    return LoyaltyAccount.find(salon_id=salon_id, client_id=client_id, consistent=True)


def tier_names(salon_id: str, client_ids: list[str]) -> dict[str, str | None]:
    """The tier each client's account names (None: no account yet, or none named), in one BatchGetItem.
    Read as accounts by their key: an account made by an update carries neither its item type nor its
    client's id, only its key."""
    keys = {LoyaltyAccount.primary_key(salon_id=salon_id, client_id=c): c for c in client_ids}
    found = {keys[(a.pk, a.sk)]: a.tier for a in LoyaltyAccount.batch_get(list(keys))} if keys else {}
    return {c: found.get(c) for c in client_ids}


def open_lots_between(salon_id: str, start: datetime, end: datetime) -> list[Lot]:
    """The salon's open lots expiring in [start, end): the liability and what burns soon."""
    hk = f"SALON#{salon_id}#LOTS"
    lo = Lot.render_key("gsi1sk", open_until=start, client_id="", lot_id="")
    hi = Lot.render_key("gsi1sk", open_until=end, client_id="", lot_id="")
    return [i for i in Entity.by_gsi1.query(hk, Entity.gsi1sk.between(lo, hi)) if isinstance(i, Lot)]


def ledger(salon_id: str, client_id: str, limit: int = 200) -> list[LedgerEntry]:
    hk = LedgerEntry.render_key("gsi2pk", salon_id=salon_id, client_id=client_id)
    items = Entity.by_gsi2.query(hk, Entity.gsi2sk.startswith(LEDGER), scan_index_forward=False, limit=limit)
    return [i for i in items if isinstance(i, LedgerEntry)]


def _movement(e: LedgerEntry) -> Movement:
    return Movement(
        salon_id=e.salon_id,
        client_id=e.client_id,
        entry_id=e.entry_id,
        kind=e.kind,
        amount=int(e.amount),
        source=e.source,
        source_id=e.source_id,
        by=e.by,
        created_at=e.created_at,
        lots=list(e.lots or []),
        reason=e.reason,
    )


def movements(salon_id: str, client_id: str, limit: int = 200) -> list[Movement]:
    """The client's ledger, newest first."""
    return [_movement(e) for e in ledger(salon_id, client_id, limit)]


def movement_from_image(image: dict | None) -> Movement | None:
    """A ledger entry from a stream image (DynamoDB JSON), or None for any other entity."""
    item = Entity.from_image(image, LedgerEntry)
    return _movement(item) if item else None


def entry(salon_id: str, client_id: str, entry_id: str) -> LedgerEntry | None:
    return LedgerEntry.find(salon_id=salon_id, client_id=client_id, entry_id=entry_id, consistent=True)


# --- movements -------------------------------------------------------------------------------------
def _entry(
    salon_id: str,
    client_id: str,
    entry_id: str,
    *,
    kind: str,
    amount: int,
    lots_moved: list[dict],
    source: str,
    source_id: str,
    by: str,
    now: datetime,
    reason: str | None = None,
) -> LedgerEntry:
    return LedgerEntry(
        salon_id=salon_id,
        client_id=client_id,
        entry_id=entry_id,
        kind=kind,
        amount=amount,
        lots=lots_moved,
        source=source,
        source_id=source_id,
        by=by,
        reason=reason,
        created_at=now,
    )


def _balance(tx: Tx, salon_id: str, client_id: str, delta: int, now: datetime) -> None:
    account_item = LoyaltyAccount(salon_id=salon_id, client_id=client_id)
    condition = None if delta >= 0 else (LoyaltyAccount.balance >= -delta)
    tx.update(
        account_item,
        [LoyaltyAccount.balance.add(delta), LoyaltyAccount.updated_at.set(now)],
        condition,
        label="bonus_balance",
        add_version_condition=False,
    )


def accrue(
    salon_id: str,
    client_id: str,
    *,
    lot_id: str,
    entry_id: str,
    amount: int,
    source: str,
    source_id: str,
    created_at: datetime,
    expires_at: datetime,
    by: str,
    now: datetime,
    reason: str | None = None,
    expiry_job: jobs.NewJob | None = None,
    unless_entry: str | None = None,
    audit: AuditEntry | None = None,
) -> None:
    """A new lot, its entry and the balance, together; with ``expiry_job`` the job that writes the
    lot off when it burns, with ``audit`` its audit entry. AlreadyRecorded if the source was credited
    before, or if the entry ``unless_entry`` exists (the visit was refunded first)."""
    tx = Tx()
    stage_audit(tx, audit)
    if unless_entry is not None:
        pk, sk = LedgerEntry.primary_key(salon_id=salon_id, client_id=client_id, entry_id=unless_entry)
        tx.check(LedgerEntry, pk, sk, LedgerEntry.pk.does_not_exist(), label="bonus_unless")
    tx.put(
        Lot(
            salon_id=salon_id,
            client_id=client_id,
            lot_id=lot_id,
            amount=amount,
            remaining=amount,
            expires_at=expires_at,
            source=source,
            source_id=source_id,
            created_at=created_at,
        ),
        Lot.pk.does_not_exist(),
        label="bonus_lot",
    )
    tx.put(
        _entry(
            salon_id,
            client_id,
            entry_id,
            kind="accrual",
            amount=amount,
            lots_moved=[{"lot_id": lot_id, "amount": amount}],
            source=source,
            source_id=source_id,
            by=by,
            now=now,
            reason=reason,
        ),
        LedgerEntry.pk.does_not_exist(),
        label="bonus_entry",
    )
    _balance(tx, salon_id, client_id, amount, now)
    if expiry_job is not None:
        jobs.add_new(tx, salon_id, expiry_job, now, label="bonus_job")
    try:
        tx.commit()
    except TxFailed as exc:
        if {"bonus_entry", "bonus_lot", "bonus_unless"} & set(exc.failed):
            raise AlreadyRecorded(entry_id) from exc
        raise BonusChanged("the bonus changed meanwhile; retry") from exc


def add_take(
    tx: Tx,
    salon_id: str,
    client_id: str,
    taken: Sequence[tuple[rules.Lot, int]],
    *,
    entry_id: str,
    kind: str,
    source: str,
    source_id: str,
    by: str,
    now: datetime,
    reason: str | None = None,
) -> int:
    """Add to ``tx`` what spending from these lots writes: each lot down by what is taken (under a
    condition that it still holds that much and has not burned), the entry, the balance (never
    below zero). The amount."""
    total = sum(take for _, take in taken)
    for lot, take in taken:
        item = Lot(salon_id=salon_id, client_id=client_id, lot_id=lot.lot_id)
        actions: list[Action] = [Lot.remaining.add(-take)]
        if take == lot.remaining:  # spent: out of the expiry index
            actions += [
                Lot.status.set("spent"),
                Lot.gsi1pk.remove(),
                Lot.gsi1sk.remove(),
                Lot.expires.set(now + KEEP_CLOSED_LOTS),
            ]
        # the exact amount read: "spent" is decided from it, so a lot changed meanwhile is read again
        tx.update(
            item,
            actions,
            (Lot.remaining == lot.remaining) & (Lot.status == "open") & (Lot.expires_at > now),
            label="bonus_take",
            add_version_condition=False,
        )
    tx.put(
        _entry(
            salon_id,
            client_id,
            entry_id,
            kind=kind,
            amount=-total,
            lots_moved=[{"lot_id": lot.lot_id, "amount": take} for lot, take in taken],
            source=source,
            source_id=source_id,
            by=by,
            now=now,
            reason=reason,
        ),
        LedgerEntry.pk.does_not_exist(),
        label="bonus_entry",
    )
    _balance(tx, salon_id, client_id, -total, now)
    return total


def spend(
    salon_id: str,
    client_id: str,
    taken: Sequence[tuple[rules.Lot, int]],
    *,
    entry_id: str,
    kind: str,
    source: str,
    source_id: str,
    by: str,
    now: datetime,
    reason: str | None = None,
    audit: AuditEntry | None = None,
) -> int:
    tx = Tx()
    stage_audit(tx, audit)
    total = add_take(
        tx,
        salon_id,
        client_id,
        taken,
        entry_id=entry_id,
        kind=kind,
        source=source,
        source_id=source_id,
        by=by,
        now=now,
        reason=reason,
    )
    _commit(tx, entry_id)
    return total


def stage_audit(tx: Tx, entry: AuditEntry | None) -> None:
    """An audit entry in the transaction of what it records (none: nothing)."""
    if entry is not None:
        tx.put(entry, AuditEntry.pk.does_not_exist(), label="audit")


def _commit(tx: Tx, entry_id: str) -> None:
    try:
        tx.commit()
    except TxFailed as exc:
        if "bonus_entry" in exc.failed:
            raise AlreadyRecorded(entry_id) from exc
        raise BonusChanged("the bonus changed meanwhile; retry") from exc


def write_off(
    salon_id: str,
    client_id: str,
    lot: Lot,
    *,
    entry_id: str,
    kind: str,
    status: str,
    source: str,
    source_id: str,
    by: str,
    now: datetime,
    reason: str | None = None,
    among: tuple[str, ...] = ("open",),
) -> int:
    """What is left of one lot, off the balance (its expiry, or the reversal of a refunded visit: then
    a spent lot is closed too, so that no later give-back reopens it)."""
    left = int(lot.remaining)
    tx = Tx()
    tx.update(
        Lot(salon_id=salon_id, client_id=client_id, lot_id=lot.lot_id),
        [
            Lot.remaining.set(0),
            Lot.status.set(status),
            Lot.gsi1pk.remove(),
            Lot.gsi1sk.remove(),
            Lot.expires.set(now + KEEP_CLOSED_LOTS),
        ],
        (Lot.remaining == left) & Lot.status.is_in(*among),
        label="bonus_take",
        add_version_condition=False,
    )
    tx.put(
        _entry(
            salon_id,
            client_id,
            entry_id,
            kind=kind,
            amount=-left,
            lots_moved=[{"lot_id": lot.lot_id, "amount": left}],
            source=source,
            source_id=source_id,
            by=by,
            now=now,
            reason=reason,
        ),
        LedgerEntry.pk.does_not_exist(),
        label="bonus_entry",
    )
    _balance(tx, salon_id, client_id, -left, now)
    _commit(tx, entry_id)
    return left


def give_back(
    salon_id: str,
    client_id: str,
    returned: Sequence[tuple[Lot, int]],
    *,
    entry_id: str,
    source: str,
    source_id: str,
    by: str,
    now: datetime,
    reason: str | None = None,
) -> int:
    """Put amounts back into the lots they were taken from (a refunded visit's redemption): each lot
    reopens with its own expiry."""
    tx = Tx()
    total = 0
    for lot, amount in returned:
        item = Lot(
            salon_id=salon_id,
            client_id=client_id,
            lot_id=lot.lot_id,
            expires_at=lot.expires_at,
            status="open",
            remaining=amount,
        )
        item._derive_keys()
        assert item.gsi1pk is not None and item.gsi1sk is not None  # derived from the open lot's expiry
        tx.update(
            item,
            [
                Lot.remaining.add(amount),
                Lot.status.set("open"),
                Lot.gsi1pk.set(item.gsi1pk),
                Lot.gsi1sk.set(item.gsi1sk),
                Lot.expires.remove(),
            ],
            (Lot.status.is_in("open", "spent"))
            & (Lot.expires_at > now)
            & (Lot.remaining <= int(lot.amount) - amount),
            label="bonus_take",
            add_version_condition=False,
        )
        total += amount
    tx.put(
        _entry(
            salon_id,
            client_id,
            entry_id,
            kind="reversal",
            amount=total,
            lots_moved=[{"lot_id": lot.lot_id, "amount": amount} for lot, amount in returned],
            source=source,
            source_id=source_id,
            by=by,
            now=now,
            reason=reason,
        ),
        LedgerEntry.pk.does_not_exist(),
        label="bonus_entry",
    )
    _balance(tx, salon_id, client_id, total, now)
    _commit(tx, entry_id)
    return total


class LotAppeared(Exception):
    """The lot a reversal expected not to exist was written meanwhile."""


def record(
    salon_id: str,
    client_id: str,
    entry_id: str,
    *,
    kind: str,
    source: str,
    source_id: str,
    by: str,
    now: datetime,
    reason: str | None = None,
    unless_lot: str | None = None,
) -> None:
    """An entry that moves nothing (a reversal with nothing to take back): it marks the source as done.
    With ``unless_lot``, only while that lot does not exist (LotAppeared otherwise)."""
    tx = Tx()
    if unless_lot is not None:
        pk, sk = Lot.primary_key(salon_id=salon_id, client_id=client_id, lot_id=unless_lot)
        tx.check(Lot, pk, sk, Lot.pk.does_not_exist(), label="lot_absent")
    tx.put(
        _entry(
            salon_id,
            client_id,
            entry_id,
            kind=kind,
            amount=0,
            lots_moved=[],
            source=source,
            source_id=source_id,
            by=by,
            now=now,
            reason=reason,
        ),
        LedgerEntry.pk.does_not_exist(),
        label="bonus_entry",
    )
    try:
        tx.commit()
    except TxFailed as exc:
        if "lot_absent" in exc.failed:
            raise LotAppeared(unless_lot) from exc
        if "bonus_entry" in exc.failed:
            raise AlreadyRecorded(entry_id) from exc
        raise


def set_tier(salon_id: str, client_id: str, tier: str, visits: int, spend: int, now: datetime) -> None:
    LoyaltyAccount(salon_id=salon_id, client_id=client_id).update(
        actions=[
            LoyaltyAccount.tier.set(tier),
            LoyaltyAccount.visits_12m.set(visits),
            LoyaltyAccount.spend_12m.set(spend),
            LoyaltyAccount.updated_at.set(now),
        ]
    )
