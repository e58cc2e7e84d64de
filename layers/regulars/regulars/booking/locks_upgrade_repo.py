"""The upgrade that moves the per-cell lock items (``SlotLock``) of earlier releases into day items.

An operator runs it with :mod:`regulars.booking.locks_migration` (docs/architecture.md, "Slot locks").

For each staff member of the salon: one Query of their partition from the start of today (UTC), the
old cells found there grouped by holder, each holder read (one BatchGetItem: a visit or a block), then
for each holder that still holds time one transaction that takes the cells it holds NOW (a visit's
current times, not the old items') in the day items, each under "free or already its own", with a
check that the visit's version (the block's existence) is still the one read; the old items are
deleted after. So it is idempotent (a second run finds nothing, or re-takes what is its own already),
safe while bookings happen (a visit moved or cancelled meanwhile fails the check and is read again),
and never takes a cell another holder has: such a cell is reported as a conflict (two visits held
the same time across the upgrade) and its old items are kept, for the desk to resolve.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from regulars.booking import locks_repo as locks
from regulars.booking.items import Appointment, SlotLock, StaffBlock
from regulars.booking.repo import to_domain, visit_cells
from regulars.core import appointments as m
from regulars.salon import repo as catalog_store
from regulars.store.base import Entity, Tx, TxFailed

ATTEMPTS = 4


@dataclass
class Report:
    holders: int = 0  # visits and blocks whose cells are in day items now
    cells: int = 0  # their cells of the staff members migrated
    stale: int = 0  # old items of holders that hold no time any more (cancelled, moved, gone)
    deleted: int = 0  # old items deleted
    conflicts: list[str] = field(default_factory=list)  # holders whose time another holds


def migrate(salon_id: str, now: datetime, staff_ids: list[str] | None = None) -> Report:
    """Move the salon's old lock items of today and later into day items (see the module's text)."""
    staff = staff_ids if staff_ids is not None else sorted(catalog_store.load_catalog(salon_id).staff)
    report = Report()
    for staff_id in staff:
        _migrate_staff(salon_id, staff_id, now, report)
    return report


def _migrate_staff(salon_id: str, staff_id: str, now: datetime, report: Report) -> None:
    today = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    old: dict[str, list[SlotLock]] = defaultdict(list)
    pk = SlotLock.render_key("pk", salon_id=salon_id, staff_id=staff_id)
    lo = SlotLock.render_key("sk", minute=today)
    for item in Entity.query(pk, Entity.sk.between(lo, "9999"), consistent_read=True):
        if isinstance(item, SlotLock):  # the day items (DAY#...) sort after every old one
            old[item.appointment_id].append(item)
    for holder_id, items in sorted(old.items()):
        for attempt in range(ATTEMPTS):
            state = _holder(salon_id, holder_id)
            held = {c for c in _cells(state) if c[0] == staff_id}
            if not held:
                report.stale += len(items)
                break
            try:
                for group in locks.chunks(held):  # a visit is one; a long block a step per 60 cells a day
                    tx = Tx()
                    locks.stage(tx, salon_id, holder_id, heal=group)
                    _check(tx, state)
                    tx.commit()
            except TxFailed as exc:
                if "lock" in exc.failed:
                    report.conflicts.append(holder_id)
                    items = []  # kept: the desk decides which of the two keeps the time
                    break
                if attempt == ATTEMPTS - 1:
                    raise
                continue  # the holder changed, or a race decided nothing: read it again
            report.holders += 1
            report.cells += len(held)
            break
        with SlotLock.batch_write() as batch:
            for item in items:
                batch.delete(item)
        report.deleted += len(items)


def _holder(salon_id: str, holder_id: str) -> Appointment | StaffBlock | None:
    keys = [
        Appointment.primary_key(salon_id=salon_id, appointment_id=holder_id),
        StaffBlock.primary_key(salon_id=salon_id, block_id=holder_id),
    ]
    for item in Entity.batch_get(keys, consistent_read=True):
        if isinstance(item, Appointment | StaffBlock):
            return item
    return None


def _cells(state: Appointment | StaffBlock | None) -> set[locks.Cell]:
    """The cells a holder holds now: an active visit's (a done one keeps its time, as in
    :func:`regulars.booking.repo.save_change`), a block's; nothing for a cancelled or gone one."""
    if isinstance(state, StaffBlock):
        return locks.cells_of(state.staff_id, state.start, state.end)
    if isinstance(state, Appointment):
        visit = to_domain(state)
        if visit.status is not m.AppointmentStatus.CANCELLED:
            return visit_cells(visit)
    return set()


def _check(tx: Tx, state: Appointment | StaffBlock | None) -> None:
    if isinstance(state, Appointment):
        tx.check(Appointment, state.pk, state.sk, Appointment.version == state.version, label="holder")
    elif isinstance(state, StaffBlock):
        tx.check(StaffBlock, state.pk, state.sk, StaffBlock.pk.exists(), label="holder")
