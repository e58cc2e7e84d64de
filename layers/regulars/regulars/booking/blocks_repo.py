"""Blocked time in the table: the block, and the lock cells that hold its time as a visit's hold theirs."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime

from regulars.booking.items import SlotLock, StaffBlock
from regulars.booking.model import MAX_BLOCK, Block, BlockKind
from regulars.booking.repo import LOCK_KEEP, own_or_gone
from regulars.core.errors import Conflict, NotFound, SlotTaken
from regulars.core.schedule import cells
from regulars.store.base import Entity, Tx, TxFailed

TX_ITEMS = 100  # DynamoDB's limit of items in one TransactWriteItems
CELLS_PER_TX = TX_ITEMS - 1  # room for the block itself in the first and the last transaction


def to_domain(item: StaffBlock) -> Block:
    return Block(
        id=item.block_id,
        salon_id=item.salon_id,
        staff_id=item.staff_id,
        start=item.start,
        end=item.end,
        kind=BlockKind(item.kind),
        note=item.note,
        held=bool(item.held),
        created_by=item.created_by,
        created_at=item.created_at,
    )


def _item(b: Block, *, held: bool) -> StaffBlock:
    return StaffBlock(
        salon_id=b.salon_id,
        block_id=b.id,
        staff_id=b.staff_id,
        start=b.start,
        end=b.end,
        kind=b.kind.value,
        note=b.note,
        held=held,
        created_by=b.created_by,
        created_at=b.created_at,
    )


def _lock(b: Block, cell: datetime) -> SlotLock:
    return SlotLock(
        salon_id=b.salon_id, staff_id=b.staff_id, minute=cell, appointment_id=b.id, expires=cell + LOCK_KEEP
    )


def _commit(build: Callable[[], Tx], attempts: int = 4) -> None:
    """Commit, building again after a lost race that decided nothing (TransactionConflict); a cell
    taken is SlotTaken, any other failed condition a Conflict."""
    for attempt in range(attempts):
        tx = build()
        try:
            tx.commit()
            return
        except TxFailed as exc:
            if "lock" in exc.failed or ("lock" in exc.contended and attempt == attempts - 1):
                raise SlotTaken("the time is no longer free", code="slot_taken") from exc
            if exc.failed or attempt == attempts - 1:
                raise Conflict("the block changed meanwhile; retry", code="concurrent_update") from exc
            time.sleep(random.uniform(0.01, 0.05) * 2**attempt)


def create(block: Block) -> Block:
    """Write the block and one lock per 5-minute cell it covers, each under ``attribute_not_exists``.

    Up to 99 cells (8 h 15 min), one transaction. A longer block is written in several: the first
    puts the block (``held`` false) with 99 cells, each next one 99 more, and the last sets ``held``.
    Every cell is taken under the same condition a booking's are, so a visit and a block can never
    hold the same time, whichever commits first; when a cell turns out taken, the cells written so
    far are released and the block deleted before SlotTaken is raised (nothing of it stays)."""
    all_cells = cells(block.start, block.end)
    chunks = [all_cells[i : i + CELLS_PER_TX] for i in range(0, len(all_cells), CELLS_PER_TX)]
    written = False
    try:
        for n, chunk in enumerate(chunks):
            first, last = n == 0, n == len(chunks) - 1

            def build(chunk: list[datetime] = chunk, first: bool = first, last: bool = last) -> Tx:
                tx = Tx()
                if first:
                    tx.put(_item(block, held=last), StaffBlock.pk.does_not_exist(), label="block")
                elif last:
                    tx.update(
                        _item(block, held=False),
                        actions=[StaffBlock.held.set(True)],
                        condition=StaffBlock.pk.exists(),
                        label="block",
                    )
                for cell in chunk:
                    tx.put(_lock(block, cell), SlotLock.pk.does_not_exist(), label="lock")
                return tx

            _commit(build)
            written = True
    except (SlotTaken, Conflict):
        if written:
            release(block)
        raise
    return block.model_copy(update={"held": True})


def release(block: Block) -> None:
    """Free the cells the block holds, then delete the block (an interrupted release leaves the block,
    to be deleted again). Reads the staff member's cells over the block first: a block whose writing
    was interrupted holds only some of them, and a cell another holds is never touched."""
    ours = [
        lock.minute
        for lock in SlotLock.query(
            SlotLock.render_key("pk", salon_id=block.salon_id, staff_id=block.staff_id),
            SlotLock.sk.between(
                SlotLock.render_key("sk", minute=block.start), SlotLock.render_key("sk", minute=block.end)
            ),
            consistent_read=True,
        )
        if lock.appointment_id == block.id
    ]
    for i in range(0, len(ours), TX_ITEMS):

        def build(chunk: list[datetime] = ours[i : i + TX_ITEMS]) -> Tx:
            tx = Tx()
            for cell in chunk:
                tx.delete(_lock(block, cell), own_or_gone(block.id), label="release")
            return tx

        _commit(build)
    _item(block, held=False).delete()


def find(salon_id: str, block_id: str) -> Block:
    item = StaffBlock.find(salon_id=salon_id, block_id=block_id, consistent=True)
    if item is None:
        raise NotFound(f"block {block_id} not found", code="block_not_found")
    return to_domain(item)


def overlapping(salon_id: str, start: datetime, end: datetime, staff_id: str | None = None) -> list[Block]:
    """The salon's blocks (of one staff member, or of all) that overlap [start, end), by start: one
    Query of the salon's blocks that start from ``start`` less the longest block up to ``end``."""
    hk = StaffBlock.render_key("gsi1pk", salon_id=salon_id)
    lo = StaffBlock.render_key("gsi1sk", start=start - MAX_BLOCK)
    hi = StaffBlock.render_key("gsi1sk", start=end)
    out = []
    for item in Entity.by_gsi1.query(hk, Entity.gsi1sk.between(lo, hi)):
        if (
            isinstance(item, StaffBlock)
            and item.start < end
            and start < item.end
            and staff_id in (None, item.staff_id)
        ):
            out.append(to_domain(item))
    return out
