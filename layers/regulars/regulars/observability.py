"""The shared logger, tracer and metrics (one of each per process).

Phone numbers and e-mail addresses never reach the logs: a filter masks them in every record.

Tracing with the X-Ray SDK is a deployment choice (the template's ``XRaySdkTracing``): Powertools'
Tracer imports the SDK as soon as it is built, which is the largest single part of a cold start, so
when tracing is off a stand-in with the same decorators is used and the SDK is never imported.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools import Logger, Metrics

_PHONE = re.compile(r"\+?\d[\d\s().-]{7,}\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def redact(text: str) -> str:
    text = _EMAIL.sub("<email>", text)
    return _PHONE.sub(lambda mo: "<phone …" + re.sub(r"\D", "", mo.group())[-2:] + ">", text)


class _Redact(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        return True


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


logger = Logger(service="regulars")
logger.addFilter(_Redact())
tracer = _tracer()
metrics = Metrics(namespace="Regulars", service="regulars")


Handler = Callable[[dict, Any], dict]


def partial_batch(event_type: str, record_handler: Callable[[Any], None]) -> Handler:
    """Run each record of an SQS or stream batch through ``record_handler``; the records that raised
    are reported back (``batchItemFailures``), so only they are delivered again."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

    processor = BatchProcessor(event_type=EventType[event_type])

    def run(event: dict, context: Any) -> dict:
        return process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                        context=context)

    return run


def batch_handler(event_type: str, record_handler: Callable[[Any], None]) -> Handler:
    """A Lambda handler for a batch (``"SQS"`` or ``"DynamoDBStreams"``): :func:`partial_batch` with
    the logger's Lambda context, the tracer and the metrics flushed at the end."""
    run = partial_batch(event_type, record_handler)

    @logger.inject_lambda_context
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def handler(event: dict, context: Any) -> dict:
        return run(event, context)

    return handler
