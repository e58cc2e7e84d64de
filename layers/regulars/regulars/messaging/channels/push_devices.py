"""A client's phone registered for push: an SNS platform endpoint for its FCM token.

``CreatePlatformEndpoint`` is idempotent for the same token and attributes, so registering twice
gives the same endpoint. Without a platform application in this deployment there is no push.
``DeleteEndpoint`` is idempotent too: an erasure run twice, or an endpoint gone already, is fine."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from botocore.exceptions import ClientError

from regulars.core.config import settings
from regulars.core.errors import InvalidInput, NotAllowed
from regulars.messaging.rules.routing import Channel


@cache
def _sns() -> Any:
    import boto3

    return boto3.client("sns")


def register(salon_id: str, client_id: str, device_token: str, now: datetime) -> str:
    """The endpoint ARN for this device."""
    application = settings().push_platform_application_arn
    if not application or Channel.PUSH.value not in settings().channels:
        raise NotAllowed("this salon sends no push notifications", code="push_unavailable")
    try:
        answer = _sns().create_platform_endpoint(
            PlatformApplicationArn=application, Token=device_token, CustomUserData=f"{salon_id}:{client_id}"
        )
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("InvalidParameter", "InvalidParameterValue"):
            raise InvalidInput.field("device_token", "the push service refused this token") from exc
        raise
    return str(answer["EndpointArn"])


def forget(endpoint_arns: set[str]) -> int:
    """Delete the client's push endpoints (their device tokens) at SNS: how many were asked to go.
    An endpoint already gone counts as gone; any other refusal is raised, so the erasure is retried."""
    for arn in sorted(endpoint_arns):
        try:
            _sns().delete_endpoint(EndpointArn=arn)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "NotFound":
                raise
    return len(endpoint_arns)
