"""The stream's subscribers run in an order their declared needs give, and the needs say what the
handlers require of each other: the statistics put the visit in the client's visit log before
anything that reads it (repeat invitations, analytics, the lifecycle status)."""

from __future__ import annotations

import pytest
from regulars.app import stream
from regulars.runtime.subscribers import BadSubscribers, Subscriber, in_order, notify

# Who must act on an event after whom, and why: the facts the order has to keep.
REQUIRED = {
    ("client_stats", "invitations"): "an invitation's interval is worked out from the visit log",
    (
        "client_stats",
        "analytics",
    ): "a completed visit is placed in the client's history by the statistics it is given",
    (
        "client_stats",
        "lifecycle",
    ): "outside a stream batch the status is refreshed at once, from the visit log",
}


def _noop(name: str, *needs: str) -> Subscriber:
    return Subscriber(name, lambda event, now, done: name, needs)


def test_each_subscriber_comes_after_what_it_needs():
    order = [s.name for s in stream.SUBSCRIBERS]
    assert len(order) == 11
    for s in stream.SUBSCRIBERS:
        for need in s.needs:
            assert order.index(need) < order.index(s.name), f"{s.name} runs before {need}, which it needs"


@pytest.mark.parametrize(("first", "then"), list(REQUIRED))
def test_the_order_keeps_what_the_handlers_require(first, then):
    by_name = {s.name: s for s in stream.SUBSCRIBERS}
    assert first in by_name[then].needs, (
        f"{then} does not declare that it needs {first}: {REQUIRED[first, then]}"
    )
    order = list(by_name)
    assert order.index(first) < order.index(then)


def test_a_subscriber_listed_before_what_it_needs_is_moved_after_it_and_the_rest_keep_their_places():
    ordered = in_order([_noop("a"), _noop("b", "d"), _noop("c"), _noop("d"), _noop("e")])
    assert [s.name for s in ordered] == ["a", "c", "d", "b", "e"]


def test_a_subscriber_is_handed_what_the_subscribers_it_needs_returned():
    seen = []
    ordered = in_order(
        [
            Subscriber("count", lambda event, now, done: 3),
            Subscriber("report", lambda event, now, done: seen.append(dict(done)), ("count",)),
        ]
    )
    assert notify(ordered, None, None) == {"count": 3, "report": None}  # type: ignore[arg-type]
    assert seen == [{"count": 3}]


@pytest.mark.parametrize(
    ("subscribers", "problem"),
    [
        ([_noop("a", "b"), _noop("b", "a")], "need each other: a, b"),
        ([_noop("a"), _noop("b", "c"), _noop("c", "b")], "need each other: b, c"),
        ([_noop("a", "nobody")], "needs on no subscriber: a needs nobody"),
        ([_noop("a"), _noop("a")], "named twice: a"),
    ],
)
def test_a_cycle_an_unknown_need_or_a_name_given_twice_is_refused(subscribers, problem):
    with pytest.raises(BadSubscribers, match=problem):
        in_order(subscribers)
