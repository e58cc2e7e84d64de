"""Queue pumps: SQS queues to the functions, as Lambda's SQS event source mapping does it.

One pump per ``Type: SQS`` event of the template polls its queue in moto (long polls of a second, at
most ten messages a call, gathered into a batch of up to ``BatchSize`` from what the queue has visible)
and invokes the function with up to ``ScalingConfig.MaximumConcurrency`` batches in flight (2 when the
template sets none). Messages that match none of the event's ``FilterCriteria`` are deleted without an
invocation. After an invocation that returns, the batch's messages are deleted: all of them, or all
but those the function names in ``batchItemFailures`` when ``ReportBatchItemFailures`` is on. After an
exception (a timeout included) none are.

A message that is not deleted goes back to the queue. Lambda leaves it invisible for the rest of the
queue's ``VisibilityTimeout``; locally the pump makes it visible again after ``retry_visibility``
seconds (:data:`RETRY_VISIBILITY`, never more than the queue's own timeout), so that a retry comes
within a second or two rather than minutes later. Every receive counts against the queue's
``RedrivePolicy``: moto moves a message to the dead-letter queue when it would be received once more
after ``maxReceiveCount`` receives, as SQS does.

FIFO queues keep their order: moto hands out no message of a group while another message of that
group is in flight, so each group is processed one batch at a time, in order, while other groups
proceed in parallel. A FIFO queue is polled without waiting (moto's long poll neither sees a group
that is freed while it waits nor stops spinning over the group's visible messages): again as soon as
a batch is settled, else every :data:`FIFO_POLL_INTERVAL` seconds.

``MaximumBatchingWindowInSeconds`` is not waited for: a batch is what the queue has visible when the
pump polls, as with a window of 0.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import boto3
from botocore.config import Config

from regulars_local.emulator.streams import drain_rounds, passes
from regulars_local.emulator.template import QueueSource

log = logging.getLogger("local.queues")

POLL_WAIT = 1  # seconds a ReceiveMessage call waits for a message to arrive
FIFO_POLL_INTERVAL = 0.2  # seconds between receives from a FIFO queue that had nothing to hand out
MESSAGES_PER_CALL = 10  # the most ReceiveMessage returns, and DeleteMessageBatch takes
DEFAULT_CONCURRENCY = 2  # batches in flight per queue when the event sets no MaximumConcurrency
RETRY_VISIBILITY = 1  # seconds until a message that failed is visible again (Lambda: VisibilityTimeout)
IDLE_CHECK = 0.05  # seconds between looks at the queue while waiting for it to be idle
ERROR_BACKOFF = 0.5  # seconds between receives while the queue cannot be read
STOP_TIMEOUT = 10.0

# The system attributes every record has, in the order Lambda writes them; FIFO queues add theirs.
SYSTEM_ATTRIBUTES = (
    "ApproximateReceiveCount",
    "SentTimestamp",
    "SenderId",
    "ApproximateFirstReceiveTimestamp",
)


# --- records ---------------------------------------------------------------------------------------
def _base64(value: bytes | bytearray | str) -> str:
    return base64.b64encode(bytes(value)).decode() if isinstance(value, bytes | bytearray) else value


def message_attribute(value: Mapping[str, Any]) -> dict[str, Any]:
    """A ReceiveMessage message attribute as a Lambda event has it (binary values in base64)."""
    out: dict[str, Any] = {}
    if "StringValue" in value:
        out["stringValue"] = value["StringValue"]
    if "BinaryValue" in value:
        out["binaryValue"] = _base64(value["BinaryValue"])
    out["stringListValues"] = list(value.get("StringListValues", []))
    out["binaryListValues"] = [_base64(v) for v in value.get("BinaryListValues", [])]
    out["dataType"] = value["DataType"]
    return out


def lambda_record(message: Mapping[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    """A ReceiveMessage message in the shape Lambda delivers it (``event["Records"][i]``)."""
    received = message.get("Attributes", {})
    attributes = {name: received[name] for name in SYSTEM_ATTRIBUTES if name in received}
    attributes |= {name: received[name] for name in sorted(received) if name not in attributes}
    record: dict[str, Any] = {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": attributes,
        "messageAttributes": {
            name: message_attribute(value) for name, value in message.get("MessageAttributes", {}).items()
        },
    }
    if "MD5OfMessageAttributes" in message:
        record["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
    record |= {
        "md5OfBody": message["MD5OfBody"],
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }
    return record


def filterable(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record that filter patterns see: a JSON body as its value, any other body as the string."""
    try:
        body = json.loads(record["body"])
    except ValueError:
        body = record["body"]
    return {**record, "body": body}


def failures(result: Any, batch: Sequence[Mapping[str, Any]], report_batch_item_failures: bool) -> set[str]:
    """The ids of the messages to retry, read from a function's answer as Lambda reads it.

    Without ``ReportBatchItemFailures`` the answer is not looked at. With it, no answer, an empty or
    null ``batchItemFailures`` is a success; an ``itemIdentifier`` that is empty or not a message of
    the batch fails the whole batch.
    """
    if not report_batch_item_failures or not isinstance(result, Mapping):
        return set()
    reported = result.get("batchItemFailures")
    if not reported:
        return set()
    ids = {record["messageId"] for record in batch}
    if not isinstance(reported, list):
        log.warning("batchItemFailures is not a list (%r): the whole batch failed", reported)
        return ids
    failed: set[str] = set()
    for failure in reported:
        identifier = failure.get("itemIdentifier") if isinstance(failure, Mapping) else None
        if not identifier or identifier not in ids:
            log.warning(
                "batchItemFailures names %r, not a message of the batch: the whole batch failed", identifier
            )
            return ids
        failed.add(identifier)
    return failed


def concurrency(source: QueueSource) -> int:
    """How many batches of the event may be in flight at once."""
    return max(1, source.maximum_concurrency or DEFAULT_CONCURRENCY)


def sqs_client(endpoint: str, region: str, connections: int) -> Any:
    """An SQS client for a pump: a connection for each batch in flight, the poll and a drain."""
    return boto3.client(
        "sqs",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="local",
        aws_secret_access_key="local",
        config=Config(max_pool_connections=connections + 2),
    )


def queue_url(sqs: Any, arn: str) -> str:
    """The URL of the queue with ARN ``arn:aws:sqs:<region>:<account>:<name>``."""
    parts = arn.split(":")
    if len(parts) != 6 or parts[2] != "sqs":
        raise ValueError(f"{arn!r} is not a queue ARN")
    return sqs.get_queue_url(QueueName=parts[5], QueueOwnerAWSAccountId=parts[4])["QueueUrl"]


# --- the pump --------------------------------------------------------------------------------------
@dataclass
class QueueCounts:
    received: int = 0  # messages received from the queue (a message received again counts again)
    filtered: int = 0  # matched none of the filter criteria: deleted without an invocation
    delivered: int = 0  # processed by the function and deleted
    failed: int = 0  # returned to the queue, to be received again or moved to its dead-letter queue
    invocations: int = 0
    errors: int = 0  # invocations that raised

    def add(self, other: QueueCounts) -> QueueCounts:
        return QueueCounts(**{k: v + getattr(other, k) for k, v in asdict(self).items()})

    def settled(self) -> int:
        return self.filtered + self.delivered + self.failed


class QueuePump:
    """One SQS event source mapping: a thread that polls the queue, and one thread per batch in flight."""

    def __init__(
        self,
        source: QueueSource,
        sqs: Any,
        queue_url: str,
        queue_arn: str,
        region: str,
        invoke: Callable[[dict[str, Any]], Any],
        *,
        retry_visibility: int | None = RETRY_VISIBILITY,
        poll_wait: int = POLL_WAIT,
    ):
        self.source = source
        self.sqs = sqs  # a boto3 ``sqs`` client
        self.queue_url = queue_url
        self.queue_arn = queue_arn
        self.region = region
        self.concurrency = concurrency(source)
        self.retry_visibility = retry_visibility  # None: the queue's VisibilityTimeout, as in Lambda
        self.poll_wait = poll_wait
        self.visibility_timeout = 30
        self.fifo = False
        self.counts = QueueCounts()
        self._invoke = invoke
        self._condition = threading.Condition()
        self._busy = 0  # batches being invoked or settled
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._warned_ignored_failures = False

    @property
    def name(self) -> str:
        return f"{self.source.function}.{self.source.event or 'Queue'}"

    def start(self) -> None:
        attributes = self.sqs.get_queue_attributes(
            QueueUrl=self.queue_url, AttributeNames=["VisibilityTimeout", "FifoQueue"]
        )["Attributes"]
        self.visibility_timeout = int(attributes.get("VisibilityTimeout", self.visibility_timeout))
        self.fifo = attributes.get("FifoQueue") == "true"
        self._thread = threading.Thread(target=self._run, name=f"queue-{self.name}", daemon=True)
        self._thread.start()

    def stop(self, wait: bool = True) -> None:
        """Stop polling; with ``wait``, also wait for the batches in flight to be settled."""
        self._stop.set()
        with self._condition:
            self._condition.notify_all()
        if not wait:
            return
        deadline = time.monotonic() + STOP_TIMEOUT
        if self._thread:
            self._thread.join(timeout=STOP_TIMEOUT)
        with self._condition:
            settled = self._condition.wait_for(
                lambda: self._busy == 0, timeout=max(0.0, deadline - time.monotonic())
            )
        if not settled:
            log.warning("%s: %d batch(es) still running at shutdown", self.name, self._busy)

    # --- idleness ---------------------------------------------------------------------------------
    def wait_idle(self, timeout: float) -> bool:
        """Wait until the queue has no message visible or in flight and no invocation is running.

        Delayed messages (``DelaySeconds``) are not waited for until their delay is over.
        """
        deadline = time.monotonic() + timeout
        while not self._stop.is_set():
            if self._idle():
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            with self._condition:
                self._condition.wait(min(IDLE_CHECK, remaining))
        return False

    def _idle(self) -> bool:
        # Read twice: the queue counts visible and in-flight messages one after the other, so a
        # message whose visibility ends between the two counts is in neither; the second read sees it.
        return self._looks_idle() and self._looks_idle()

    def _looks_idle(self) -> bool:
        if self._busy:
            return False
        try:
            attributes = self.sqs.get_queue_attributes(
                QueueUrl=self.queue_url,
                AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
            )["Attributes"]
        except Exception as exc:
            log.debug("%s: reading the queue's attributes failed: %s", self.name, exc)
            return False
        return (
            int(attributes.get("ApproximateNumberOfMessages", 0)) == 0
            and int(attributes.get("ApproximateNumberOfMessagesNotVisible", 0)) == 0
            and self._busy == 0
        )

    # --- polling ----------------------------------------------------------------------------------
    def _run(self) -> None:
        failing = False
        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._busy < self.concurrency or self._stop.is_set())
            if self._stop.is_set():
                return
            try:
                messages = self.receive()
            except Exception as exc:
                if not failing:
                    log.warning("%s: receiving from the queue failed: %s", self.name, exc)
                    failing = True
                self._stop.wait(ERROR_BACKOFF)
                continue
            failing = False
            if not messages:
                if self.fifo:
                    with self._condition:
                        self._condition.wait(FIFO_POLL_INTERVAL)  # woken when a batch is settled
                continue
            if self._stop.is_set():  # received as the runtime stops: back to the queue, not invoked
                try:
                    self._release([m["ReceiptHandle"] for m in messages], 0)
                except Exception as exc:
                    log.debug("%s: returning %d message(s) failed: %s", self.name, len(messages), exc)
                return
            with self._condition:
                self._busy += 1
            threading.Thread(
                target=self._work, args=(messages,), name=f"queue-{self.name}-batch", daemon=True
            ).start()

    def receive(self) -> list[dict[str, Any]]:
        """One batch: what the queue has visible, up to the batch size (waiting a while for the first)."""
        messages: list[dict[str, Any]] = []
        wait = 0 if self.fifo else self.poll_wait
        size = max(1, self.source.batch_size)
        while len(messages) < size and not self._stop.is_set():
            page = self.sqs.receive_message(
                QueueUrl=self.queue_url,
                MaxNumberOfMessages=min(MESSAGES_PER_CALL, size - len(messages)),
                WaitTimeSeconds=wait,
                MessageSystemAttributeNames=["All"],
                MessageAttributeNames=["All"],
            ).get("Messages", [])
            if not page:
                break
            messages += page
            wait = 0
        return messages

    # --- a batch ----------------------------------------------------------------------------------
    def _work(self, messages: list[dict[str, Any]]) -> None:
        try:
            self.process(messages)
        except Exception:
            log.exception("%s: settling a batch of %d message(s) failed", self.name, len(messages))
        finally:
            with self._condition:
                self._busy -= 1
                self._condition.notify_all()

    def process(self, messages: Sequence[Mapping[str, Any]]) -> None:
        """Invoke the function with the messages that pass the filters, then settle every message."""
        records = [lambda_record(m, self.queue_arn, self.region) for m in messages]
        kept = [r for r in records if passes(self.source.filters, filterable(r))]
        kept_ids = {r["messageId"] for r in kept}
        dropped = [r for r in records if r["messageId"] not in kept_ids]
        with self._condition:
            self.counts.received += len(records)
            self.counts.filtered += len(dropped)
        self._delete([r["receiptHandle"] for r in dropped])
        if not kept:
            return
        failed_ids = self._call(kept)
        done = [r for r in kept if r["messageId"] not in failed_ids]
        failed = [r for r in kept if r["messageId"] in failed_ids]
        self._delete([r["receiptHandle"] for r in done])
        if self.retry_visibility is not None:
            self._release(
                [r["receiptHandle"] for r in failed], min(self.retry_visibility, self.visibility_timeout)
            )
        with self._condition:
            self.counts.delivered += len(done)
            self.counts.failed += len(failed)

    def _call(self, batch: list[dict[str, Any]]) -> set[str]:
        """Invoke the function; the ids of the messages that failed."""
        with self._condition:
            self.counts.invocations += 1
        try:
            result = self._invoke({"Records": batch})
        except Exception as exc:
            with self._condition:
                self.counts.errors += 1
            log.warning("%s failed on %d message(s): %s", self.name, len(batch), exc)
            return {r["messageId"] for r in batch}
        if (
            not self.source.report_batch_item_failures
            and isinstance(result, Mapping)
            and result.get("batchItemFailures")
            and not self._warned_ignored_failures
        ):
            self._warned_ignored_failures = True
            log.warning(
                "%s returns batchItemFailures, but the event's FunctionResponseTypes has no "
                "ReportBatchItemFailures: the whole batch counts as processed and is deleted",
                self.name,
            )
        return failures(result, batch, self.source.report_batch_item_failures)

    def _delete(self, receipt_handles: Sequence[str]) -> None:
        for chunk in _chunks(receipt_handles):
            answer = self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": handle} for i, handle in enumerate(chunk)],
            )
            for failure in answer.get("Failed", []):
                log.warning("%s: a processed message was not deleted: %s", self.name, failure.get("Message"))

    def _release(self, receipt_handles: Sequence[str], visibility: int) -> None:
        """Make messages visible again after ``visibility`` seconds (0: at once)."""
        for chunk in _chunks(receipt_handles):
            entries = [
                {"Id": str(i), "ReceiptHandle": handle, "VisibilityTimeout": visibility}
                for i, handle in enumerate(chunk)
            ]
            answer = self.sqs.change_message_visibility_batch(QueueUrl=self.queue_url, Entries=entries)
            for failure in answer.get("Failed", []):
                log.debug("%s: a message's visibility was not changed: %s", self.name, failure.get("Message"))


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), MESSAGES_PER_CALL):
        yield items[start : start + MESSAGES_PER_CALL]


class QueuePumps:
    """Every queue pump of the runtime, started, stopped and drained together."""

    def __init__(self, pumps: Iterable[QueuePump]):
        self.pumps = list(pumps)

    def start(self) -> None:
        for pump in self.pumps:
            pump.start()

    def stop(self) -> None:
        for pump in self.pumps:
            pump.stop(wait=False)
        for pump in self.pumps:
            pump.stop()

    def counts(self) -> QueueCounts:
        total = QueueCounts()
        for pump in self.pumps:
            total = total.add(pump.counts)
        return total

    def wait_idle(self, timeout: float) -> bool:
        """Return True once every queue is empty and no batch is in flight.

        Repeated until a round in which no pump settled a message, so that messages the functions
        send to each other's queues while the others were drained are processed too.
        """
        return drain_rounds(self.pumps, lambda: self.counts().settled(), timeout)
