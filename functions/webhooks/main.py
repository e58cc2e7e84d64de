"""Provider webhooks: Telegram updates, WhatsApp verification, messages and statuses (API Gateway),
and in-bound SMS (SQS, from the topic two-way SMS publishes to)."""

import json

from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from regulars import clock
from regulars.api import webhooks
from regulars.observability import logger, metrics, partial_batch, tracer


@tracer.capture_method
def sms_record(record: SQSRecord) -> None:
    envelope = json.loads(record.body)
    notification = json.loads(envelope["Message"]) if "Message" in envelope and "Type" in envelope else envelope
    answer = webhooks.sms(notification, clock.now())
    logger.info("sms in", extra={"act": answer.act})


sms_batch = partial_batch("SQS", sms_record)


def _route(event: dict) -> dict:
    path, method = event.get("resource") or event.get("path") or "", event.get("httpMethod", "")
    now = clock.now()
    if path.endswith("/telegram") and method == "POST":
        return webhooks.telegram(event, now)
    if path.endswith("/whatsapp") and method == "GET":
        return webhooks.whatsapp_verify(event)
    if path.endswith("/whatsapp") and method == "POST":
        return webhooks.whatsapp(event, now)
    return {"statusCode": 404, "headers": {"Content-Type": "application/json"},
            "body": json.dumps({"error": {"code": "not_found", "message": "no such route", "fields": []}})}


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    if "Records" in event:
        return sms_batch(event, context)
    answer = _route(event)
    metrics.add_metric(name=f"Webhook{answer['statusCode']}", unit="Count", value=1)
    return answer
