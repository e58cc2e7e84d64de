"""Queues and topics (SQS, SNS): the jobs queue the ticker fills, the messages topic the outbox's relay
publishes to, and the channels' own queues their senders re-enqueue to. The only module that sends."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from functools import cache
from typing import Any

from regulars.runtime.jobs.repo import JobRef


@cache
def _sqs() -> Any:
    import boto3  # lazy: only the ticker sends

    return boto3.client("sqs")


@cache
def _sns() -> Any:
    import boto3  # lazy: only the stream processor publishes

    return boto3.client("sns")


def publish(topic_arn: str, body: str, attributes: dict[str, str]) -> None:
    _sns().publish(
        TopicArn=topic_arn,
        Message=body,
        MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attributes.items()},
    )


def notify(topic_arn: str, subject: str, text: str) -> None:
    """A notice to a topic people subscribe to (the stack's alarm topic, an e-mail)."""
    _sns().publish(TopicArn=topic_arn, Subject=subject[:100], Message=text)


def send(queue_url: str, body: str, *, delay_seconds: int = 0) -> None:
    _sqs().send_message(QueueUrl=queue_url, MessageBody=body, DelaySeconds=delay_seconds)


def body(ref: JobRef) -> str:
    return json.dumps({"salon_id": ref.salon_id, "job_id": ref.job_id}, separators=(",", ":"))


def parse(text: str) -> JobRef:
    data = json.loads(text)
    return JobRef(str(data["salon_id"]), str(data["job_id"]))


def send_jobs(refs: Sequence[JobRef], queue_url: str | None = None) -> list[JobRef]:
    """Send refs in batches of ten; the refs the queue refused."""
    url = queue_url or os.environ["JOBS_QUEUE_URL"]
    refused: list[JobRef] = []
    for start in range(0, len(refs), 10):
        batch = list(refs[start : start + 10])
        try:
            answer = _sqs().send_message_batch(
                QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": body(r)} for i, r in enumerate(batch)]
            )
        except Exception:
            refused += batch
            continue
        refused += [batch[int(f["Id"])] for f in answer.get("Failed", [])]
    return refused
