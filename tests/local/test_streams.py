import base64
import threading
from datetime import UTC, datetime

import pytest
from regulars_local.emulator.streams import (
    Delivery,
    FailedBatch,
    StreamPump,
    StreamPumps,
    lambda_record,
    outcome,
)
from regulars_local.emulator.template import StreamSource

STREAM_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/label"
CREATED = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def raw(seq: int, sk: str = "APPT#1", event_name: str = "INSERT", **image) -> dict:
    keys = {"PK": {"S": "SALON#s1"}, "SK": {"S": sk}}
    return {
        "eventID": f"id-{seq}",
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "ddblocal",
        "dynamodb": {
            "ApproximateCreationDateTime": CREATED,
            "Keys": keys,
            "NewImage": {**keys, **image},
            "SequenceNumber": f"{seq:021d}",
            "SizeBytes": 10,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    }


def records(*seqs: int) -> list[dict]:
    return [lambda_record(raw(s), STREAM_ARN, "us-east-1") for s in seqs]


def seq(record: dict) -> int:
    return int(record["dynamodb"]["SequenceNumber"])


def source(**overrides) -> StreamSource:
    values = {
        "function": "Processor",
        "batch_size": 2,
        "maximum_retry_attempts": 2,
        "bisect_on_error": False,
        "report_batch_item_failures": True,
        "event": "TableStream",
    }
    return StreamSource(**{**values, **overrides})


class Function:
    """A stream function double: fails the records it is told to, a given number of times."""

    def __init__(self, fail: dict[int, int] | None = None, raise_on: set[int] | None = None):
        self.fail = dict(fail or {})  # sequence -> times to report it failed (-1: always)
        self.raise_on = raise_on or set()
        self.batches: list[list[int]] = []

    def __call__(self, event: dict):
        batch = [seq(r) for r in event["Records"]]
        self.batches.append(batch)
        if self.raise_on & set(batch):
            raise RuntimeError("poison record")
        failures = []
        for s, r in zip(batch, event["Records"], strict=True):
            if self.fail.get(s, 0) != 0:
                self.fail[s] -= 1
                failures.append({"itemIdentifier": r["dynamodb"]["SequenceNumber"]})
        return {"batchItemFailures": failures}


def deliver(function: Function, src: StreamSource, seqs: list[int]) -> tuple[Delivery, list[FailedBatch]]:
    failed: list[FailedBatch] = []
    delivery = Delivery(src, function, failed.append, "arn:fn", threading.Event(), retry_delay=0)
    delivery.deliver(records(*seqs), "shard-1", STREAM_ARN)
    return delivery, failed


def test_lambda_record_shape():
    record = lambda_record(raw(7, blob={"B": b"\x00\x01"}), STREAM_ARN, "us-east-1")
    assert record["eventSource"] == "aws:dynamodb"
    assert record["eventVersion"] == "1.1"
    assert record["awsRegion"] == "us-east-1"
    assert record["eventSourceARN"] == STREAM_ARN
    ddb = record["dynamodb"]
    assert ddb["ApproximateCreationDateTime"] == int(CREATED.timestamp())
    assert ddb["NewImage"]["blob"]["B"] == base64.b64encode(b"\x00\x01").decode()
    assert ddb["SequenceNumber"] == f"{7:021d}"
    assert list(ddb) == [
        "ApproximateCreationDateTime",
        "Keys",
        "NewImage",
        "SequenceNumber",
        "SizeBytes",
        "StreamViewType",
    ]


def test_batches_are_at_most_batch_size_in_order():
    function = Function()
    delivery, failed = deliver(function, source(batch_size=2), [1, 2, 3, 4, 5])
    assert function.batches == [[1, 2], [3, 4], [5]]
    assert delivery.counts.delivered == 5 and failed == []


def test_partial_failure_is_retried_from_the_first_failed_record():
    function = Function(fail={2: 1})
    delivery, failed = deliver(function, source(batch_size=3), [1, 2, 3])
    assert function.batches == [[1, 2, 3], [2, 3]]
    assert delivery.counts.delivered == 3
    assert delivery.counts.retries == 1
    assert failed == []


def test_after_the_retries_the_failed_records_go_to_the_destination_and_delivery_moves_on():
    function = Function(fail={2: -1})
    delivery, failed = deliver(function, source(batch_size=3, maximum_retry_attempts=2), [1, 2, 3, 4])
    assert function.batches == [[1, 2, 3], [2, 3], [2, 3], [4]]
    (batch,) = failed
    assert [seq(r) for r in batch.records] == [2, 3]
    assert batch.attempts == 3
    assert batch.function_error is False
    assert delivery.counts.failed == 2 and delivery.counts.delivered == 2


def test_zero_retries_gives_up_at_once():
    function = Function(fail={1: -1})
    _, failed = deliver(function, source(batch_size=1, maximum_retry_attempts=0), [1, 2])
    assert function.batches == [[1], [2]]
    assert [seq(r) for r in failed[0].records] == [1]


def test_an_exception_fails_the_whole_batch():
    function = Function(raise_on={3})
    _, failed = deliver(function, source(batch_size=4, maximum_retry_attempts=1), [1, 2, 3, 4])
    assert function.batches == [[1, 2, 3, 4], [1, 2, 3, 4]]
    assert [seq(r) for r in failed[0].records] == [1, 2, 3, 4]
    assert failed[0].function_error is True


def test_bisect_isolates_the_poison_record():
    function = Function(raise_on={3})
    delivery, failed = deliver(
        function, source(batch_size=4, maximum_retry_attempts=1, bisect_on_error=True), [1, 2, 3, 4]
    )
    assert function.batches == [[1, 2, 3, 4], [1, 2], [3, 4], [3], [3], [4]]
    assert [seq(r) for r in failed[0].records] == [3]
    assert delivery.counts.delivered == 3


def test_outcome_reading():
    batch = records(1, 2, 3)
    assert outcome(None, batch, True).first_failed is None
    assert outcome({"batchItemFailures": []}, batch, True).first_failed is None
    assert (
        outcome(
            {"batchItemFailures": [{"itemIdentifier": f"{3:021d}"}, {"itemIdentifier": f"{2:021d}"}]},
            batch,
            True,
        ).first_failed
        == 1
    )
    assert outcome({"batchItemFailures": [{"itemIdentifier": "unknown"}]}, batch, True).first_failed == 0
    assert outcome({"batchItemFailures": [{"itemIdentifier": None}]}, batch, True).first_failed == 0
    assert outcome({"batchItemFailures": [{"itemIdentifier": "x"}]}, batch, False).first_failed is None


def test_failed_batch_message_is_lambdas_on_failure_record():
    message = FailedBatch(records(4, 5), "shard-1", STREAM_ARN, "arn:fn", 6, True).message()
    info = message["DDBStreamBatchInfo"]
    assert info["shardId"] == "shard-1"
    assert info["startSequenceNumber"] == f"{4:021d}" and info["endSequenceNumber"] == f"{5:021d}"
    assert info["batchSize"] == 2
    assert info["streamArn"] == STREAM_ARN
    assert info["approximateArrivalOfFirstRecord"] == "2026-03-01T09:30:00Z"
    assert message["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert message["requestContext"]["approximateInvokeCount"] == 6
    assert message["responseContext"]["functionError"] == "Unhandled"


# --- the pump, against a streams client double -------------------------------------------------------
class FakeStreams:
    """DescribeStream / GetShardIterator / GetRecords over shards held in memory (one shard a page)."""

    class exceptions:
        class ExpiredIteratorException(Exception):
            pass

        class TrimmedDataAccessException(Exception):
            pass

        class ResourceNotFoundException(Exception):
            pass

    def __init__(self):
        self.lock = threading.Lock()
        self.shards: dict[str, dict] = {}
        self.next_seq = 1

    def add_shard(self, shard_id: str, parent: str | None = None) -> None:
        with self.lock:
            self.shards[shard_id] = {"parent": parent, "records": [], "closed": False}

    def write(self, shard_id: str, sk: str = "APPT#1") -> int:
        with self.lock:
            s = self.next_seq
            self.next_seq += 1
            self.shards[shard_id]["records"].append(raw(s, sk))
            return s

    def close(self, shard_id: str) -> None:
        self.shards[shard_id]["closed"] = True

    def describe_stream(self, StreamArn, ExclusiveStartShardId=None):
        ids = list(self.shards)
        start = ids.index(ExclusiveStartShardId) + 1 if ExclusiveStartShardId else 0
        page = ids[start : start + 1]
        shards = [
            {
                "ShardId": i,
                **({"ParentShardId": self.shards[i]["parent"]} if self.shards[i]["parent"] else {}),
            }
            for i in page
        ]
        description = {"Shards": shards}
        if start + 1 < len(ids):
            description["LastEvaluatedShardId"] = page[-1]
        return {"StreamDescription": description}

    def get_shard_iterator(self, StreamArn, ShardId, ShardIteratorType, SequenceNumber=None):
        records = self.shards[ShardId]["records"]
        if ShardIteratorType == "TRIM_HORIZON":
            position = 0
        elif ShardIteratorType == "LATEST":
            position = len(records)
        else:
            position = next(
                i + 1 for i, r in enumerate(records) if r["dynamodb"]["SequenceNumber"] == SequenceNumber
            )
        return {"ShardIterator": f"{ShardId}|{position}"}

    def get_records(self, ShardIterator, Limit):
        shard_id, position = ShardIterator.split("|")
        with self.lock:
            shard = self.shards[shard_id]
            page = shard["records"][int(position) : int(position) + Limit]
            end = int(position) + len(page)
            done = shard["closed"] and end == len(shard["records"])
        return {"Records": page, **({} if done else {"NextShardIterator": f"{shard_id}|{end}"})}


@pytest.fixture
def stop():
    event = threading.Event()
    yield event
    event.set()


def pump_for(streams: FakeStreams, function, stop: threading.Event, **overrides) -> StreamPump:
    src = source(**{"filters": [{"dynamodb": {"Keys": {"SK": {"S": [{"prefix": "APPT#"}]}}}}], **overrides})
    delivery = Delivery(src, function, lambda batch: None, "arn:fn", stop, retry_delay=0.01)
    return StreamPump(src, streams, STREAM_ARN, "us-east-1", delivery, stop, poll_interval=0.05)


def test_pump_reads_parents_before_children_filters_and_drains(stop):
    streams = FakeStreams()
    streams.add_shard("parent")
    streams.add_shard("child", parent="parent")
    streams.write("child")
    first = streams.write("parent")
    streams.write("parent", sk="CLIENT#c1")  # filtered out
    function = Function()
    pumps = StreamPumps([pump_for(streams, function, stop)])
    pumps.start()
    assert pumps.wait_idle(5)
    assert function.batches == [[first]]  # the child waits for its open parent
    streams.close("parent")
    assert pumps.wait_idle(5)
    assert function.batches == [[first], [1]]
    later = streams.write("child")
    assert pumps.wait_idle(5)
    assert function.batches[-1] == [later]
    counts = pumps.counts()
    assert (counts.records, counts.filtered, counts.delivered) == (4, 1, 3)


def test_latest_skips_what_is_already_in_the_stream(stop):
    streams = FakeStreams()
    streams.add_shard("s")
    streams.write("s")
    function = Function()
    pumps = StreamPumps([pump_for(streams, function, stop)])
    pumps.start("LATEST")
    assert pumps.wait_idle(5)
    assert function.batches == []
    new = streams.write("s")
    assert pumps.wait_idle(5)
    assert function.batches == [[new]]


def test_wait_idle_times_out_while_a_record_keeps_failing(stop):
    streams = FakeStreams()
    streams.add_shard("s")
    bad = streams.write("s")
    function = Function(fail={bad: -1})
    pumps = StreamPumps([pump_for(streams, function, stop, maximum_retry_attempts=-1)])
    pumps.start()
    assert pumps.wait_idle(0.5) is False
    assert len(function.batches) > 1
