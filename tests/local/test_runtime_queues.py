"""The local runtime's queue pumps with the test stack of tests/local/fixtures: SNS fans a
notification out to the queue whose subscription filter matches, and each queue's function gets it as
Lambda's SQS event source mapping delivers it (partial batch responses, retries, redrive)."""

import json
import uuid

import pytest
from support.runtime import aws_client as client

pytestmark = pytest.mark.xdist_group("runtime")


@pytest.fixture(scope="module")
def stack(fixture_runtime) -> dict:
    return fixture_runtime.resources()


@pytest.fixture(scope="module")
def sqs(stack):
    return client("sqs", stack["aws_endpoint"])


@pytest.fixture(scope="module")
def publish(stack):
    sns = client("sns", stack["aws_endpoint"])
    topic = stack["resources"]["NotificationsTopic"]["TopicArn"]

    def send(channel: str, **message) -> None:
        sns.publish(
            TopicArn=topic,
            Message=json.dumps(message),
            MessageAttributes={"channel": {"DataType": "String", "StringValue": channel}},
        )

    return send


@pytest.fixture(scope="module")
def consumed(stack):
    """The messages the consumer functions processed: {(function, id, receive count): record}."""
    ddb = client("dynamodb", stack["dynamodb"]["endpoint"])

    def items(run: str) -> dict[tuple[str, str, int], dict]:
        answer = ddb.query(
            TableName=stack["table"],
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": "CONSUMED"}},
            ConsistentRead=True,
        )
        found = {}
        for item in answer["Items"]:
            function, thing, receives = item["SK"]["S"].rsplit("#", 2)
            if thing.startswith(run):
                found[(function.removeprefix("regulars-local-"), thing, int(receives))] = {
                    "record": json.loads(item["record"]["S"]),
                    "batch_size": int(item["batch_size"]["N"]),
                }
        return found

    return items


def drain(runtime) -> dict:
    """Wait until the streams and queues are idle; the queue pumps' counts."""
    response = runtime.post("/local/streams/drain", json={"timeout": 30}, timeout=40)
    assert response.status_code == 200, response.text
    assert response.json()["idle"] is True
    return response.json()["queues"]


def test_a_notification_reaches_the_function_whose_queue_subscribes_to_its_channel(
    fixture_runtime, stack, publish, consumed
):
    run = uuid.uuid4().hex[:8]
    for channel in ("sms", "email", "push"):
        publish(channel, id=f"{run}-{channel}")
    drain(fixture_runtime)
    found = consumed(run)
    assert sorted(found) == [("EmailFunction", f"{run}-email", 1), ("SmsFunction", f"{run}-sms", 1)]

    sms = found[("SmsFunction", f"{run}-sms", 1)]["record"]  # raw delivery: the message as published
    assert sms["eventSource"] == "aws:sqs"
    assert sms["eventSourceARN"] == stack["resources"]["SmsQueue"]["Arn"]
    assert sms["awsRegion"] == "us-east-1"
    assert json.loads(sms["body"]) == {"id": f"{run}-sms"}
    assert sms["messageAttributes"]["channel"] == {
        "stringValue": "sms",
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "String",
    }
    assert sms["attributes"]["ApproximateReceiveCount"] == "1"

    email = found[("EmailFunction", f"{run}-email", 1)]["record"]  # the SNS notification around it
    notification = json.loads(email["body"])
    assert notification["Type"] == "Notification"
    assert notification["TopicArn"] == stack["resources"]["NotificationsTopic"]["TopicArn"]
    assert json.loads(notification["Message"]) == {"id": f"{run}-email"}
    assert notification["MessageAttributes"]["channel"] == {"Type": "String", "Value": "email"}
    assert email["eventSourceARN"] == stack["resources"]["EmailQueue"]["Arn"]


def test_a_reported_failure_is_retried_and_the_rest_of_its_batch_is_not(
    fixture_runtime, stack, sqs, consumed
):
    run = uuid.uuid4().hex[:8]
    queue = stack["resources"]["SmsQueue"]["QueueUrl"]
    before = drain(fixture_runtime)
    sqs.send_message_batch(
        QueueUrl=queue,
        Entries=[
            {"Id": "0", "MessageBody": json.dumps({"id": f"{run}-0"})},
            {"Id": "1", "MessageBody": json.dumps({"id": f"{run}-1", "fail_receives": 1})},
            {"Id": "2", "MessageBody": json.dumps({"id": f"{run}-2"})},
        ],
    )
    after = drain(fixture_runtime)
    assert after["delivered"] - before["delivered"] == 3
    assert after["failed"] - before["failed"] == 1
    assert after["errors"] == before["errors"]
    found = consumed(run)
    assert sorted(found) == [
        ("SmsFunction", f"{run}-0", 1),
        ("SmsFunction", f"{run}-1", 2),  # processed on its second receive, after failing the first
        ("SmsFunction", f"{run}-2", 1),
    ]
    assert all(entry["batch_size"] <= 5 for entry in found.values())  # BatchSize: 5


def test_a_message_that_keeps_failing_is_moved_to_the_dead_letter_queue(
    fixture_runtime, stack, sqs, publish, consumed
):
    run = uuid.uuid4().hex[:8]
    before = drain(fixture_runtime)
    publish("sms", id=f"{run}-poison", **{"raise": True})
    after = drain(fixture_runtime)
    assert after["errors"] - before["errors"] == 2  # maxReceiveCount: 2
    assert consumed(run) == {}
    dead = stack["resources"]["NotificationsDeadLetterQueue"]["QueueUrl"]
    messages = sqs.receive_message(
        QueueUrl=dead, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"], WaitTimeSeconds=1
    ).get("Messages", [])
    bodies = [json.loads(m["Body"]) for m in messages]
    assert {"id": f"{run}-poison", "raise": True} in bodies
    for message in messages:
        sqs.delete_message(QueueUrl=dead, ReceiptHandle=message["ReceiptHandle"])


def test_a_disabled_event_leaves_its_queue_alone(fixture_runtime, stack, sqs):
    queue = stack["resources"]["EventsQueue"]["QueueUrl"]
    marker = f"untouched-{uuid.uuid4().hex}"
    sqs.send_message(QueueUrl=queue, MessageBody=marker)
    drain(fixture_runtime)
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"]
    assert marker in [m["Body"] for m in messages]
    for message in messages:
        if message["Body"] == marker:
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
        else:
            sqs.change_message_visibility(
                QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
            )
