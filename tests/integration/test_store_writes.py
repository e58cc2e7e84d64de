"""The store's transactions on DynamoDB Local: one of a single write is sent as that write alone (half
the price of the same write in a transaction) and fails as the transaction would, naming its label
and writing nothing; two writes or more, or any condition check, stay one transaction."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pynamodb.attributes import UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import PynamoDBException
from regulars.store.base import Entity, Tx, TxFailed, item_too_large

pytestmark = pytest.mark.integration


class Note(Entity, discriminator="StoreTestNote"):
    __keys__ = {"pk": "NOTES#{owner}", "sk": "NOTE#{name}"}

    owner = UnicodeAttribute()
    name = UnicodeAttribute()
    text = UnicodeAttribute()
    version = VersionAttribute()


@pytest.fixture
def calls(table) -> Iterator[list[str]]:
    """The names of the operations sent to DynamoDB while the test runs."""
    seen: list[str] = []
    client = Entity.connection().client

    def record(model: object, **_: object) -> None:
        seen.append(getattr(model, "name", str(model)))

    client.meta.events.register("before-call.dynamodb.*", record)
    try:
        yield seen
    finally:
        client.meta.events.unregister("before-call.dynamodb.*", record)


def note(name: str, text: str = "first") -> Note:
    return Note(owner="ann", name=name, text=text)


def test_one_write_goes_alone_and_keeps_the_items_version(calls):
    first = note("a")
    tx = Tx()
    tx.put(first, Note.pk.does_not_exist(), label="note")
    tx.commit()
    assert calls == ["PutItem"]
    assert first.version == 1

    first.text = "second"
    tx = Tx()
    tx.put(first, label="note")  # under its version
    tx.commit()
    stored = Note.get(first.pk, first.sk, consistent_read=True)
    assert (stored.text, stored.version, first.version) == ("second", 2, 2)

    tx = Tx()
    tx.delete(stored, label="gone")
    tx.commit()
    assert calls[-1] == "DeleteItem" and Note.count(first.pk) == 0


def test_a_failed_condition_names_its_label_and_writes_nothing(calls):
    made = Tx()
    made.put(note("a"), Note.pk.does_not_exist(), label="note")
    made.commit()

    again = Tx()
    again.put(note("a", "other"), Note.pk.does_not_exist(), label="taken")
    with pytest.raises(TxFailed) as refused:
        again.commit()
    assert (refused.value.failed, refused.value.contended) == (["taken"], [])

    stale = note("a", "stale")  # version 0: somebody saved first
    tx = Tx()
    tx.update(stale, [Note.text.set("stale")], label="stale")
    with pytest.raises(TxFailed) as moved:
        tx.commit()
    assert moved.value.failed == ["stale"]
    assert Note.get(note("a").pk, note("a").sk, consistent_read=True).text == "first"
    assert calls == ["PutItem", "PutItem", "UpdateItem", "GetItem"]


def test_another_error_is_the_stores_error(table):
    tx = Tx()
    tx.put(note("big", "x" * 410_000), label="big")  # over DynamoDB's 400 KB (409,600 bytes)
    with pytest.raises(PynamoDBException) as refused:
        tx.commit()
    assert item_too_large(refused.value)  # what the error map answers 422 for


def test_two_writes_or_a_check_stay_one_transaction(calls):
    tx = Tx()
    tx.put(note("a"), Note.pk.does_not_exist(), label="a")
    tx.put(note("b"), Note.pk.does_not_exist(), label="b")
    tx.commit()
    assert calls == ["TransactWriteItems"]

    tx = Tx()
    tx.check(Note, note("a").pk, note("a").sk, Note.pk.exists(), label="a is there")
    tx.put(note("c"), Note.pk.does_not_exist(), label="c")
    tx.commit()
    tx = Tx()
    tx.check(Note, note("z").pk, note("z").sk, Note.pk.exists(), label="z is there")
    tx.put(note("d"), Note.pk.does_not_exist(), label="d")
    with pytest.raises(TxFailed) as refused:
        tx.commit()
    assert refused.value.failed == ["z is there"]
    assert calls == ["TransactWriteItems"] * 3
    assert Note.count(note("a").pk) == 3  # a, b and c
