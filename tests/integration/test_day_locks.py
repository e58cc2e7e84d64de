"""Day lock items on DynamoDB Local, at their edge: a time over midnight UTC is held in two items by one
transaction, all or nothing; adjacent times on either side of it are free; a move frees and takes in
one transaction; nobody frees a cell they do not hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from regulars.booking import locks_repo
from regulars.store.base import Tx, TxFailed

pytestmark = pytest.mark.integration

MIDNIGHT = datetime(2026, 11, 25, tzinfo=UTC)


def span(minutes_from_midnight: int, minutes: int = 60) -> frozenset[locks_repo.Cell]:
    start = MIDNIGHT + timedelta(minutes=minutes_from_midnight)
    return frozenset(locks_repo.cells_of("anna", start, start + timedelta(minutes=minutes)))


def commit(
    holder: str,
    *,
    take: frozenset[locks_repo.Cell] = frozenset(),
    free: frozenset[locks_repo.Cell] = frozenset(),
) -> None:
    tx = Tx()
    locks_repo.stage(tx, "salon-a", holder, take=take, free=free)
    tx.commit()


def holders() -> dict[datetime, str]:
    return locks_repo.held("salon-a", "anna", MIDNIGHT - timedelta(days=1), MIDNIGHT + timedelta(days=1))


def test_a_time_over_midnight_is_held_in_two_day_items_at_once(table):
    commit("over", take=span(-30))  # 23:30-00:30: 6 cells in each day's item
    assert set(holders().values()) == {locks_repo.tag("over")} and len(holders()) == 12

    with pytest.raises(TxFailed) as refused:
        commit("late", take=span(-60, 45))  # 23:00-23:45: its first 6 cells are free, the rest are not
    assert refused.value.failed == ["lock"]
    assert locks_repo.tag("late") not in holders().values()  # none of its cells were written

    commit("before", take=span(-60, 30))  # 23:00-23:30 and 00:30-01:30: adjacent on both sides
    commit("after", take=span(30))
    assert len(holders()) == 30

    # a move leaves both items and takes 22:00-23:00 in one transaction
    commit("over", take=span(-120), free=span(-30))
    mine = sorted(c for c, t in holders().items() if t == locks_repo.tag("over"))
    assert mine == sorted(c for _, c in span(-120))

    # freeing a cell of another's is refused; the cells stay with their holder
    with pytest.raises(TxFailed) as refused:
        commit("intruder", free=span(30))
    assert refused.value.failed == ["release"]
    assert sum(1 for t in holders().values() if t == locks_repo.tag("after")) == 12
