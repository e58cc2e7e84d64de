import json

import pytest
from regulars.messaging.channels import OutgoingMessage, PushChannel, RetryLater, Undeliverable


@pytest.fixture
def endpoint(sns) -> str:
    application = sns.client.create_platform_application(
        Name="regulars-fcm", Platform="GCM", Attributes={"PlatformCredential": "{}"}
    )
    return sns.client.create_platform_endpoint(
        PlatformApplicationArn=application["PlatformApplicationArn"], Token="fcm-token-1"
    )["EndpointArn"]


def message(address, title="Salon Aurora", text="See you tomorrow at 10:00"):
    return OutgoingMessage(
        message_id="m-1", purpose="transactional", text=text, locale="en", address=address, title=title
    )


def test_a_push_is_published_to_the_endpoint_as_an_fcm_v1_message(sns, endpoint):
    sent = PushChannel(sns.client).send(message(endpoint))

    [publish] = sns.publishes
    assert (publish["TargetArn"], publish["MessageStructure"]) == (endpoint, "json")
    structured = json.loads(publish["Message"])
    assert structured["default"] == "See you tomorrow at 10:00"
    assert json.loads(structured["GCM"]) == {
        "fcmV1Message": {
            "message": {
                "notification": {"title": "Salon Aurora", "body": "See you tomorrow at 10:00"},
                "data": {"message_id": "m-1"},
            }
        }
    }
    assert sent.provider_id
    assert (sent.segments, sent.cost_micros) == (None, 0)


def test_without_a_title_the_notification_has_only_a_body(sns, endpoint):
    PushChannel(sns.client).send(message(endpoint, title=None, text="Приходите снова"))

    gcm = json.loads(json.loads(sns.publishes[0]["Message"])["GCM"])
    assert gcm["fcmV1Message"]["message"]["notification"] == {"body": "Приходите снова"}


def test_a_disabled_endpoint_is_a_dead_token(sns, endpoint):
    sns.client.set_endpoint_attributes(EndpointArn=endpoint, Attributes={"Enabled": "false"})

    with pytest.raises(Undeliverable) as failure:
        PushChannel(sns.client).send(message(endpoint))

    assert (failure.value.code, failure.value.reason) == ("EndpointDisabled", "dead push token")


def test_a_deleted_endpoint_is_undeliverable(sns, endpoint):
    sns.client.delete_endpoint(EndpointArn=endpoint)

    with pytest.raises(Undeliverable) as failure:
        PushChannel(sns.client).send(message(endpoint))

    assert failure.value.code == "NotFound"


@pytest.mark.parametrize(("status", "code"), [(400, "Throttled"), (500, "InternalError")])
def test_throttling_and_server_errors_retry_later(sns, endpoint, status, code):
    sns.fail_next(status, code)

    with pytest.raises(RetryLater):
        PushChannel(sns.client).send(message(endpoint))


def test_an_unreachable_sns_is_retried_later(sns_client_at, closed_url):
    arn = "arn:aws:sns:us-east-1:123456789012:endpoint/GCM/regulars-fcm/0"

    with pytest.raises(RetryLater):
        PushChannel(sns_client_at(closed_url)).send(message(arn))
