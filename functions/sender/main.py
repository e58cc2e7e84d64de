"""Send queued messages, each on its own channel (SMS, Telegram, WhatsApp, push), at each provider's
rate. A record that raises is reported back alone and retried; after five receives it goes to the
dead-letter queue."""

import os

from regulars.app import messages
from regulars.core import clock
from regulars.messaging.channels import pacing
from regulars.messaging.channels.clients import channels_for
from regulars.messaging.outbox import sender
from regulars.runtime.observability import BatchRecord, batch_handler, logger, tracer

pacer = pacing.Pacer(
    pacing.parse_rates(os.environ.get("SEND_RATES", "")), share=int(os.environ.get("SEND_CONCURRENCY", "1"))
)
PACING_WAIT = 2.0  # seconds a send may wait for its turn: a batch of ten waits 20 s at most (Timeout: 30)
channels = channels_for(clock.now)
requeue = sender.requeue_on(os.environ["SEND_QUEUE_URL"])
dead_letter = sender.dead_letter_on(os.environ["SEND_DEAD_LETTER_QUEUE_URL"])
budget_notice = sender.budget_notice_on(os.environ["ALARM_TOPIC_ARN"])


@tracer.capture_method
def record_handler(record: BatchRecord) -> None:
    ref = sender.SendRef.parse(record.body)
    result = messages.send_paced(
        ref, channels, pacer, clock.now, requeue=requeue, dead_letter=dead_letter, wait=PACING_WAIT
    )
    # every outcome is in this line, for Logs Insights (docs/architecture.md): a custom metric per
    # outcome would be billed by the month
    logger.info(
        "send",
        extra={
            "message_id": ref.message_id,
            "channel": ref.channel,
            "outcome": result.outcome,
            "reason": result.reason,
        },
    )
    if result.outcome == "over_budget":  # the owner hears of it before clients notice, once a day
        budget_notice(ref.salon_id, clock.now())


handler = batch_handler("SQS", record_handler)
