"""Blocked time in the table: the block, and its cells in the staff member's day items, held as a visit's are."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime

from regulars.booking import locks_repo as locks
from regulars.booking.items import StaffBlock
from regulars.booking.model import MAX_BLOCK, Block, BlockKind
from regulars.core.errors import Conflict, NotFound, SlotTaken
from regulars.store.base import Entity, Tx, TxFailed


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
    """Write the block and take the cells it covers in the staff member's day items, each under
    ``attribute_not_exists``, as a booking takes its own.

    A block whose every day needs at most 60 cells (5 hours a day) is one transaction. A longer
    one is written in several (as many as its longest day needs: at most five): the first puts the
    block (``held`` false) with the first 60 cells of every day, each next one the next 60, and the
    last sets ``held``. A visit and a block can never hold the same time, whichever commits first;
    when a cell turns out taken, the cells written so far are freed and the block deleted before
    SlotTaken is raised (nothing of it stays)."""
    groups = locks.chunks(locks.cells_of(block.staff_id, block.start, block.end))
    taken: set[locks.Cell] = set()
    try:
        for n, group in enumerate(groups):
            first, last = n == 0, n == len(groups) - 1

            def build(group: set[locks.Cell] = group, first: bool = first, last: bool = last) -> Tx:
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
                locks.stage(tx, block.salon_id, block.id, take=group)
                return tx

            _commit(build)
            taken |= group
    except (SlotTaken, Conflict):
        if taken:
            _free(block, taken)
            _item(block, held=False).delete()
        raise
    return block.model_copy(update={"held": True})


def _free(block: Block, held: set[locks.Cell]) -> None:
    for group in locks.chunks(held):

        def build(group: set[locks.Cell] = group) -> Tx:
            tx = Tx()
            locks.stage(tx, block.salon_id, block.id, free=group)
            return tx

        _commit(build)


def release(block: Block) -> None:
    """Free the cells the block holds, then delete the block (an interrupted release leaves the block,
    to be deleted again). Reads the staff member's day items over the block first: a block whose
    writing was interrupted holds only some of its cells, and a cell another holds is never touched."""
    mark = locks.tag(block.id)
    ours = {
        (block.staff_id, cell)
        for cell, holder in locks.held(block.salon_id, block.staff_id, block.start, block.end).items()
        if holder == mark
    }
    _free(block, ours)
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
