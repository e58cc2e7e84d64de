"""Provider webhooks: Telegram updates, WhatsApp verification, messages and statuses (API Gateway,
through the same resolver and error map as the other APIs), and in-bound SMS (SQS, from the topic
two-way SMS publishes to; a record that fails is reported back, so the queue delivers it again)."""

import json
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from regulars.app.http import webhooks_app
from regulars.core import clock
from regulars.messaging.inbound import webhooks
from regulars.runtime.observability import BatchRecord, logger, metrics, partial_batch, tracer

app = webhooks_app()


@tracer.capture_method
def sms_record(record: BatchRecord) -> None:
    envelope = json.loads(record.body)
    notification = (
        json.loads(envelope["Message"]) if "Message" in envelope and "Type" in envelope else envelope
    )
    answer = webhooks.sms(webhooks.InboundSms.model_validate(notification), clock.now())
    logger.info("sms in", extra={"act": answer.act})


sms_batch = partial_batch("SQS", sms_record)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> Mapping[str, Any]:
    if "Records" in event:
        return sms_batch(event, context)
    answer = app.resolve(event, context)
    if answer["statusCode"] >= 400:  # refused or failed updates; the rest are in the access log
        metrics.add_metric(name="WebhooksRefused", unit="Count", value=1)
    return answer
