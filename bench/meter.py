"""Every AWS call the application makes, and every invocation of its functions, billed as AWS bills them.

:class:`Meter` wraps botocore's one entry point for API calls (``BaseClient._make_api_call``, which
PynamoDB, Powertools and boto3 all go through), so that nothing the code calls escapes it. DynamoDB
Local under-reports consumed capacity (a transaction, a failed conditional write), so the meter works
the units out itself from the items: before a write it reads each item it touches as it is, after it
as it became; after a read it reads again what the read evaluated (a Query without its filter and
projection, each key of a GetItem in full). These reads of its own are not counted, and the CPU time
they take is taken off the invocation they happen in.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from botocore.client import BaseClient
from botocore.exceptions import ClientError

from bench import pricing
from bench.pricing import Index, TableShape

# Lambda's own lines in a function's log, as its runtime writes them (their sizes are billed as logs)
_REQUEST_ID = str(uuid.uuid4())
PLATFORM_LINES = (
    f"START RequestId: {_REQUEST_ID} Version: $LATEST",
    f"END RequestId: {_REQUEST_ID}",
    f"REPORT RequestId: {_REQUEST_ID}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\t"
    "Max Memory Used: 123 MB",
)

_WRITES = {"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
_READS = {"GetItem", "BatchGetItem", "TransactGetItems", "Query", "Scan"}
_TOKEN = re.compile(r"[#:][A-Za-z0-9_]+")


@dataclass
class Billed:
    """One API call and what it is billed."""

    function: str  # the function that made it ("" outside any)
    service: str
    operation: str
    wru: float = 0.0  # table and index writes
    index_wru: float = 0.0  # of which the index copies
    rru: float = 0.0
    sqs: float = 0.0
    sns: float = 0.0
    kms: float = 0.0
    failed: str = ""  # the error code of a call that failed
    kind: str = ""  # what it touched: the sort key's prefix of a write, the index of a read
    by_kind: dict[str, float] = field(default_factory=dict)  # a write's units by what it wrote


@dataclass
class Invocation:
    function: str
    memory_mb: int
    cpu_seconds: float
    log_bytes: int  # billed log bytes: each line plus the per-event overhead, Lambda's lines included
    api_request: bool = False  # through API Gateway

    @property
    def billed_ms(self) -> int:
        """Lambda bills by the millisecond, rounded up."""
        return max(1, -(-int(self.cpu_seconds * 1e6) // 1000))

    @property
    def gb_seconds(self) -> float:
        return self.billed_ms / 1000 * self.memory_mb / 1024


@dataclass
class Tally:
    calls: list[Billed] = field(default_factory=list)
    invocations: list[Invocation] = field(default_factory=list)
    # SQS requests AWS makes for the application: Lambda's pollers receiving and deleting what they
    # deliver (their idle polls are the month's), SNS delivering to a subscribed queue
    esm_sqs_requests: float = 0.0

    def extend(self, other: Tally) -> None:
        self.calls += other.calls
        self.invocations += other.invocations
        self.esm_sqs_requests += other.esm_sqs_requests

    def usage(self, *, log_bytes: bool = True) -> pricing.Usage:
        usage = pricing.Usage()
        usage.add("dynamodb.write", sum(c.wru for c in self.calls))
        usage.add("dynamodb.read", sum(c.rru for c in self.calls))
        usage.add("sqs.requests", sum(c.sqs for c in self.calls) + self.esm_sqs_requests)
        usage.add("sns.publishes", sum(c.sns for c in self.calls))
        usage.add("kms.requests", sum(c.kms for c in self.calls))
        usage.add("lambda.requests", len(self.invocations))
        usage.add("lambda.gb_s", sum(i.gb_seconds for i in self.invocations))
        usage.add("apigw.requests", sum(1 for i in self.invocations if i.api_request))
        if log_bytes:
            usage.add("logs.gb", sum(i.log_bytes for i in self.invocations) / pricing.GB)
        return usage


class _Counting(io.TextIOBase):
    """A stream that counts what a function logs (the lines and their bytes) and keeps none of it."""

    def __init__(self) -> None:
        self.bytes = 0
        self.lines = 0
        self.metrics: set[str] = set()  # the custom metrics in what was logged (CloudWatch's EMF)

    def write(self, text: str) -> int:
        self.bytes += len(text.encode())
        self.lines += text.count("\n")
        if text.startswith('{"_aws"'):
            with contextlib.suppress(ValueError):
                for directive in json.loads(text).get("_aws", {}).get("CloudWatchMetrics", []):
                    self.metrics |= {m["Name"] for m in directive.get("Metrics", [])}
        return len(text)

    def writable(self) -> bool:
        return True


class Meter:
    def __init__(self, endpoint: str, encrypted_topics: frozenset[str] = frozenset()):
        from regulars_local.emulator import dynamodb_local

        self._raw = dynamodb_local.client(endpoint)
        self._encrypted_topics = encrypted_topics
        self._shapes: dict[str, TableShape] = {}
        self._local = threading.local()
        self._original: Callable[..., Any] | None = None
        self.function = ""
        self.tally = Tally()
        self._own_cpu = 0.0  # CPU time of the meter's own reads within the current invocation
        self._log = _Counting()
        self._streams: list[tuple[logging.StreamHandler, Any]] = []

    # ------------------------------------------------------------------------------ lifecycle
    def install(self) -> None:
        self._original = original = BaseClient._make_api_call
        meter = self

        def make_api_call(client: BaseClient, operation: str, params: dict[str, Any]) -> Any:
            if getattr(meter._local, "quiet", False) or not _the_applications(threading.current_thread()):
                return original(client, operation, params)
            return meter._call(client, original, operation, params)

        BaseClient._make_api_call = make_api_call  # type: ignore[method-assign]
        for handler in _stdout_handlers():
            self._streams.append((handler, handler.setStream(self._log)))

    def uninstall(self) -> None:
        if self._original is not None:
            BaseClient._make_api_call = self._original  # type: ignore[method-assign]
            self._original = None
        for handler, stream in self._streams:
            handler.setStream(stream)
        self._streams = []

    @property
    def metrics(self) -> set[str]:
        """The custom metrics the functions published so far (their EMF lines)."""
        return set(self._log.metrics)

    def take(self) -> Tally:
        tally, self.tally = self.tally, Tally()
        return tally

    @contextlib.contextmanager
    def quiet(self) -> Iterator[None]:
        """Calls that are the benchmark's, not the application's: not counted, their CPU time neither."""
        was = getattr(self._local, "quiet", False)
        self._local.quiet = True
        started = time.thread_time()
        try:
            yield
        finally:
            self._local.quiet = was
            if not was and threading.current_thread() is threading.main_thread():
                self._own_cpu += time.thread_time() - started

    # ------------------------------------------------------------------------------ invocations
    def invoke(
        self, function: str, memory_mb: int, handler: Callable[[Any, Any], Any], event: Any, context: Any
    ) -> Any:
        """Run one invocation of ``function``: its CPU time (this thread's, less the meter's own reads),
        the lines it logs (its logger's and the metrics printed to stdout) and the calls it makes."""
        for h in _stdout_handlers():  # a logger made since install (a function imported later)
            if h.stream is not self._log:
                self._streams.append((h, h.setStream(self._log)))
        self.function, self._own_cpu = function, 0.0
        self._log.bytes = self._log.lines = 0
        started = time.thread_time()
        try:
            with contextlib.redirect_stdout(self._log):
                return handler(event, context)
        finally:
            cpu = time.thread_time() - started - self._own_cpu
            platform = sum(len(line) + 1 for line in PLATFORM_LINES)
            events = self._log.lines + len(PLATFORM_LINES)
            self.tally.invocations.append(
                Invocation(
                    function,
                    memory_mb,
                    max(cpu, 0.0),
                    self._log.bytes + platform + events * pricing.CLOUDWATCH_LOG_EVENT_OVERHEAD_BYTES,
                    api_request=isinstance(event, dict) and "httpMethod" in event,
                )
            )
            self.function = ""

    # ------------------------------------------------------------------------------ calls
    def _call(
        self, client: BaseClient, original: Callable[..., Any], operation: str, params: dict[str, Any]
    ) -> Any:
        service = client.meta.service_model.service_name
        billed = Billed(self.function, service, operation)
        self.tally.calls.append(billed)
        before: list[tuple[str, dict[str, Any] | None]] = []
        if service == "dynamodb" and operation in _WRITES:
            with self.quiet():
                before = [
                    (table, self._get(table, key)) for table, key, _ in self._targets(operation, params)
                ]
        try:
            response = original(client, operation, params)
        except ClientError as exc:
            billed.failed = exc.response.get("Error", {}).get("Code", "error")
            with self.quiet():
                self._bill(billed, params, before, failed=True)
            raise
        with self.quiet():
            self._bill(billed, params, before, failed=False)
        return response

    def _bill(
        self,
        billed: Billed,
        params: dict[str, Any],
        before: list[tuple[str, dict[str, Any] | None]],
        *,
        failed: bool,
    ) -> None:
        op = billed.operation
        if billed.service == "dynamodb":
            if op in _WRITES:
                self._bill_write(billed, params, before, failed)
            elif op in _READS:
                self._bill_read(billed, params)
        elif billed.service == "sqs":
            if op == "SendMessage":
                billed.sqs = pricing.sqs_requests(_payload(params.get("MessageBody", ""), params))
            elif op == "SendMessageBatch":
                entries = params.get("Entries", [])
                billed.sqs = pricing.sqs_requests(sum(_payload(e.get("MessageBody", ""), e) for e in entries))
            else:
                billed.sqs = 1
        elif billed.service == "sns" and op in ("Publish", "PublishBatch"):
            entries = params.get("PublishBatchRequestEntries") or [params]
            billed.sns = sum(pricing.sqs_requests(_payload(e.get("Message", ""), e)) for e in entries)
            if params.get("TopicArn") in self._encrypted_topics:
                billed.kms = len(entries)  # a data key for each message published to an encrypted topic

    def _bill_write(
        self,
        billed: Billed,
        params: dict[str, Any],
        before: list[tuple[str, dict[str, Any] | None]],
        failed: bool,
    ) -> None:
        targets = self._targets(billed.operation, params)
        transaction = billed.operation == "TransactWriteItems"
        for (table, old), (_, key, check) in zip(before, targets, strict=True):
            new = self._get(table, key)
            shape = self._shape(table)
            if transaction:
                one = pricing.transaction_item(shape, old, new, check=check, cancelled=failed)
            else:
                one = pricing.item_write(shape, old, new, failed=failed)
            billed.wru += one.total
            billed.index_wru += one.indexes
            kind = _kind(key)
            billed.by_kind[kind] = billed.by_kind.get(kind, 0.0) + one.total
        billed.kind = ",".join(sorted(billed.by_kind))

    def _bill_read(self, billed: Billed, params: dict[str, Any]) -> None:
        op = billed.operation
        if op in ("Query", "Scan"):
            billed.kind = f"{op} {params.get('IndexName', 'table')}"
            again = {
                k: v
                for k, v in params.items()
                if k
                not in (
                    "ProjectionExpression",
                    "FilterExpression",
                    "Select",
                    "ExpressionAttributeNames",
                    "ExpressionAttributeValues",
                    "ReturnConsumedCapacity",
                    "AttributesToGet",
                    "QueryFilter",
                    "ScanFilter",
                )
            }
            used = set(_TOKEN.findall(params.get("KeyConditionExpression", "")))
            names = {k: v for k, v in (params.get("ExpressionAttributeNames") or {}).items() if k in used}
            values = {k: v for k, v in (params.get("ExpressionAttributeValues") or {}).items() if k in used}
            if names:
                again["ExpressionAttributeNames"] = names
            if values:
                again["ExpressionAttributeValues"] = values
            items = getattr(self._raw, "query" if op == "Query" else "scan")(**again)["Items"]
            consistent = bool(params.get("ConsistentRead"))
            billed.rru = pricing.query_read((pricing.item_size(i) for i in items), consistent=consistent)
            return
        gets: list[tuple[str, dict[str, Any], bool]] = []
        if op == "GetItem":
            gets = [(params["TableName"], params["Key"], bool(params.get("ConsistentRead")))]
        elif op == "BatchGetItem":
            gets = [
                (table, key, bool(spec.get("ConsistentRead")))
                for table, spec in params["RequestItems"].items()
                for key in spec["Keys"]
            ]
        else:
            gets = [(e["Get"]["TableName"], e["Get"]["Key"], True) for e in params["TransactItems"]]
        sizes = [(pricing.item_size(self._get(table, key)), consistent) for table, key, consistent in gets]
        billed.kind = ",".join(sorted({_kind(key) for _, key, _ in gets}))
        if op == "TransactGetItems":
            billed.rru = pricing.items_read([s for s, _ in sizes], consistent=True, transactional=True)
        else:
            billed.rru = sum(pricing.read_units(s, consistent=c) for s, c in sizes)

    # ------------------------------------------------------------------------------ the table
    def _targets(self, operation: str, params: dict[str, Any]) -> list[tuple[str, dict[str, Any], bool]]:
        """(table, key, is a condition check) of every item a write touches."""
        if operation in ("UpdateItem", "DeleteItem"):
            return [(params["TableName"], params["Key"], False)]
        if operation == "PutItem":
            return [(params["TableName"], self._key(params["TableName"], params["Item"]), False)]
        if operation == "BatchWriteItem":
            out = []
            for table, requests in params["RequestItems"].items():
                for r in requests:
                    put = r.get("PutRequest")
                    key = self._key(table, put["Item"]) if put else r["DeleteRequest"]["Key"]
                    out.append((table, key, False))
            return out
        out = []
        for entry in params["TransactItems"]:
            ((action, body),) = entry.items()
            table = body["TableName"]
            key = self._key(table, body["Item"]) if action == "Put" else body["Key"]
            out.append((table, key, action == "ConditionCheck"))
        return out

    def _key(self, table: str, item: Mapping[str, Any]) -> dict[str, Any]:
        return {k: item[k] for k in self._shape(table).keys}

    def _get(self, table: str, key: dict[str, Any]) -> dict[str, Any] | None:
        return self._raw.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")

    def _shape(self, table: str) -> TableShape:
        if table not in self._shapes:
            t = self._raw.describe_table(TableName=table)["Table"]
            indexes = tuple(
                Index(
                    g["IndexName"],
                    tuple(k["AttributeName"] for k in g["KeySchema"]),
                    g["Projection"]["ProjectionType"],
                    tuple(g["Projection"].get("NonKeyAttributes", ())),
                )
                for g in t.get("GlobalSecondaryIndexes", [])
            )
            self._shapes[table] = TableShape(tuple(k["AttributeName"] for k in t["KeySchema"]), indexes)
        return self._shapes[table]


def _kind(key: Mapping[str, Any]) -> str:
    """What an item is, from its sort key (``APPT#...`` -> ``APPT``; a time, a staff member's slot lock)."""
    sort = key.get("SK", {}).get("S", "")
    if re.match(r"\d{4}-\d\d-\d\dT", sort):
        return "slot lock"
    return sort.split("#", 1)[0] if sort else "?"


def _payload(body: str, params: Mapping[str, Any]) -> int:
    attributes = params.get("MessageAttributes") or {}
    return len(body.encode()) + len(json.dumps(attributes).encode())


def _stdout_handlers() -> list[logging.StreamHandler]:
    """The log handlers that write to the process's stdout (Powertools' loggers): Lambda's log."""
    loggers = [logging.getLogger()] + [
        lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    out = []
    for lg in loggers:
        for h in lg.handlers:
            if isinstance(h, logging.StreamHandler) and h.stream in (sys.__stdout__, sys.stdout):
                out.append(h)
    return out


def _the_applications(thread: threading.Thread) -> bool:
    """A call the bill counts: made by a function, on the thread that invokes it or on one it started
    for its own work (named ``regulars-...``, as the ticker's readers of the due index are); not the
    emulators' or the libraries' background threads."""
    return thread is threading.main_thread() or thread.name.startswith("regulars-")
