"""The shared logger, tracer and metrics (one of each per process).

Phone numbers and e-mail addresses never reach the logs: a filter masks them in every record."""

from __future__ import annotations

import logging
import re

from aws_lambda_powertools import Logger, Metrics, Tracer

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


logger = Logger(service="regulars")
logger.addFilter(_Redact())
tracer = Tracer(service="regulars")
metrics = Metrics(namespace="Regulars", service="regulars")
