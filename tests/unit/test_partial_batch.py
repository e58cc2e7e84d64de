"""A batch's answer: the records that raised, by the identifier Lambda reads back; the invocation
fails when all of them did (the whole batch comes again, a stream's split first)."""

import pytest
from regulars.runtime.observability import BatchFailed, BatchRecord, partial_batch


def fails_on(*bad: str):
    seen: list[str] = []

    def handle(record: BatchRecord) -> None:
        seen.append(record.raw_event.get("body") or record.raw_event["dynamodb"]["SequenceNumber"])
        if seen[-1] in bad:
            raise RuntimeError(seen[-1])

    return handle, seen


def sqs(*bodies: str) -> dict:
    return {"Records": [{"messageId": f"m-{b}", "body": b} for b in bodies]}


def stream(*numbers: str) -> dict:
    return {"Records": [{"eventID": n, "dynamodb": {"SequenceNumber": n}} for n in numbers]}


def test_the_records_that_raised_are_reported_and_the_others_are_all_handled_in_order():
    handle, seen = fails_on("b", "d")
    assert partial_batch("SQS", handle)(sqs("a", "b", "c", "d"), None) == {
        "batchItemFailures": [{"itemIdentifier": "m-b"}, {"itemIdentifier": "m-d"}]
    }
    assert seen == ["a", "b", "c", "d"]
    handle, _ = fails_on("200")
    assert partial_batch("DynamoDBStreams", handle)(stream("100", "200", "300"), None) == {
        "batchItemFailures": [{"itemIdentifier": "200"}]
    }


def test_a_batch_of_which_every_record_raised_fails_the_invocation():
    handle, seen = fails_on("a", "b")
    with pytest.raises(BatchFailed) as failed:
        partial_batch("SQS", handle)(sqs("a", "b"), None)
    assert [str(e) for e in failed.value.errors] == ["a", "b"] and seen == ["a", "b"]
    assert partial_batch("SQS", handle)({"Records": []}, None) == {"batchItemFailures": []}
    with pytest.raises(ValueError):
        partial_batch("SQS", handle)({"detail": {}}, None)
