"""Provider webhooks: Telegram updates, WhatsApp verification, messages and statuses (API Gateway,
through the same resolver and error map as the other APIs), and in-bound SMS (pushed by the topic
two-way SMS publishes to, one notification an invocation: one that fails raises, so Lambda tries it
twice more and then puts it in the dead-letter queue)."""

import json
from collections.abc import Mapping
from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext
from regulars.app.http import webhooks_app
from regulars.core import clock
from regulars.messaging.inbound import webhooks
from regulars.runtime.observability import logger, tracer

app = webhooks_app()


@tracer.capture_method
def sms_record(record: Mapping[str, Any]) -> None:
    notification = json.loads(record["Sns"]["Message"])
    answer = webhooks.sms(webhooks.InboundSms.model_validate(notification), clock.now())
    logger.info("sms in", extra={"act": answer.act})


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST)
@tracer.capture_lambda_handler
def handler(event: dict, context: LambdaContext) -> Mapping[str, Any]:
    if "Records" in event:
        for record in event["Records"]:
            sms_record(record)
        return {}
    answer = app.resolve(event, context)
    if answer["statusCode"] >= 400:  # refused or failed updates: counted from this line, not a metric
        logger.info("webhook refused", extra={"status": answer["statusCode"]})
    return answer
