"""Blocked time: a staff member's meeting, training or time off. A block holds its time with the same
lock cells a visit does, so the page offers no slot in it, the desk cannot book or move a visit into
it, and it cannot be put over a visit: whichever of a block and a booking commits first wins.

Rules live here; storage is :mod:`regulars.booking.blocks_repo`'s. Every function takes ``now``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from regulars.booking import blocks_repo as store
from regulars.booking import repo as visits_store
from regulars.booking.model import MAX_BLOCK, Block, BlockKind
from regulars.core import appointments as m
from regulars.core.errors import Conflict, Conflicting, InvalidInput, NotFound, SlotTaken
from regulars.core.ids import new_id
from regulars.core.schedule import on_grid
from regulars.salon import repo as catalog_store
from regulars.salon.model import Salon
from regulars.salon.views import local_iso

EARLIEST = timedelta(days=1)  # as the desk may book: a block may start as far back as yesterday
LATEST = timedelta(days=366)  # and as far ahead as the desk may move a visit


def create(
    salon_id: str,
    staff_id: str,
    *,
    start: datetime,
    end: datetime,
    kind: BlockKind,
    note: str | None,
    now: datetime,
    by: str,
) -> Block:
    """Block [start, end) of a staff member's time. 422 for times off the 5-minute grid, an end not
    after the start, a block longer than MAX_BLOCK or out of the desk's range; 404 for an unknown staff
    member; 409 ``overlaps_appointment`` / ``overlaps_block`` naming what is in the way."""
    catalog = catalog_store.load_catalog(salon_id)
    if staff_id not in catalog.staff:
        raise NotFound(f"staff member {staff_id} not found", code="staff_not_found")
    for name, value in (("start", start), ("end", end)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidInput.field(name, "must include a UTC offset, e.g. 2026-11-23T10:00:00+01:00")
        if not on_grid(value):
            raise InvalidInput.field(name, "must be on a 5-minute boundary", code="not_on_grid")
    if end <= start:
        raise InvalidInput.field("end", "must be after start", code="end_not_after_start")
    if end - start > MAX_BLOCK:
        raise InvalidInput.field("end", f"a block lasts at most {MAX_BLOCK.days} days", code="block_too_long")
    if start < now - EARLIEST:
        raise InvalidInput.field("start", "must be no earlier than yesterday", code="too_soon")
    if start > now + LATEST:
        raise InvalidInput.field("start", "must be within a year from now", code="too_far")
    start, end = start.astimezone(now.tzinfo), end.astimezone(now.tzinfo)  # in range now: no overflow
    _refuse_over(catalog.salon, staff_id, start, end)
    block = Block(
        id=new_id(now),
        salon_id=salon_id,
        staff_id=staff_id,
        start=start,
        end=end,
        kind=kind,
        note=note,
        held=False,
        created_by=by,
        created_at=now,
    )
    try:
        return store.create(block)
    except SlotTaken as exc:  # something took a cell after our read: name it
        _refuse_over(catalog.salon, staff_id, start, end)
        raise Conflict("the time is no longer free", code="slot_taken") from exc


def _refuse_over(salon: Salon, staff_id: str, start: datetime, end: datetime) -> None:
    visits = [
        a
        for a in visits_store.for_staff(salon.id, staff_id, start, end)
        if a.status is not m.AppointmentStatus.CANCELLED  # done visits keep their time
    ]
    others = store.overlapping(salon.id, start, end, staff_id)
    conflicts = [conflicting_visit(a, salon) for a in visits] + [conflicting(b, salon) for b in others]
    if visits:
        raise Conflict(
            f"the time holds {len(visits)} visit(s): cancel or move them first",
            code="overlaps_appointment",
            conflicts=conflicts,
        )
    if others:
        raise Conflict("the time is blocked already", code="overlaps_block", conflicts=conflicts)


def delete(salon_id: str, block_id: str) -> Block:
    """Delete a block and free its time; NotFound if the salon has none by this id."""
    block = store.find(salon_id, block_id)
    store.release(block)
    return block


def find(salon_id: str, block_id: str) -> Block:
    return store.find(salon_id, block_id)


def overlapping(salon_id: str, start: datetime, end: datetime, staff_id: str | None = None) -> list[Block]:
    """The blocks (of one staff member, or of all) over any part of [start, end), by start."""
    return sorted(store.overlapping(salon_id, start, end, staff_id), key=lambda b: (b.start, b.staff_id))


def conflicting(b: Block, salon: Salon) -> Conflicting:
    return Conflicting("block", b.id, b.staff_id, local_iso(b.start, salon), local_iso(b.end, salon))


def conflicting_visit(a: m.Appointment, salon: Salon) -> Conflicting:
    return Conflicting("appointment", a.id, a.staff_id, local_iso(a.start, salon), local_iso(a.end, salon))


def time_blocked(blocks: Iterable[Block], salon: Salon) -> SlotTaken:
    """The refusal of a visit over blocked time, naming the blocks."""
    found = list(blocks)
    kinds = ", ".join(sorted({b.kind.value.replace("_", " ") for b in found}))
    return SlotTaken(
        f"the staff member is not available then ({kinds})",
        code="time_blocked",
        conflicts=[conflicting(b, salon) for b in found],
    )


def refusal(salon: Salon, staff_ids: Iterable[str], start: datetime, end: datetime) -> SlotTaken:
    """Why a visit of each of ``staff_ids`` over [start, end) was refused by its lock cells: blocked
    time (``time_blocked``) when every one of them has a block there, else ``slot_taken``."""
    return refusal_among(salon, store.overlapping(salon.id, start, end), staff_ids, start, end)


def refusal_among(
    salon: Salon, blocks: Iterable[Block], staff_ids: Iterable[str], start: datetime, end: datetime
) -> SlotTaken:
    """:func:`refusal` over blocks read already."""
    wanted = set(staff_ids)
    found = [b for b in blocks if b.staff_id in wanted and b.overlaps(start, end)]
    if wanted and {b.staff_id for b in found} == wanted:
        return time_blocked(found, salon)
    return SlotTaken("this time is already taken", code="slot_taken")
