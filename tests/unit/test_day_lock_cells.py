"""How a day lock item names its cells, and how a long block's cells are split into updates: pure, no table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from regulars.booking import locks_repo
from regulars.booking.items import DayLock

cells_of_a_day = st.integers(min_value=0, max_value=287)


@given(st.dates(), cells_of_a_day)
def test_a_cells_name_is_two_characters_unique_in_its_day_and_names_it_back(day, index):
    cell = datetime(day.year, day.month, day.day, tzinfo=UTC) + index * timedelta(minutes=5)
    name = locks_repo.cell_name(cell)
    assert len(name) == 2 and DayLock.is_cell(name)
    assert locks_repo.day_of(cell) == day and locks_repo.cell_at(day, name) == cell
    assert name == f"{locks_repo._DIGITS[index // 36]}{locks_repo._DIGITS[index % 36]}"  # sorted as the day


def test_no_stored_attribute_of_a_day_item_looks_like_a_cell():
    assert not any(DayLock.is_cell(name) for name in ("PK", "SK", "type", "ttl", "GSI1PK"))


@given(st.integers(min_value=0, max_value=2015), st.integers(min_value=1, max_value=2016))
def test_a_blocks_cells_go_in_steps_of_at_most_60_an_item_and_each_item_once_a_step(first, length):
    start = datetime(2026, 11, 23, tzinfo=UTC) + first * timedelta(minutes=5)
    held = locks_repo.cells_of("anna", start, start + length * timedelta(minutes=5))
    steps = locks_repo.chunks(held)
    assert set().union(*steps) == held and sum(len(s) for s in steps) == len(held)
    busiest_day = max(
        sum(1 for _, c in held if locks_repo.day_of(c) == d) for d in {locks_repo.day_of(c) for _, c in held}
    )
    assert len(steps) == -(-busiest_day // locks_repo.CELLS_PER_UPDATE) <= 5  # a whole day off: 5 steps
    for step in steps:
        per_day: dict = {}
        for _, cell in step:
            per_day[locks_repo.day_of(cell)] = per_day.get(locks_repo.day_of(cell), 0) + 1
        assert max(per_day.values()) <= locks_repo.CELLS_PER_UPDATE and len(per_day) <= 8  # under 100 items


def test_a_tag_is_four_characters_and_the_same_for_the_same_holder():
    assert len(locks_repo.tag("01m83pmppgc2s4x933y4bc")) == 4
    assert locks_repo.tag("a") == locks_repo.tag("a") != locks_repo.tag("b")
