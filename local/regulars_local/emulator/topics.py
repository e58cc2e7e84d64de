"""Topic pumps: SNS topics that invoke a function (``Type: SNS`` events), as SNS and Lambda do it.

SNS pushes each notification to the function with an asynchronous invocation, one record per event;
Lambda tries a failing invocation ``MaximumRetryAttempts`` times more (2 unless the function's
``EventInvokeConfig`` says otherwise) and then sends the event to the function's ``DeadLetterQueue``
with the error in the message's attributes.

Locally moto cannot invoke a function, so the runtime subscribes a queue of its own to the topic for
each such event (``<stack>-<function>-<event>``, not in the template) and a :class:`QueuePump` of
batches of one delivers it, through :class:`AsyncInvoke`, as the SNS event the function would get.
The pump's retries are Lambda's: the queue's receive count is the attempt; after the last one the
event goes to the dead-letter queue and the message is deleted. Like every pump, they are drained
by the runtime's ``drain``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from regulars_local.emulator.queues import QueuePump
from regulars_local.emulator.template import QueueSource, TopicSource

log = logging.getLogger("local.topics")

SUBSCRIPTION_SUFFIX = "local"  # the subscription id in EventSubscriptionArn


def sns_record(envelope: Mapping[str, Any], subscription_arn: str) -> dict[str, Any]:
    """A notification as SNS delivers it to an SQS queue (not raw), in the shape Lambda gets it."""
    return {
        "EventSource": "aws:sns",
        "EventVersion": "1.0",
        "EventSubscriptionArn": subscription_arn,
        "Sns": {
            "Type": envelope.get("Type", "Notification"),
            "MessageId": envelope["MessageId"],
            "TopicArn": envelope["TopicArn"],
            "Subject": envelope.get("Subject"),
            "Message": envelope["Message"],
            "Timestamp": envelope.get("Timestamp", ""),
            "SignatureVersion": envelope.get("SignatureVersion", "1"),
            "Signature": envelope.get("Signature", ""),
            "SigningCertUrl": envelope.get("SigningCertURL", ""),
            "UnsubscribeUrl": envelope.get("UnsubscribeURL", ""),
            "MessageAttributes": {
                name: {"Type": value.get("Type", "String"), "Value": value.get("Value")}
                for name, value in (envelope.get("MessageAttributes") or {}).items()
            },
        },
    }


class AsyncInvoke:
    """Turns the pump's batch of one queue message into the function's SNS event, and plays Lambda's
    retries of an asynchronous invocation and its dead-letter queue."""

    def __init__(
        self,
        invoke: Callable[[dict[str, Any]], Any],
        subscription_arn: str,
        *,
        attempts: int,
        dead_letter: Callable[[dict[str, Any], Exception], None] | None,
        name: str = "",
    ):
        self._invoke = invoke
        self.subscription_arn = subscription_arn
        self.attempts = max(1, attempts)
        self._dead_letter = dead_letter
        self.name = name

    def __call__(self, event: Mapping[str, Any]) -> dict[str, Any]:
        failed: list[dict[str, str]] = []
        for record in event["Records"]:
            sns_event = {"Records": [sns_record(json.loads(record["body"]), self.subscription_arn)]}
            try:
                self._invoke(sns_event)
            except Exception as exc:
                attempt = int(record.get("attributes", {}).get("ApproximateReceiveCount", "1"))
                if attempt < self.attempts:
                    log.info("%s failed (attempt %d of %d): %s", self.name, attempt, self.attempts, exc)
                    failed.append({"itemIdentifier": record["messageId"]})
                elif self._dead_letter is not None:
                    log.warning("%s failed %d times: to the dead-letter queue (%s)", self.name, attempt, exc)
                    self._dead_letter(sns_event, exc)
                else:
                    log.warning(
                        "%s failed %d times and has no dead-letter queue: dropped", self.name, attempt
                    )
        return {"batchItemFailures": failed}


def dead_letter_to(sqs: Any, queue_url: str) -> Callable[[dict[str, Any], Exception], None]:
    """Lambda's dead-letter message: the event as the body, the error in the attributes."""

    def send(event: dict[str, Any], exc: Exception) -> None:
        sqs.send_message(
            QueueUrl=queue_url,
            MessageBody=json.dumps(event),
            MessageAttributes={
                "ErrorCode": {"DataType": "String", "StringValue": "200"},
                "ErrorMessage": {"DataType": "String", "StringValue": f"{type(exc).__name__}: {exc}"[:1000]},
            },
        )

    return send


def topic_pump(
    source: TopicSource,
    invoke: Callable[[dict[str, Any]], Any],
    *,
    sqs: Any,
    sns: Any,
    topic_arn: str,
    queue_name: str,
    region: str,
    timeout: int = 30,
    dead_letter_url: str | None = None,
    retry_visibility: int | None = None,
) -> QueuePump:
    """The queue subscribed to the topic for ``source`` (created here, with the event's filter
    policy) and the pump that invokes the function from it as SNS would."""
    queue_url = sqs.create_queue(
        QueueName=queue_name, Attributes={"VisibilityTimeout": str(max(30, timeout))}
    )["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    attributes = {"FilterPolicy": json.dumps(source.filter_policy)} if source.filter_policy else {}
    subscription = sns.subscribe(
        TopicArn=topic_arn,
        Protocol="sqs",
        Endpoint=queue_arn,
        Attributes=attributes,
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    name = f"{source.function}.{source.event}"
    asynchronous = AsyncInvoke(
        invoke,
        subscription,
        attempts=1 + source.maximum_retry_attempts,
        dead_letter=dead_letter_to(sqs, dead_letter_url) if dead_letter_url else None,
        name=name,
    )
    as_queue = QueueSource(
        function=source.function,
        queue=queue_arn,
        event=source.event,
        batch_size=1,  # SNS invokes with one notification
        report_batch_item_failures=True,
        maximum_concurrency=2,
    )
    options = {} if retry_visibility is None else {"retry_visibility": retry_visibility}
    return QueuePump(as_queue, sqs, queue_url, queue_arn, region, asynchronous, **options)
