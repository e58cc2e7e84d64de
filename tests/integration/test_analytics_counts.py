"""The analytics' counts on DynamoDB Local: each event once, in a stream batch merged into as few
transactions as hold them, and exactly what counting them one at a time gives."""

from __future__ import annotations

from datetime import timedelta

import pytest
from regulars.analytics import repo as store
from regulars.analytics.repo import FOREVER, Delta, Fact
from regulars.runtime import afterwards
from regulars.store.base import Entity

pytestmark = pytest.mark.integration

SALON = "salon-a"


def totals(salon_id: str = SALON) -> dict[tuple[str, str, str], tuple[int, int]]:
    return {
        (t.month, t.figure, t.value): (t.count, t.amount)
        for t in store.tallies(salon_id, "2026-01", "2026-12")
    }


def sent(n: int, month: str = "2026-11") -> tuple[str, list[Delta]]:
    return f"message:{n}", [Delta(month, "messages", "sms:transactional:reminder", 1, 7000)]


def visit(n: int, client: str, month: str = "2026-11") -> tuple[str, list[Delta], list[Fact]]:
    deltas = [Delta(month, "visits", "all", 1, 3000), Delta(month, "outcomes", "completed")]
    facts = [
        Fact(f"visitor:{month}:{client}", (Delta(month, "clients", "visited"),)),
        Fact(f"cohort:{client}", (Delta(month, "cohort", "clients"),), FOREVER),
    ]
    return f"completed:{n}", deltas, facts


@pytest.fixture
def table_calls(table, monkeypatch):
    """The calls made to the table (PynamoDB's connection, the boundary), by name; ``before`` runs
    ahead of the next transaction, as another process would write meanwhile."""
    connection = Entity.connection()
    calls: list[str] = []
    before: list = []

    for name in ("transact_write_items", "batch_get_item"):
        real = getattr(connection, name)

        def wrapped(*args, _real=real, _name=name, **kwargs):
            calls.append(_name)
            if _name == "transact_write_items" and before:
                before.pop()()
            return _real(*args, **kwargs)

        monkeypatch.setattr(connection, name, wrapped)
    return calls, before


def count_in_a_batch(salon_id, now, events) -> None:
    """Count ``events`` in one stream batch, each given twice, as a stream may deliver it."""
    with afterwards.batch(lambda: now):
        for _ in range(2):
            for event, deltas, facts in events:
                store.count_once(salon_id, event, deltas, now, facts=facts)


def events_of_a_busy_day() -> list[tuple[str, list[Delta], list[Fact]]]:
    messages = [(*sent(n), []) for n in range(60)]
    visits = [visit(n, client=f"c{n % 25}") for n in range(40)]  # 25 clients, some twice
    return [x for pair in zip(messages, [*visits, *visits[:20]], strict=False) for x in pair]


def test_a_batch_counts_each_event_once_as_one_by_one_does_in_a_few_calls(table_calls, now):
    calls, _ = table_calls
    events = events_of_a_busy_day()

    for event, deltas, facts in [*events, *events[:10]]:  # one at a time, ten of them delivered twice
        store.count_once("one-by-one", event, deltas, now, facts=facts)
    one_by_one = len(calls)
    count_in_a_batch(SALON, now, events)
    batched = len(calls) - one_by_one

    alone = totals("one-by-one")
    assert totals() == alone
    assert alone[("2026-11", "messages", "sms:transactional:reminder")] == (60, 60 * 7000)
    assert alone[("2026-11", "visits", "all")] == (40, 40 * 3000)
    assert alone[("2026-11", "clients", "visited")] == (25, 0)
    assert alone[("2026-11", "cohort", "clients")] == (25, 0)
    # alone, a transaction (and a read of the facts) a delivery; the batch's 200 deliveries merged: a
    # read of every marker and transactions split where one would pass DynamoDB's 100 items
    assert one_by_one >= 110
    assert batched <= 6


def test_a_batch_after_a_partial_one_counts_only_what_was_not(table, now):
    events = events_of_a_busy_day()
    with afterwards.batch(lambda: now):
        for event, deltas, facts in events[:30]:
            store.count_once(SALON, event, deltas, now, facts=facts)
    with afterwards.batch(lambda: now):  # the stream gives the whole batch again
        for event, deltas, facts in events:
            store.count_once(SALON, event, deltas, now, facts=facts)

    assert totals()[("2026-11", "messages", "sms:transactional:reminder")] == (60, 60 * 7000)
    assert totals()[("2026-11", "clients", "visited")] == (25, 0)


def test_a_fact_another_process_counts_meanwhile_counts_once(table_calls, now):
    """Between the batch's read of the markers and its transaction another process counts a fact of
    it: the transaction is refused and each event counted again on its own."""
    _, before = table_calls
    event, deltas, facts = visit(1, client="c1")
    elsewhere = store.Count(SALON, "completed:elsewhere", (), (facts[0],), timedelta(days=1), now)
    before.append(lambda: store.count_all([elsewhere]))

    with afterwards.batch(lambda: now):
        store.count_once(SALON, event, deltas, now, facts=facts)
        store.count_once(SALON, *sent(1), now)

    assert before == []  # it ran
    assert totals()[("2026-11", "clients", "visited")] == (1, 0)  # once, by the other process
    assert totals()[("2026-11", "cohort", "clients")] == (1, 0)
    assert totals()[("2026-11", "visits", "all")] == (1, 3000)
    assert totals()[("2026-11", "messages", "sms:transactional:reminder")] == (1, 7000)


def test_a_campaigns_sends_count_once_with_their_messages_under_duplicates_and_retried_batches(table, now):
    """What a campaign's messages cost moves with each message's count (no transaction of the
    sender's): merged in a batch, each message once however often its record comes."""
    from regulars.messaging.outbox import repo as outbox
    from regulars.messaging.outbox.items import CampaignSends

    def send(n: int) -> None:
        event, deltas = sent(n)
        adds = [
            store.Add(
                CampaignSends(salon_id=SALON, campaign_id="spring"),
                (("messages", 1), ("cost_micros", 7000)),
                (("salon_id", SALON), ("campaign_id", "spring")),
            )
        ]
        store.count_once(SALON, event, deltas, now, adds=adds)

    with afterwards.batch(lambda: now):
        for n in range(30):
            send(n)
    with afterwards.batch(lambda: now):  # the stream gives the batch again, and more
        for n in [*range(50), *range(50)]:
            send(n)
    for n in range(45, 60):  # one by one, outside a batch, some for the second time
        send(n)

    assert outbox.campaign_sends(SALON, "spring") == (60, 60 * 7000)
    assert totals()[("2026-11", "messages", "sms:transactional:reminder")] == (60, 60 * 7000)
