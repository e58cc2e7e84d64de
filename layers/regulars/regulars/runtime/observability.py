"""The shared logger, tracer and metrics (one of each per process).

Phone numbers, e-mail addresses and the Telegram bot token never reach the logs: the logger's
formatter masks them in everything a record carries (the message, the ``extra`` keys, the exception
and its stack trace), and its records go nowhere else. httpx logs every request's URL at INFO, and a Bot API URL holds the token
(``/bot<id>:<secret>/sendMessage``): its request logging is quieted to warnings, and what it still
logs is masked too.

Tracing with the X-Ray SDK is a deployment choice (the template's ``XRaySdkTracing``): Powertools'
Tracer imports the SDK as soon as it is built, which is the largest single part of a cold start, so
when tracing is off a stand-in with the same decorators is used and the SDK is never imported.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

if TYPE_CHECKING:  # the batch utility is imported when a batch handler is built, not at every cold start
    from aws_lambda_powertools.logging.types import PowertoolsLogRecord
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse

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


Handler = Callable[[dict, Any], "PartialItemFailureResponse"]


def partial_batch(event_type: str, record_handler: Callable[[Any], None]) -> Handler:
    """Run each record of an SQS or stream batch through ``record_handler``; the records that raised
    are reported back (``batchItemFailures``), so only they are delivered again."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    processor = BatchProcessor(event_type=EventType[event_type])

    def run(event: dict, context: Any) -> PartialItemFailureResponse:
        return process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )

    return run


def batch_handler(event_type: str, record_handler: Callable[[Any], None]) -> Handler:
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
