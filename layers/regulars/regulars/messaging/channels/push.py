"""Mobile push through an SNS platform endpoint (FCM v1): ``Publish(TargetArn=..., MessageStructure="json")``."""

from __future__ import annotations

import json
from typing import Any

from regulars.messaging.channels.base import OutgoingMessage, Sent
from regulars.messaging.channels.sms import SNS_ERRORS, sns_failure
from regulars.messaging.rules.routing import Channel

_UNDELIVERABLE = {
    "EndpointDisabled": "dead push token",
    "NotFound": "no such push endpoint",
    "InvalidParameter": "SNS refused the endpoint or message",
    "PlatformApplicationDisabled": "the push platform application is disabled",
}


def fcm_message(message: OutgoingMessage) -> str:
    """The ``Message`` of a JSON-structured publish: FCM v1 for the GCM platform, text for anything else."""
    notification = (
        {"body": message.text} if message.title is None else {"title": message.title, "body": message.text}
    )
    fcm_v1 = {"message": {"notification": notification, "data": {"message_id": message.message_id}}}
    fcm = {"fcmV1Message": fcm_v1}
    return json.dumps(
        {"default": message.text, "GCM": json.dumps(fcm, ensure_ascii=False)}, ensure_ascii=False
    )


class PushChannel:
    name = Channel.PUSH.value

    def __init__(self, sns_client: Any) -> None:
        self._sns = sns_client

    def send(self, message: OutgoingMessage) -> Sent:
        try:
            response = self._sns.publish(
                TargetArn=str(message.address), MessageStructure="json", Message=fcm_message(message)
            )
        except SNS_ERRORS as error:
            raise sns_failure(error, _UNDELIVERABLE) from error
        return Sent(provider_id=response["MessageId"], cost_micros=0)
