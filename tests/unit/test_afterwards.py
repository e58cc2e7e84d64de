from datetime import UTC, datetime, timedelta

import pytest
from regulars.runtime import afterwards

T0 = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def test_outside_a_batch_the_work_is_done_at_once():
    done = []
    afterwards.once_per_client(lambda *args: done.append(args), "s", "c1", T0, "v1")
    assert done == [("s", "c1", T0, "v1")]


def test_in_a_batch_each_work_runs_once_per_client_after_the_records_with_the_last_cause_given():
    done = []

    def tier(*args):
        done.append(("tier", *args))

    def status(*args):
        done.append(("status", *args))

    end = T0 + timedelta(seconds=3)
    with afterwards.batch(lambda: end):
        for client, cause in (("c2", "v1"), ("c1", "v2"), ("c2", "v3"), ("c2", "")):
            afterwards.once_per_client(tier, "s", client, T0, cause)
            afterwards.once_per_client(status, "s", client, T0)
        assert done == []  # nothing while the records are handled
    assert done == [
        ("tier", "s", "c1", end, "v2"),
        ("tier", "s", "c2", end, "v3"),
        ("status", "s", "c1", end, ""),
        ("status", "s", "c2", end, ""),
    ]


def test_a_failing_work_fails_the_batch_and_leaves_no_batch_behind():
    def broken(*_):
        raise RuntimeError("the table refused")

    with pytest.raises(RuntimeError), afterwards.batch(lambda: T0):
        afterwards.once_per_client(broken, "s", "c1", T0)
    done = []
    afterwards.once_per_client(lambda *args: done.append(args), "s", "c1", T0)
    assert done == [("s", "c1", T0, "")]  # outside a batch again: at once


def test_gathered_items_reach_their_flush_once_at_the_end_before_the_per_client_work():
    done = []

    def flush(items, now):
        done.append(("flush", items, now))

    assert afterwards.gather(flush, "outside") is False  # outside a batch the caller acts itself
    end = T0 + timedelta(seconds=3)
    with afterwards.batch(lambda: end):
        afterwards.once_per_client(lambda *args: done.append(("work", *args)), "s", "c1", T0)
        assert afterwards.gather(flush, 1) and afterwards.gather(flush, 2)
        assert done == []
    assert done == [("flush", [1, 2], end), ("work", "s", "c1", end, "")]
    assert afterwards.gather(flush, 3) is False
