"""Send queued messages on this function's channel (``CHANNEL``). A record that raises is reported
back alone and retried; after five receives it goes to the dead-letter queue."""

import os

from regulars.app import messages
from regulars.core import clock
from regulars.messaging.channels.clients import channel_for
from regulars.messaging.outbox import sender
from regulars.runtime.observability import BatchRecord, batch_handler, logger, metrics, tracer

CHANNEL = os.environ["CHANNEL"]
channels = channel_for(CHANNEL, clock.now)
requeue = sender.requeue_on(os.environ["SEND_QUEUE_URL"])
dead_letter = sender.dead_letter_on(os.environ["SEND_DEAD_LETTER_QUEUE_URL"])


@tracer.capture_method
def record_handler(record: BatchRecord) -> None:
    ref = sender.SendRef.parse(record.body)
    result = messages.send(ref, channels, clock.now(), requeue=requeue, dead_letter=dead_letter)
    logger.info(
        "send",
        extra={
            "message_id": ref.message_id,
            "channel": CHANNEL,
            "outcome": result.outcome,
            "reason": result.reason,
        },
    )
    # Two metrics and the budget's (each custom metric is billed by the month): every outcome is in
    # the log line above for Logs Insights
    if result.outcome in ("sent", "failed"):
        metrics.add_metric(
            name="MessagesSent" if result.outcome == "sent" else "MessagesFailed", unit="Count", value=1
        )
    elif result.outcome == "over_budget":  # the alarm on it tells the owner before clients notice
        metrics.add_metric(name="SmsBudgetExhausted", unit="Count", value=1)


handler = batch_handler("SQS", record_handler)
