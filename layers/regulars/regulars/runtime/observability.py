"""The shared logger, tracer and metrics (one of each per process).

Phone numbers, e-mail addresses and the Telegram bot token never reach the logs: the logger's
formatter masks them in everything a record carries (the message, the ``extra`` keys, the exception
and its stack trace), and its records go nowhere else. httpx logs every request's URL at INFO, and a Bot API URL holds the token
(``/bot<id>:<secret>/sendMessage``): its request logging is quieted to warnings, and what it still
logs is masked too.

Tracing with the X-Ray SDK is a deployment choice (the template's ``XRaySdkTracing``): Powertools'
Tracer imports the SDK as soon as it is built, which is the largest single part of a cold start, so
when tracing is off a stand-in with the same decorators is used and the SDK is never imported.

Batches (SQS, DynamoDB Streams) are answered with a partial batch response by :func:`partial_batch`,
the loop of Powertools' ``BatchProcessor`` without the package: importing it once pydantic is
loaded imports every model of Powertools' Parser and every event class, about 160 ms of CPU at each
cold start of a batch function (docs/benchmarks.md), for a loop of a few lines.
"""

from __future__ import annotations

import logging
import os
import re
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypedDict

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

if TYPE_CHECKING:
    from aws_lambda_powertools.logging.types import PowertoolsLogRecord

_BOT_TOKEN = re.compile(r"(bot)?\d{5,}:[A-Za-z0-9_-]{20,}")  # a Bot API token: <bot id>:<secret>
_PHONE = re.compile(r"(?<![\w+-])(?!\d{4}-\d\d-\d\d)\+?\d[\d\s().-]{7,}\d")  # not a date
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# keys Powertools itself writes: never personal, and a timestamp must stay one
_OWN_KEYS = frozenset(
    {
        "level",
        "location",
        "timestamp",
        "service",
        "sampling_rate",
        "cold_start",
        "function_name",
        "function_memory_size",
        "function_arn",
        "function_request_id",
        "correlation_id",
        "xray_trace_id",
    }
)


def redact(text: str) -> str:
    text = _BOT_TOKEN.sub(lambda mo: (mo.group(1) or "") + "<token>", text)
    text = _EMAIL.sub("<email>", text)
    return _PHONE.sub(lambda mo: "<phone …" + re.sub(r"\D", "", mo.group())[-2:] + ">", text)


def _redacted(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict):
        return {k: _redacted(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_redacted(v) for v in value]
    return redact(value if isinstance(value, str) else str(value))


class RedactingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON formatter, with every value of a record masked but the keys Powertools owns."""

    def serialize(self, log: dict[str, Any] | PowertoolsLogRecord) -> str:
        return super().serialize({k: v if k in _OWN_KEYS else _redacted(v) for k, v in log.items()})


class _Redact(logging.Filter):
    """For other libraries' loggers: the message, its arguments and the exception's text masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True


for _name in ("httpx", "httpcore"):
    logging.getLogger(_name).setLevel(logging.WARNING)
    logging.getLogger(_name).addFilter(_Redact())


class _Untraced:
    """Powertools' Tracer decorators and annotations, doing nothing (tracing is off)."""

    def capture_lambda_handler(self, fn: Callable | None = None, **_: Any) -> Any:
        return fn if fn is not None else (lambda f: f)

    capture_method = capture_lambda_handler

    def put_annotation(self, key: str, value: Any) -> None:
        return None

    def put_metadata(self, key: str, value: Any, namespace: str | None = None) -> None:
        return None


def _tracing_on() -> bool:
    return os.environ.get("POWERTOOLS_TRACE_DISABLED", "false").lower() not in ("1", "true", "yes")


def _tracer() -> Any:
    if not _tracing_on():
        return _Untraced()
    from aws_lambda_powertools import Tracer

    return Tracer(service="regulars")


logger = Logger(service="regulars", logger_formatter=RedactingFormatter())
# its records are written by its own handler, masked; passed on to the root logger's handlers (Lambda's,
# the local runtime's), they would be written a second time as they were given
logging.getLogger(logger.name).propagate = False
tracer = _tracer()
metrics = Metrics(namespace="Regulars", service="regulars")
# Most invocations have nothing to count (an idle tick, a batch no metric is about), and Powertools warns
# on stderr at each such flush: a line in every execution environment's logs, and in `make dev`'s output
warnings.filterwarnings("ignore", message="No application metrics to publish", category=UserWarning)


class ItemFailure(TypedDict):
    itemIdentifier: str


class PartialItemFailureResponse(TypedDict):
    batchItemFailures: list[ItemFailure]


Handler = Callable[[dict, Any], PartialItemFailureResponse]
BatchSource = Literal["SQS", "DynamoDBStreams"]


class BatchRecord:
    """One record of a batch as the record handler gets it: the record as Lambda delivered it."""

    __slots__ = ("raw_event",)

    def __init__(self, raw_event: dict[str, Any]):
        self.raw_event = raw_event

    @property
    def body(self) -> str:
        """An SQS message's body."""
        body: str = self.raw_event["body"]
        return body


class BatchFailed(Exception):
    """Every record of the batch failed: the invocation fails, so the whole batch is delivered again
    (a stream's mapping splits it first). ``errors`` are the records' exceptions, in order."""

    def __init__(self, errors: list[BaseException]):
        super().__init__(f"all {len(errors)} records failed; the first: {errors[0]!r}")
        self.errors = errors


def _identifier(source: BatchSource, record: dict[str, Any]) -> str:
    """What Lambda reads back from ``batchItemFailures``: an SQS message's id, a stream record's
    sequence number (the mapping retries from the lowest one named)."""
    identifier: str = record["messageId"] if source == "SQS" else record["dynamodb"]["SequenceNumber"]
    return identifier


def partial_batch(event_type: BatchSource, record_handler: Callable[[BatchRecord], None]) -> Handler:
    """Run each record of an SQS or stream batch through ``record_handler``, in order; the records
    that raised are reported back (``batchItemFailures``), so only they are delivered again. When
    every record raised, :class:`BatchFailed` is raised instead (what Powertools' BatchProcessor
    does)."""
    if event_type not in ("SQS", "DynamoDBStreams"):
        raise ValueError(f"not a batch source: {event_type!r}")

    def run(event: dict, context: Any) -> PartialItemFailureResponse:
        records = event.get("Records") if isinstance(event, dict) else None
        if not isinstance(records, list):
            raise ValueError(f"not a {event_type} batch event: it has no list of Records")
        failed: list[ItemFailure] = []
        errors: list[BaseException] = []
        for record in records:
            try:
                record_handler(BatchRecord(record))
            except Exception as exc:  # the record is delivered again, the batch goes on
                failed.append({"itemIdentifier": _identifier(event_type, record)})
                errors.append(exc)
        if records and len(errors) == len(records):
            raise BatchFailed(errors)
        return {"batchItemFailures": failed}

    return run


def batch_handler(event_type: BatchSource, record_handler: Callable[[BatchRecord], None]) -> Handler:
    """A Lambda handler for a batch (``"SQS"`` or ``"DynamoDBStreams"``): :func:`partial_batch` with
    the logger's Lambda context, the tracer and the metrics flushed at the end."""
    run = partial_batch(event_type, record_handler)

    @logger.inject_lambda_context
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def handler(event: dict, context: Any) -> PartialItemFailureResponse:
        return run(event, context)

    wrapped: Handler = handler  # the decorators return it untyped
    return wrapped
