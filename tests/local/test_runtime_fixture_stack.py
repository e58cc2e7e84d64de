"""The local runtime with the test stack of tests/local/fixtures: events, environment, streams,
the OnFailure queue, schedules on the application clock, and resources made from the template."""

import json
import uuid

import pytest
from support.runtime import aws_client as client

pytestmark = pytest.mark.xdist_group("runtime")


@pytest.fixture(scope="module")
def stack(fixture_runtime) -> dict:
    return fixture_runtime.resources()


@pytest.fixture(scope="module")
def table(stack):
    ddb = client("dynamodb", stack["dynamodb"]["endpoint"])

    def items(pk: str) -> list[dict]:
        answer = ddb.query(
            TableName=stack["table"],
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues={":pk": {"S": pk}},
            ConsistentRead=True,
        )
        return answer["Items"]

    return items


def test_functions_see_the_resolved_environment(fixture_runtime, stack):
    body = fixture_runtime.get("/v1/things/t1").json()
    environment = body["environment"]
    assert environment["TABLE_NAME"] == stack["table"]
    assert environment["GREETING"] == "hello-test"
    assert environment["EVENTS_QUEUE_URL"] == stack["resources"]["EventsQueue"]["QueueUrl"]
    assert environment["EVENTS_QUEUE_URL"].startswith(stack["aws_endpoint"])
    assert environment["EVENTS_TOPIC_ARN"] == stack["resources"]["EventsTopic"]["TopicArn"]
    assert environment["DEAD_LETTER_QUEUE_ARN"].startswith("arn:aws:sqs:us-east-1:")
    assert environment["USER_POOL_CLIENT_ID"] == "regulars-local-client"
    assert environment["PUBLIC_BASE_URL"] == fixture_runtime.base_url
    assert environment["MANAGE_LINK_SECRET_PARAMETER"] is None
    context = body["context"]
    assert context["function_name"] == "regulars-local-EchoFunction"
    assert context["memory_limit_in_mb"] == 256
    assert 0 < context["remaining_ms"] <= 5000


def test_requests_become_rest_proxy_events(fixture_runtime):
    response = fixture_runtime.get("/v1/things/a%20b?tag=x&tag=y", headers={"X-Custom": "1"})
    assert response.status_code == 200
    event = response.json()["event"]
    assert event["resource"] == "/v1/things/{thing_id}"
    assert event["path"] == "/v1/things/a b"
    assert event["pathParameters"] == {"thing_id": "a b"}
    assert event["queryStringParameters"] == {"tag": "y"}
    assert event["multiValueQueryStringParameters"] == {"tag": ["x", "y"]}
    assert event["headers"]["X-Custom"] == "1"
    assert event["requestContext"]["stage"] == "test"
    assert event["requestContext"]["path"] == "/test/v1/things/a b"
    assert event["requestContext"]["identity"]["sourceIp"] == "127.0.0.1"
    assert event["body"] is None and event["isBase64Encoded"] is False
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.raw.headers.getlist("Set-Cookie") == ["a=1", "b=2"]
    literal = fixture_runtime.get("/v1/things/special").json()["event"]
    assert literal["resource"] == "/v1/things/special"
    assert literal["pathParameters"] is None


def test_authorized_routes_get_the_claims(fixture_runtime):
    assert fixture_runtime.get("/v1/secure/a/b").status_code == 401
    token = fixture_runtime.token("salon-claims", "staff@salon-claims.test", role="staff")
    event = fixture_runtime.get("/v1/secure/a/b", token=token).json()["event"]
    claims = event["requestContext"]["authorizer"]["claims"]
    assert claims["custom:salon_id"] == "salon-claims"
    assert claims["custom:role"] == "staff"
    assert claims["email"] == "staff@salon-claims.test"
    assert claims["iss"] == f"{fixture_runtime.base_url}/local/oidc"
    assert all(isinstance(v, str) for v in claims.values())
    assert event["pathParameters"] == {"proxy": "a/b"}


def test_a_failing_or_malformed_function_is_a_502(fixture_runtime):
    for body in ({"explode": True}, {"malformed": True}):
        response = fixture_runtime.post("/v1/things", json=body)
        assert response.status_code == 502
        assert response.json()["error"]["code"] == "internal_error"


def test_stream_records_reach_the_function_filtered_and_in_batches(fixture_runtime, table):
    run = uuid.uuid4().hex[:8]
    for n in range(3):
        assert fixture_runtime.post("/v1/things", json={"id": f"{run}-{n}"}).status_code == 201
    counts = fixture_runtime.drain()
    seen = {
        item["SK"]["S"]: json.loads(item["record"]["S"])
        for item in table("SEEN")
        if item["SK"]["S"].startswith(f"SEEN#APPT#{run}")
    }
    assert sorted(seen) == [f"SEEN#APPT#{run}-{n}#INSERT" for n in range(3)]
    record = seen[f"SEEN#APPT#{run}-0#INSERT"]
    assert record["eventSource"] == "aws:dynamodb"
    assert record["dynamodb"]["Keys"]["SK"] == {"S": f"APPT#{run}-0"}
    assert record["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int | float)
    assert counts["filtered"] >= 3  # the recorder's own SEEN# items do not pass the filter
    assert all(int(item["batch_size"]["N"]) <= 2 for item in table("SEEN"))


def test_records_that_keep_failing_go_to_the_on_failure_queue(fixture_runtime, stack):
    thing = f"poison-{uuid.uuid4().hex[:8]}"
    before = fixture_runtime.drain()["failed"]
    assert fixture_runtime.post("/v1/things", json={"id": thing, "fail": True}).status_code == 201
    assert fixture_runtime.drain()["failed"] == before + 1
    sqs = client("sqs", stack["aws_endpoint"])
    queue = stack["resources"]["DeadLetterQueue"]["QueueUrl"]
    messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1)["Messages"]
    bodies = [json.loads(m["Body"]) for m in messages]
    info = bodies[-1]["DDBStreamBatchInfo"]
    assert info["batchSize"] == 1
    assert info["startSequenceNumber"] == info["endSequenceNumber"]
    assert bodies[-1]["requestContext"]["condition"] == "RetryAttemptsExhausted"
    assert bodies[-1]["requestContext"]["approximateInvokeCount"] == 2  # MaximumRetryAttempts: 1


def test_schedules_fire_when_the_clock_moves(fixture_runtime, table):
    moved = fixture_runtime.advance(6)
    fired = [f for f in moved["fired"] if f["function"] == "TickerFunction"]
    assert fired and fired[0]["ok"]
    ticks = {item["SK"]["S"]: json.loads(item["event"]["S"]) for item in table("TICKS")}
    event = ticks[fired[0]["time"][:19] + "Z"]
    assert event["detail-type"] == "Scheduled Event"
    assert event["resources"] == [
        "arn:aws:events:us-east-1:123456789012:rule/regulars-local-TickerFunctionTick"
    ]
    assert fixture_runtime.advance(1)["fired"] == []  # rate(5 minutes): not due again yet


def test_resources_come_from_the_template(stack):
    resources = stack["resources"]
    assert {"EventsQueue", "DeadLetterQueue", "EventsTopic", "BookedSubscription"} <= set(resources)
    assert "ProdOnlyQueue" not in resources  # its condition is false
    sns = client("sns", stack["aws_endpoint"])
    sqs = client("sqs", stack["aws_endpoint"])
    topic, queue = resources["EventsTopic"]["TopicArn"], resources["EventsQueue"]["QueueUrl"]
    marker = uuid.uuid4().hex
    for kind in ("other", "booked"):
        sns.publish(
            TopicArn=topic,
            Message=f"{kind}-{marker}",
            MessageAttributes={"kind": {"DataType": "String", "StringValue": kind}},
        )
    bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]]
    assert f"booked-{marker}" in bodies and f"other-{marker}" not in bodies
