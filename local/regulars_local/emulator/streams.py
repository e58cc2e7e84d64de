"""Stream pumps: the table's stream to the functions, as Lambda's DynamoDB event source mapping does it.

One pump per mapping in the template reads every shard of the table's stream (parents before their
children), keeps the records that pass the mapping's filter criteria, and invokes the function with
batches of at most ``BatchSize``. A batch that fails (an exception, or the items a function reports
in ``batchItemFailures``) is retried from its first failed record; an exception splits the batch in
two first when ``BisectBatchOnFunctionError`` is on. After ``MaximumRetryAttempts`` retries the
failed records' description goes to the ``OnFailure`` destination and the pump moves on.
"""

from __future__ import annotations

import base64
import fnmatch
import json
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from regulars_local.emulator.template import StreamSource

log = logging.getLogger("local.streams")

POLL_INTERVAL = 0.2
RECORDS_PER_READ = 1000

# --- filter criteria (EventBridge-style patterns) --------------------------------------------------
_ABSENT = object()


def passes(filters: Sequence[Mapping[str, Any]], record: Mapping[str, Any]) -> bool:
    """Whether a record is delivered: it matches one of the patterns (or there are none)."""
    return not filters or any(matches(pattern, record) for pattern in filters)


def matches(pattern: Mapping[str, Any], event: Any) -> bool:
    """Whether ``event`` matches an EventBridge-style ``pattern``.

    Each key of the pattern must match: a nested object matches the nested object, a list matches if
    the value (or one element of an array value) equals one of its values or satisfies one of its
    operators (``prefix``, ``suffix``, ``equals-ignore-case``, ``wildcard``, ``anything-but``,
    ``numeric``, ``exists``).
    """
    fields = event if isinstance(event, Mapping) else {}
    for key, expected in pattern.items():
        value = fields.get(key, _ABSENT)
        if isinstance(expected, Mapping):
            if not matches(expected, value):
                return False
        elif isinstance(expected, list):
            if not _any_rule(expected, value):
                return False
        else:
            raise ValueError(f"filter pattern: {key!r} must be an object or a list, not {expected!r}")
    return True


def _any_rule(rules: list[Any], value: Any) -> bool:
    values = value if isinstance(value, list) else ([] if value is _ABSENT else [value])
    for rule in rules:
        if isinstance(rule, Mapping):
            if _operator(rule, value is not _ABSENT, values):
                return True
        elif any(_equal(rule, v) for v in values):
            return True
    return False


def _equal(expected: Any, actual: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool) or expected is None or actual is None:
        return expected is actual
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return float(expected) == float(actual)
    return type(expected) is type(actual) and expected == actual


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "=": lambda a, b: a == b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


def _numeric(conditions: list[Any], value: Any) -> bool:
    if not _is_number(value):
        return False
    pairs = zip(conditions[::2], conditions[1::2], strict=True)
    return all(_COMPARE[op](float(value), float(bound)) for op, bound in pairs)


def _operator(rule: Mapping[str, Any], present: bool, values: list[Any]) -> bool:
    if len(rule) != 1:
        raise ValueError(f"filter pattern: one operator per object, got {dict(rule)}")
    ((name, arg),) = rule.items()
    strings = [v for v in values if isinstance(v, str)]
    if name == "exists":
        return present == bool(arg)
    if name == "prefix":
        return any(s.startswith(arg) for s in strings)
    if name == "suffix":
        return any(s.endswith(arg) for s in strings)
    if name == "equals-ignore-case":
        return any(s.casefold() == str(arg).casefold() for s in strings)
    if name == "wildcard":
        return any(fnmatch.fnmatchcase(s, str(arg).replace("[", "[[]")) for s in strings)
    if name == "numeric":
        return any(_numeric(list(arg), v) for v in values)
    if name == "anything-but":
        if not present:
            return False
        if isinstance(arg, Mapping):
            return not any(_operator(arg, present, [v]) for v in values) if values else False
        forbidden = arg if isinstance(arg, list) else [arg]
        return any(not any(_equal(f, v) for f in forbidden) for v in values)
    raise ValueError(f"filter pattern: unsupported operator {name!r}")


# --- records ---------------------------------------------------------------------------------------
def _attribute_json(value: Any) -> Any:
    """A stream record's attribute value, with binary values base64-encoded as in Lambda's events."""
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(bytes(value)).decode()
    if isinstance(value, dict):
        return {k: _attribute_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_attribute_json(v) for v in value]
    return value


def _epoch(value: Any) -> float | int:
    if isinstance(value, datetime):
        seconds = value.timestamp()
        return int(seconds) if seconds == int(seconds) else seconds
    return value


def lambda_record(raw: Mapping[str, Any], stream_arn: str, region: str) -> dict[str, Any]:
    """A GetRecords record in the shape Lambda delivers it (``event["Records"][i]``)."""
    source = raw["dynamodb"]
    ddb: dict[str, Any] = {}
    if "ApproximateCreationDateTime" in source:
        ddb["ApproximateCreationDateTime"] = _epoch(source["ApproximateCreationDateTime"])
    for image in ("Keys", "NewImage", "OldImage"):
        if image in source:
            ddb[image] = _attribute_json(source[image])
    for name in ("SequenceNumber", "SizeBytes", "StreamViewType"):
        if name in source:
            ddb[name] = source[name]
    record: dict[str, Any] = {
        "eventID": raw.get("eventID") or uuid.uuid4().hex,
        "eventName": raw["eventName"],
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": region,
        "dynamodb": ddb,
        "eventSourceARN": stream_arn,
    }
    if raw.get("userIdentity"):
        record["userIdentity"] = dict(raw["userIdentity"])
    return record


def _sequence(record: Mapping[str, Any]) -> str:
    return record["dynamodb"]["SequenceNumber"]


# --- delivery with the mapping's semantics ---------------------------------------------------------------
@dataclass
class Counts:
    records: int = 0  # read from the stream
    filtered: int = 0  # left out by the filter criteria
    delivered: int = 0  # processed by the function
    failed: int = 0  # given up on (sent to the OnFailure destination)
    invocations: int = 0
    retries: int = 0

    def add(self, other: Counts) -> Counts:
        return Counts(**{k: v + getattr(other, k) for k, v in asdict(self).items()})

    def settled(self) -> int:
        return self.filtered + self.delivered + self.failed


@dataclass(frozen=True)
class FailedBatch:
    """What Lambda sends to an OnFailure destination when it gives up on a stream batch."""

    records: list[dict[str, Any]]
    shard_id: str
    stream_arn: str
    function_arn: str
    attempts: int
    function_error: bool

    def message(self, now: datetime | None = None) -> dict[str, Any]:
        def arrival(record: Mapping[str, Any]) -> str:
            created = record["dynamodb"].get("ApproximateCreationDateTime", 0)
            return datetime.fromtimestamp(float(created), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

        return {
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": self.function_arn,
                "condition": "RetryAttemptsExhausted",
                "approximateInvokeCount": self.attempts,
            },
            "responseContext": {
                "statusCode": 200,
                "executedVersion": "$LATEST",
                "functionError": "Unhandled" if self.function_error else "",
            },
            "version": "1.0",
            "timestamp": (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "DDBStreamBatchInfo": {
                "shardId": self.shard_id,
                "startSequenceNumber": _sequence(self.records[0]),
                "endSequenceNumber": _sequence(self.records[-1]),
                "approximateArrivalOfFirstRecord": arrival(self.records[0]),
                "approximateArrivalOfLastRecord": arrival(self.records[-1]),
                "batchSize": len(self.records),
                "streamArn": self.stream_arn,
            },
        }


@dataclass(frozen=True)
class Outcome:
    first_failed: int | None  # index of the first record to retry; None: the whole batch succeeded
    function_error: bool = False


def outcome(result: Any, batch: Sequence[Mapping[str, Any]], report_batch_item_failures: bool) -> Outcome:
    """Read a function's answer to a batch: success, or the first record to retry from."""
    if not report_batch_item_failures or not isinstance(result, Mapping):
        return Outcome(None)
    failures = result.get("batchItemFailures")
    if not failures:
        return Outcome(None)
    sequences = [_sequence(r) for r in batch]
    positions = []
    for failure in failures:
        identifier = failure.get("itemIdentifier") if isinstance(failure, Mapping) else None
        if identifier not in sequences:
            log.warning("batchItemFailures names %r, not in the batch: the whole batch failed", identifier)
            return Outcome(0)
        positions.append(sequences.index(identifier))
    return Outcome(min(positions))


class Delivery:
    """Delivers one shard's records to a function, in order, with the mapping's retry semantics."""

    def __init__(
        self,
        source: StreamSource,
        invoke: Callable[[dict[str, Any]], Any],
        on_failure: Callable[[FailedBatch], None],
        function_arn: str,
        stop: threading.Event,
        retry_delay: float = POLL_INTERVAL,
    ):
        self.source = source
        self._invoke = invoke
        self._on_failure = on_failure
        self._function_arn = function_arn
        self._stop = stop
        self._retry_delay = retry_delay
        self.counts = Counts()

    def deliver(self, records: Sequence[dict[str, Any]], shard_id: str, stream_arn: str) -> None:
        size = max(1, self.source.batch_size)
        for start in range(0, len(records), size):
            self._batch(list(records[start : start + size]), shard_id, stream_arn)

    def _call(self, batch: list[dict[str, Any]]) -> Outcome:
        self.counts.invocations += 1
        try:
            result = self._invoke({"Records": batch})
        except Exception as exc:
            log.warning("%s failed on %d record(s): %s", self.source.function, len(batch), exc)
            return Outcome(0, function_error=True)
        return outcome(result, batch, self.source.report_batch_item_failures)

    def _batch(self, batch: list[dict[str, Any]], shard_id: str, stream_arn: str) -> None:
        work: deque[tuple[list[dict[str, Any]], int]] = deque([(batch, 0)])
        while work and not self._stop.is_set():
            segment, attempts = work.popleft()
            result = self._call(segment)
            if result.first_failed is None:
                self.counts.delivered += len(segment)
                continue
            if result.function_error and self.source.bisect_on_error and len(segment) > 1:
                half = len(segment) // 2
                work.appendleft((segment[half:], attempts))
                work.appendleft((segment[:half], attempts))
                continue
            self.counts.delivered += result.first_failed
            failed = segment[result.first_failed :]
            attempts += 1
            if 0 <= self.source.maximum_retry_attempts < attempts:
                self.counts.failed += len(failed)
                log.error(
                    "%s: giving up on %d record(s) after %d attempt(s)",
                    self.source.function,
                    len(failed),
                    attempts,
                )
                self._on_failure(
                    FailedBatch(
                        failed, shard_id, stream_arn, self._function_arn, attempts, result.function_error
                    )
                )
                continue
            self.counts.retries += 1
            self._stop.wait(self._retry_delay)
            work.appendleft((failed, attempts))


# --- reading the stream ----------------------------------------------------------------------------------
@dataclass
class Shard:
    shard_id: str
    parent: str | None
    iterator: str | None = None
    checkpoint: str | None = None  # the last sequence number handled
    start: str = "TRIM_HORIZON"
    finished: bool = False


class StreamPump:
    """One event source mapping: a thread that polls the stream and delivers to the function."""

    def __init__(
        self,
        source: StreamSource,
        streams: Any,
        stream_arn: str,
        region: str,
        delivery: Delivery,
        stop_event: threading.Event,
        poll_interval: float = POLL_INTERVAL,
    ):
        self.source = source
        self.streams = streams  # a boto3 ``dynamodbstreams`` client
        self.stream_arn = stream_arn
        self.region = region
        self.delivery = delivery
        self.stop_event = stop_event
        self.poll_interval = poll_interval
        self.shards: dict[str, Shard] = {}
        self._cycles = 0
        self._idle_cycle = -1
        self._condition = threading.Condition()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def name(self) -> str:
        return f"{self.source.function}.{self.source.event or 'Stream'}"

    def start(self, starting_position: str | None = None) -> None:
        """Start at the mapping's StartingPosition (or ``starting_position``) for the shards open now."""
        for shard in self._describe():
            shard.start = starting_position or self.source.starting_position
            self.shards[shard.shard_id] = shard
        self._thread = threading.Thread(target=self._run, name=f"stream-{self.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.stop_event.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)
        with self._condition:
            self._condition.notify_all()

    def counts(self) -> Counts:
        return self.delivery.counts

    # --- idleness ---------------------------------------------------------------------------------
    def wait_idle(self, timeout: float) -> bool:
        """Wait for a poll that began after this call and found nothing new."""
        with self._condition:
            target = self._cycles + 1
            self._wake.set()
            return (
                self._condition.wait_for(
                    lambda: self._idle_cycle >= target or self.stop_event.is_set(), timeout=max(0.0, timeout)
                )
                and not self.stop_event.is_set()
            )

    def _run(self) -> None:
        failing_since: float | None = None
        while not self.stop_event.is_set():
            with self._condition:
                self._wake.clear()
                self._cycles += 1
                cycle = self._cycles
            try:
                fetched = self.poll()
                failing_since = None
            except Exception as exc:
                if failing_since is None:
                    log.warning("%s: reading the stream failed: %s", self.name, exc)
                    failing_since = time.monotonic()
                fetched = -1
            if fetched == 0:
                with self._condition:
                    self._idle_cycle = cycle
                    self._condition.notify_all()
            if fetched <= 0:
                self._wake.wait(self.poll_interval)

    # --- polling ----------------------------------------------------------------------------------
    def _describe(self) -> list[Shard]:
        found: list[Shard] = []
        start: str | None = None
        while True:
            args = {"StreamArn": self.stream_arn}
            if start:
                args["ExclusiveStartShardId"] = start
            description = self.streams.describe_stream(**args)["StreamDescription"]
            for raw in description.get("Shards", []):
                found.append(Shard(raw["ShardId"], raw.get("ParentShardId")))
            start = description.get("LastEvaluatedShardId")
            if not start:
                return found

    def _readable(self) -> Iterable[Shard]:
        for shard in list(self.shards.values()):
            parent = self.shards.get(shard.parent) if shard.parent else None
            if not shard.finished and (parent is None or parent.finished):
                yield shard

    def _iterator(self, shard: Shard) -> str:
        args: dict[str, Any] = {"StreamArn": self.stream_arn, "ShardId": shard.shard_id}
        if shard.checkpoint:
            args |= {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": shard.checkpoint}
        else:
            args["ShardIteratorType"] = shard.start
        return self.streams.get_shard_iterator(**args)["ShardIterator"]

    def _read(self, shard: Shard) -> list[dict[str, Any]]:
        errors = self.streams.exceptions
        for _ in range(2):
            if shard.iterator is None:
                shard.iterator = self._iterator(shard)
            try:
                page = self.streams.get_records(ShardIterator=shard.iterator, Limit=RECORDS_PER_READ)
            except errors.ExpiredIteratorException:
                shard.iterator = None
                continue
            except errors.TrimmedDataAccessException:
                shard.iterator, shard.checkpoint, shard.start = None, None, "TRIM_HORIZON"
                continue
            except errors.ResourceNotFoundException:
                shard.finished = True
                return []
            shard.iterator = page.get("NextShardIterator")
            if shard.iterator is None:
                shard.finished = True
            return page.get("Records", [])
        return []

    def poll(self) -> int:
        """Read each readable shard once and deliver what passes the filters; the number of records read."""
        for shard in self._describe():
            self.shards.setdefault(shard.shard_id, shard)
        fetched = 0
        for shard in self._readable():
            raw = self._read(shard)
            if not raw:
                continue
            fetched += len(raw)
            records = [lambda_record(r, self.stream_arn, self.region) for r in raw]
            kept = [r for r in records if passes(self.source.filters, r)]
            counts = self.delivery.counts
            counts.records += len(records)
            counts.filtered += len(records) - len(kept)
            self.delivery.deliver(kept, shard.shard_id, self.stream_arn)
            if self.stop_event.is_set():
                break
            shard.checkpoint = _sequence(records[-1])
        return fetched


class StreamPumps:
    """Every stream pump of the runtime, started, stopped and drained together."""

    def __init__(self, pumps: Iterable[StreamPump]):
        self.pumps = list(pumps)

    def start(self, starting_position: str | None = None) -> None:
        for pump in self.pumps:
            pump.start(starting_position)

    def stop(self) -> None:
        for pump in self.pumps:
            pump.stop()

    def counts(self) -> Counts:
        total = Counts()
        for pump in self.pumps:
            total = total.add(pump.counts())
        return total

    def wait_idle(self, timeout: float) -> bool:
        """Return True once every record written so far has been delivered and processed.

        Each pump must complete a poll that began after the call and found nothing (see
        :func:`drain_rounds`)."""
        return drain_rounds(self.pumps, lambda: self.counts().settled(), timeout)


def drain_rounds(pumps: Sequence[Any], settled: Callable[[], int], timeout: float) -> bool:
    """Wait for every pump to be idle, in rounds, until a round in which no pump settled
    anything: work the functions hand to each other while the others drain is waited for too."""
    deadline = time.monotonic() + timeout
    while True:
        before = settled()
        for pump in pumps:
            if not pump.wait_idle(deadline - time.monotonic()):
                return False
        if settled() == before:
            return True


# --- the OnFailure destination --------------------------------------------------------------------------
class OnFailureDestination:
    """Sends a failed batch's description to an SQS queue or SNS topic, by ARN."""

    def __init__(self, arn: str, sqs: Any, sns: Any):
        self.arn = arn
        self._sqs = sqs
        self._sns = sns

    def __call__(self, batch: FailedBatch) -> None:
        body = json.dumps(batch.message())
        service = self.arn.split(":")[2]
        if service == "sqs":
            name, account = self.arn.split(":")[5], self.arn.split(":")[4]
            url = self._sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)["QueueUrl"]
            self._sqs.send_message(QueueUrl=url, MessageBody=body)
        elif service == "sns":
            self._sns.publish(TopicArn=self.arn, Message=body)
        else:
            log.error("OnFailure destination %s is not a queue or a topic; dropped: %s", self.arn, body)


def discard(batch: FailedBatch) -> None:
    """Where a mapping without an OnFailure destination sends failed batches: the log."""
    log.error("no OnFailure destination: dropped %s", json.dumps(batch.message()["DDBStreamBatchInfo"]))
