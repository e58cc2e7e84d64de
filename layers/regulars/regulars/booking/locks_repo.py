"""The lock items that keep a staff member's visits and blocks of time from overlapping.

One item per staff member and UTC day (:class:`~regulars.booking.items.DayLock`); each 5-minute cell
taken is an attribute of it, named by the cell's place in the day and valued with its holder's tag.
A holder (a visit, a block) takes, keeps and frees its cells in ONE UpdateItem per item it touches,
inside the transaction that writes the holder itself:

- a cell taken now: ``SET cell = tag`` under ``attribute_not_exists(cell)``: whatever holds it,
  whoever's tag it bears, the write fails, so two overlapping holders can never both commit;
- a cell freed: ``REMOVE cell`` under ``attribute_not_exists(cell) OR cell = tag`` (its own, or
  gone): nobody else's cell is ever removed;
- a cell kept (a move that overlaps the visit's old time): not written.

Taking never trusts the tag, so a tag needs to tell holders apart only when freeing: four
characters of a hash of the holder's id (24 bits). Two holders on one staff member's day share a tag
once in about 16.7 million pairs, and even then one could only free a cell of the other's inside its
own time, which ``attribute_not_exists`` kept the other from taking.
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

from pynamodb.expressions.condition import Condition
from pynamodb.expressions.operand import Path, Value
from pynamodb.expressions.update import Action

from regulars.booking.items import DayLock
from regulars.core.schedule import CELL, cells
from regulars.store.base import Entity, Tx

LOCK_KEEP = timedelta(days=1)  # a day item outlives its day by a day, then TTL removes it
# An UpdateItem's condition has at most 300 operators and 4 KB: a cell taken costs 2 operators and
# some 35 characters, a cell freed 4 and some 50. A visit (48 cells at most) moved to a time of the
# same day that shares none of its old one: 96 cells, 288 operators, about 3.6 KB. Blocks go in steps.
CELLS_PER_UPDATE = 60
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
TYPE = Path("type")
TTL = Path("ttl")

Cell = tuple[str, datetime]  # (staff member, the cell's start in UTC)


def tag(holder_id: str) -> str:
    """A holder's short mark in its cells: 4 characters (24 bits) of a hash of its id."""
    return base64.urlsafe_b64encode(hashlib.sha256(holder_id.encode()).digest()[:3]).decode()


def cell_name(cell: datetime) -> str:
    """The attribute a cell is kept in: its index in the UTC day (0-287) in two base-36 digits."""
    cell = cell.astimezone(UTC)
    index = (cell.hour * 60 + cell.minute) // 5
    return _DIGITS[index // 36] + _DIGITS[index % 36]


def cell_at(day: date, name: str) -> datetime:
    """The cell an attribute of ``day``'s item names (the inverse of :func:`cell_name`)."""
    index = _DIGITS.index(name[0]) * 36 + _DIGITS.index(name[1])
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + index * CELL


def day_of(cell: datetime) -> date:
    return cell.astimezone(UTC).date()


def expiry(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1) + LOCK_KEEP


def cells_of(staff_id: str, start: datetime, end: datetime) -> set[Cell]:
    return {(staff_id, cell) for cell in cells(start, end)}


def _by_item(found: Iterable[Cell]) -> dict[tuple[str, date], set[datetime]]:
    out: dict[tuple[str, date], set[datetime]] = defaultdict(set)
    for staff_id, cell in found:
        out[(staff_id, day_of(cell))].add(cell)
    return out


def _own_or_gone(path: Path, mark: Value) -> Condition:
    condition: Condition = path.does_not_exist() | (path == mark)
    return condition


def _all(conditions: list[Condition]) -> Condition | None:
    out: Condition | None = None
    for c in conditions:
        out = c if out is None else out & c
    return out


def stage(
    tx: Tx,
    salon_id: str,
    holder_id: str,
    *,
    take: Iterable[Cell] = (),
    free: Iterable[Cell] = (),
    heal: Iterable[Cell] = (),
) -> None:
    """Add to ``tx`` one update per (staff member, day) item: cells in ``take`` taken (each must be
    free), cells in ``free`` removed (each must be the holder's, or gone), cells in ``heal`` taken
    unless the holder has them already (each must be free or the holder's: for a rerun of the
    migration). Labelled ``lock`` when it takes a cell, else ``release``."""
    mark = Value({"S": tag(holder_id)})
    taking, freeing, healing = _by_item(take), _by_item(free), _by_item(heal)
    for staff_id, day in sorted(taking.keys() | freeing.keys() | healing.keys()):
        key = (staff_id, day)
        actions: list[Action] = [TYPE.set(Value({"S": DayLock.__name__})), TTL.set(_epoch(expiry(day)))]
        conditions: list[Condition] = []
        for cell in sorted(taking.get(key, ())):
            path = Path(cell_name(cell))
            actions.append(path.set(mark))
            conditions.append(path.does_not_exist())
        for cell in sorted(healing.get(key, ())):
            path = Path(cell_name(cell))
            actions.append(path.set(mark))
            conditions.append(_own_or_gone(path, mark))
        for cell in sorted(freeing.get(key, ())):
            path = Path(cell_name(cell))
            actions.append(path.remove())
            conditions.append(_own_or_gone(path, mark))
        tx.update(
            DayLock.of(salon_id, staff_id, day),
            actions=actions,
            condition=_all(conditions),
            label="lock" if key in taking or key in healing else "release",
            add_version_condition=False,
        )


def whole_items(salon_id: str, holders: Iterable[tuple[str, Iterable[Cell]]]) -> list[DayLock]:
    """The day items that ``holders`` (holder id, its cells) fill, whole: for a bulk load of a table
    that has none yet (the demo's), never over items in use."""
    found: dict[tuple[str, date], dict[str, str]] = defaultdict(dict)
    for holder_id, held_cells in holders:
        mark = tag(holder_id)
        for staff_id, cell in held_cells:
            found[(staff_id, day_of(cell))][cell_name(cell)] = mark
    items = []
    for (staff_id, day), named in sorted(found.items()):
        item = DayLock.of(salon_id, staff_id, day, named)
        item.expires = expiry(day)
        items.append(item)
    return items


def _epoch(moment: datetime) -> Value:
    return Value({"N": str(int(moment.timestamp()))})


def held(salon_id: str, staff_id: str, start: datetime, end: datetime) -> dict[datetime, str]:
    """The cells of [start, end) a staff member's items hold, with their holders' tags: one
    consistent Query of the staff member's day items over those days."""
    first, last = day_of(start), day_of(end - CELL) if end > start else day_of(start)
    client = Entity.connection().client
    pk = DayLock.render_key("pk", salon_id=salon_id, staff_id=staff_id)
    out: dict[datetime, str] = {}
    kwargs: dict = {
        "TableName": Entity.Meta.table_name,
        "KeyConditionExpression": "PK = :pk AND SK BETWEEN :lo AND :hi",
        "ExpressionAttributeValues": {
            ":pk": {"S": pk},
            ":lo": {"S": DayLock.render_key("sk", day=first.isoformat())},
            ":hi": {"S": DayLock.render_key("sk", day=last.isoformat())},
        },
        "ConsistentRead": True,
    }
    while True:
        page = client.query(**kwargs)
        for item in page.get("Items", []):
            day = date.fromisoformat(item["SK"]["S"].removeprefix(DayLock.DAY))
            for name, value in item.items():
                if DayLock.is_cell(name):
                    cell = cell_at(day, name)
                    if start <= cell < end:
                        out[cell] = value["S"]
        if "LastEvaluatedKey" not in page:
            return dict(sorted(out.items()))
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def chunks(found: Iterable[Cell], size: int = CELLS_PER_UPDATE) -> list[set[Cell]]:
    """``found`` in groups that each hold at most ``size`` cells of any one item, as few as that
    allows: the n-th group has the n-th ``size`` cells of every item (a block of several days is
    as many transactions as its longest day needs, each touching every day once)."""
    groups: list[set[Cell]] = []
    for (staff_id, _day), item_cells in _by_item(found).items():
        ordered = sorted(item_cells)
        for n in range(0, len(ordered), size):
            if len(groups) <= n // size:
                groups.append(set())
            groups[n // size].update((staff_id, c) for c in ordered[n : n + size])
    return groups
