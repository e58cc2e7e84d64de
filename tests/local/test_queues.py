"""Queue pumps: Lambda's SQS event source mapping, against SQS in a moto server."""

import base64
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aws_lambda_powertools.utilities.parser.models import SqsModel
from regulars_local.emulator.aws import Clients, MotoServer, Stack, client, create_resources
from regulars_local.emulator.queues import (
    QueuePump,
    QueuePumps,
    failures,
    filterable,
    lambda_record,
    queue_url,
)
from regulars_local.emulator.template import TEMPLATE, QueueSource, functions
from regulars_local.emulator.topics import topic_pump

FIXTURE = Path(__file__).parent / "fixtures" / "template.yaml"
REGION = "us-east-1"
WAIT = 10.0


def eventually(predicate: Callable[[], bool], timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "not within the time limit"
        time.sleep(0.02)


# --- records and answers ---------------------------------------------------------------------------
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:jobs.fifo"


def received(**overrides) -> dict:
    """A message as boto3's ReceiveMessage returns it."""
    return {
        "MessageId": "m-1",
        "ReceiptHandle": "handle-1",
        "MD5OfBody": "md5-body",
        "Body": '{"job": 1}',
        "Attributes": {
            "SenderId": "AIDASENDER",
            "SentTimestamp": "1772357400000",
            "ApproximateReceiveCount": "2",
            "ApproximateFirstReceiveTimestamp": "1772357400100",
            "SequenceNumber": "18850000000000000001",
            "MessageGroupId": "salon-1",
            "MessageDeduplicationId": "dedup-1",
        },
        "MD5OfMessageAttributes": "md5-attributes",
        "MessageAttributes": {
            "channel": {"StringValue": "sms", "DataType": "String"},
            "attempt": {"StringValue": "3", "DataType": "Number"},
            "blob": {"BinaryValue": b"\x00\x01", "DataType": "Binary"},
        },
        **overrides,
    }


def test_lambda_record_shape():
    record = lambda_record(received(), QUEUE_ARN, REGION)
    assert list(record) == [
        "messageId",
        "receiptHandle",
        "body",
        "attributes",
        "messageAttributes",
        "md5OfMessageAttributes",
        "md5OfBody",
        "eventSource",
        "eventSourceARN",
        "awsRegion",
    ]
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == QUEUE_ARN
    assert record["awsRegion"] == REGION
    assert list(record["attributes"])[:4] == [
        "ApproximateReceiveCount",
        "SentTimestamp",
        "SenderId",
        "ApproximateFirstReceiveTimestamp",
    ]
    assert record["attributes"]["MessageGroupId"] == "salon-1"
    attributes = record["messageAttributes"]
    assert attributes["channel"] == {
        "stringValue": "sms",
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "String",
    }
    assert attributes["blob"]["binaryValue"] == base64.b64encode(b"\x00\x01").decode()
    assert "stringValue" not in attributes["blob"]
    SqsModel.model_validate({"Records": [record]})  # what Powertools' parser accepts


def test_a_message_without_attributes_has_empty_message_attributes():
    message = received()
    del message["MessageAttributes"], message["MD5OfMessageAttributes"]
    record = lambda_record(message, QUEUE_ARN, REGION)
    assert record["messageAttributes"] == {}
    assert "md5OfMessageAttributes" not in record


BATCH = [{"messageId": m} for m in ("a", "b", "c")]


@pytest.mark.parametrize(
    ("answer", "report", "failed"),
    [
        (None, True, set()),
        ({}, True, set()),
        ({"batchItemFailures": []}, True, set()),
        ({"batchItemFailures": None}, True, set()),
        ({"batchItemFailures": [{"itemIdentifier": "b"}, {"itemIdentifier": "c"}]}, True, {"b", "c"}),
        ({"batchItemFailures": [{"itemIdentifier": "b"}]}, False, set()),
        ({"batchItemFailures": [{"itemIdentifier": "unknown"}]}, True, {"a", "b", "c"}),
        ({"batchItemFailures": [{"itemIdentifier": ""}]}, True, {"a", "b", "c"}),
        ({"batchItemFailures": [{"id": "b"}]}, True, {"a", "b", "c"}),
        ({"batchItemFailures": "b"}, True, {"a", "b", "c"}),
    ],
)
def test_reading_the_functions_answer(answer, report, failed):
    assert failures(answer, BATCH, report) == failed


def test_filters_see_a_json_body_as_its_value_and_any_other_body_as_text():
    assert filterable({"body": '{"kind": "reminder"}'})["body"] == {"kind": "reminder"}
    assert filterable({"body": "plain text"})["body"] == "plain text"


def test_sqs_events_come_from_the_template():
    specs = functions(FIXTURE)
    (sms,) = specs["SmsFunction"].queues
    assert sms.queue == {"Fn::GetAtt": ["SmsQueue", "Arn"]}
    assert (sms.event, sms.batch_size, sms.batching_window) == ("Sms", 5, 1)
    assert sms.report_batch_item_failures is True
    assert sms.maximum_concurrency == 3
    email, disabled = specs["EmailFunction"].queues
    assert (email.batch_size, email.report_batch_item_failures, email.maximum_concurrency) == (
        10,
        False,
        None,
    )
    assert email.enabled is True
    assert disabled.enabled is False
    assert specs["EchoFunction"].queues == []


# --- the pump against moto -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    server = MotoServer()
    yield server.start()
    server.stop()


@pytest.fixture
def sqs(endpoint):
    return client("sqs", endpoint, REGION)


class Queue:
    def __init__(self, sqs, fifo: bool = False, **attributes: str):
        self.sqs = sqs
        name = f"q-{uuid.uuid4().hex[:12]}" + (".fifo" if fifo else "")
        if fifo:
            attributes |= {"FifoQueue": "true", "ContentBasedDeduplication": "true"}
        self.url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        self.arn = self.attribute("QueueArn")

    def attribute(self, name: str) -> str:
        return self.sqs.get_queue_attributes(QueueUrl=self.url, AttributeNames=[name])["Attributes"][name]

    def send(self, *bodies: str, **args) -> None:
        for body in bodies:
            self.sqs.send_message(QueueUrl=self.url, MessageBody=body, **args)

    def counts(self) -> tuple[int, int]:
        return (
            int(self.attribute("ApproximateNumberOfMessages")),
            int(self.attribute("ApproximateNumberOfMessagesNotVisible")),
        )

    def bodies(self) -> list[str]:
        messages = self.sqs.receive_message(
            QueueUrl=self.url, MaxNumberOfMessages=10, MessageSystemAttributeNames=["All"]
        ).get("Messages", [])
        return [m["Body"] for m in messages]


class Consumer:
    """A queue function double: records its batches; fails, raises or holds the bodies it is told to."""

    def __init__(
        self,
        fail: dict[str, int] | None = None,
        raise_on: set[str] | None = None,
        hold: set[str] | None = None,
        answer: Callable[[list[dict]], object] | None = None,
    ):
        self.fail = dict(fail or {})  # body -> times to report it failed
        self.raise_on = raise_on or set()
        self.hold = hold or set()
        self.released = threading.Event()
        self.answer = answer
        self.batches: list[list[dict]] = []
        self.times: list[float] = []
        self.running = 0
        self.peak = 0
        self._lock = threading.Lock()

    def bodies(self) -> list[list[str]]:
        with self._lock:
            return [[r["body"] for r in batch] for batch in self.batches]

    def seen(self) -> list[str]:
        return [body for batch in self.bodies() for body in batch]

    def __call__(self, event: dict):
        records = event["Records"]
        bodies = {r["body"] for r in records}
        with self._lock:
            self.batches.append(records)
            self.times.append(time.monotonic())
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            if self.hold & bodies:
                assert self.released.wait(WAIT), "never released"
            if self.raise_on & bodies:
                raise RuntimeError("poison message")
            if self.answer:
                return self.answer(records)
            failed = []
            for record in records:
                if self.fail.get(record["body"], 0) > 0:
                    self.fail[record["body"]] -= 1
                    failed.append({"itemIdentifier": record["messageId"]})
            return {"batchItemFailures": failed}
        finally:
            with self._lock:
                self.running -= 1


def source(**overrides) -> QueueSource:
    values = {"function": "Worker", "queue": None, "event": "Jobs", "report_batch_item_failures": True}
    return QueueSource(**{**values, **overrides})


@pytest.fixture
def pump(sqs) -> Iterator[Callable[..., QueuePump]]:
    started: list[QueuePump] = []

    def start(queue: Queue, consumer: Consumer, retry_visibility: int | None = 0, **overrides) -> QueuePump:
        created = QueuePump(
            source(**overrides),
            sqs,
            queue.url,
            queue.arn,
            REGION,
            consumer,
            retry_visibility=retry_visibility,
        )
        created.start()
        started.append(created)
        return created

    yield start
    QueuePumps(started).stop()


def test_a_processed_batch_is_deleted(sqs, pump):
    queue, consumer = Queue(sqs), Consumer()
    queue.send("one", "two", MessageAttributes={"channel": {"DataType": "String", "StringValue": "sms"}})
    queue.send("three")
    started = pump(queue, consumer)
    assert started.wait_idle(WAIT)
    assert consumer.bodies() == [["one", "two", "three"]]
    record = consumer.batches[0][0]
    assert record["eventSourceARN"] == queue.arn
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert {"SenderId", "SentTimestamp", "ApproximateFirstReceiveTimestamp"} <= set(record["attributes"])
    assert record["messageAttributes"]["channel"]["stringValue"] == "sms"
    assert "md5OfMessageAttributes" in record and "md5OfMessageAttributes" not in consumer.batches[0][2]
    SqsModel.model_validate({"Records": consumer.batches[0]})
    assert queue.counts() == (0, 0)
    assert (started.counts.received, started.counts.delivered, started.counts.invocations) == (3, 3, 1)


def test_a_batch_holds_up_to_batch_size_messages_even_beyond_ten(sqs, pump):
    queue, consumer = Queue(sqs), Consumer()
    for start in range(0, 25, 10):
        sqs.send_message_batch(
            QueueUrl=queue.url,
            Entries=[{"Id": str(n), "MessageBody": f"m{n}"} for n in range(start, min(start + 10, 25))],
        )
    assert pump(queue, consumer, batch_size=12).wait_idle(WAIT)
    assert sorted(len(batch) for batch in consumer.bodies()) == [1, 12, 12]
    assert sorted(consumer.seen()) == sorted(f"m{n}" for n in range(25))


def test_reported_failures_come_back_and_the_rest_of_the_batch_is_deleted(sqs, pump):
    queue, consumer = Queue(sqs), Consumer(fail={"b": 1})
    queue.send("a", "b", "c")
    started = pump(queue, consumer)
    assert started.wait_idle(WAIT)
    assert consumer.bodies() == [["a", "b", "c"], ["b"]]
    assert consumer.batches[1][0]["attributes"]["ApproximateReceiveCount"] == "2"
    assert (started.counts.delivered, started.counts.failed) == (3, 1)


def test_with_report_batch_item_failures_off_the_answer_is_not_read(sqs, pump):
    queue, consumer = Queue(sqs), Consumer(fail={"b": 1})
    queue.send("a", "b")
    assert pump(queue, consumer, report_batch_item_failures=False).wait_idle(WAIT)
    assert consumer.bodies() == [["a", "b"]]
    assert queue.counts() == (0, 0)


def test_an_identifier_that_is_not_in_the_batch_fails_the_whole_batch(sqs, pump):
    answers = iter([{"batchItemFailures": [{"itemIdentifier": "not-a-message"}]}, None])
    queue, consumer = Queue(sqs), Consumer(answer=lambda _: next(answers))
    queue.send("a", "b")
    assert pump(queue, consumer).wait_idle(WAIT)
    assert consumer.bodies() == [["a", "b"], ["a", "b"]]


def test_an_exception_keeps_the_batch_until_the_queue_moves_it_to_its_dead_letter_queue(sqs, pump):
    dead = Queue(sqs)
    queue = Queue(sqs, RedrivePolicy=json.dumps({"deadLetterTargetArn": dead.arn, "maxReceiveCount": 3}))
    consumer = Consumer(raise_on={"poison"})
    queue.send("poison")
    started = pump(queue, consumer)
    assert started.wait_idle(WAIT)
    assert consumer.bodies() == [["poison"]] * 3  # moto redrives on the receive after the third
    assert [r[0]["attributes"]["ApproximateReceiveCount"] for r in consumer.batches] == ["1", "2", "3"]
    assert dead.bodies() == ["poison"]
    assert (started.counts.errors, started.counts.failed, started.counts.delivered) == (3, 3, 0)


def test_a_failed_message_is_visible_again_after_the_retry_visibility(sqs, pump):
    queue, consumer = Queue(sqs, VisibilityTimeout="30"), Consumer(fail={"late": 1})
    queue.send("late")
    assert pump(queue, consumer, retry_visibility=1).wait_idle(WAIT)
    first, second = consumer.times
    assert 0.9 <= second - first < 5  # not the queue's 30 seconds


def test_messages_that_match_no_filter_are_deleted_without_an_invocation(sqs, pump):
    queue, consumer = Queue(sqs), Consumer()
    queue.send('{"kind": "reminder", "n": 1}', '{"kind": "other"}', "plain text", "reminder")
    started = pump(queue, consumer, filters=[{"body": {"kind": ["reminder"]}}, {"body": ["reminder"]}])
    assert started.wait_idle(WAIT)
    assert consumer.seen() == ['{"kind": "reminder", "n": 1}', "reminder"]
    assert started.counts.filtered == 2
    assert queue.counts() == (0, 0)


def test_at_most_maximum_concurrency_batches_are_in_flight(sqs, pump):
    queue, consumer = Queue(sqs), Consumer(hold={"1", "2", "3"})
    queue.send("1", "2", "3")
    started = pump(queue, consumer, batch_size=1, maximum_concurrency=2)
    eventually(lambda: len(consumer.batches) == 2)
    assert queue.counts() == (1, 2)  # the third waits in the queue for a free slot
    assert started.wait_idle(0.2) is False
    consumer.released.set()
    assert started.wait_idle(WAIT)
    assert sorted(consumer.seen()) == ["1", "2", "3"]
    assert consumer.peak == 2


def test_fifo_groups_are_processed_in_order_one_batch_at_a_time(sqs, pump):
    queue, consumer = Queue(sqs, fifo=True), Consumer(hold={"a1"})
    for n in (1, 2, 3):
        for group in ("a", "b"):
            queue.send(f"{group}{n}", MessageGroupId=group)
    started = pump(queue, consumer, batch_size=1, maximum_concurrency=2)
    eventually(lambda: consumer.seen() == ["a1", "b1", "b2", "b3"])  # group b goes on while a1 is held
    consumer.released.set()
    assert started.wait_idle(WAIT)
    assert consumer.seen() == ["a1", "b1", "b2", "b3", "a2", "a3"]
    record = consumer.batches[0][0]
    assert record["attributes"]["MessageGroupId"] == "a"
    assert "MessageDeduplicationId" in record["attributes"]  # moto adds no SequenceNumber here


def test_stopping_waits_for_the_batch_in_flight_then_ends_promptly(sqs, pump):
    queue, consumer = Queue(sqs), Consumer(hold={"slow"})
    queue.send("slow")
    started = pump(queue, consumer)
    eventually(lambda: len(consumer.batches) == 1)
    stopper = threading.Thread(target=started.stop)
    stopper.start()
    stopper.join(0.2)
    assert stopper.is_alive()  # the invocation is still running
    consumer.released.set()
    stopper.join(WAIT)
    assert not stopper.is_alive()
    assert queue.counts() == (0, 0)  # settled before the pump stopped
    assert started.wait_idle(1) is False  # a stopped pump is never idle


def test_an_idle_pump_stops_within_a_poll(sqs, pump):
    started = pump(Queue(sqs), Consumer())
    assert started.wait_idle(WAIT)
    begun = time.monotonic()
    started.stop()
    assert time.monotonic() - begun < 3


def test_pumps_drain_messages_the_functions_send_to_each_other(sqs, pump):
    first, second = Queue(sqs), Queue(sqs)
    downstream = Consumer()

    def forward(records: list[dict]) -> None:
        second.send(*(f"forwarded {r['body']}" for r in records))

    upstream = Consumer(answer=forward)
    pumps = QueuePumps([pump(second, downstream), pump(first, upstream)])
    first.send("x")
    assert pumps.wait_idle(WAIT)
    assert downstream.seen() == ["forwarded x"]
    assert pumps.counts().delivered == 2


def test_queue_url_from_an_arn(sqs):
    queue = Queue(sqs)
    assert queue_url(sqs, queue.arn) == queue.url
    with pytest.raises(ValueError, match="not a queue ARN"):
        queue_url(sqs, "arn:aws:sns:us-east-1:123456789012:topic")


# --- SNS to SQS, as the fixture stack subscribes them ------------------------------------------------
def test_the_topic_delivers_to_the_queue_whose_filter_policy_matches(endpoint, sqs, pump):
    stack = Stack(FIXTURE, REGION, f"t{uuid.uuid4().hex[:8]}")
    create_resources(stack, Clients.at(endpoint, REGION))
    specs = functions(FIXTURE)
    consumers = {"SmsFunction": Consumer(), "EmailFunction": Consumer()}
    pumps = []
    for name, consumer in consumers.items():
        event = specs[name].queues[0]
        arn = stack.resolve(event.queue)
        pumps.append(QueuePump(event, sqs, queue_url(sqs, arn), arn, REGION, consumer, retry_visibility=0))
    queues = QueuePumps(pumps)
    queues.start()
    try:
        sns = client("sns", endpoint, REGION)
        topic = stack.resolve({"Ref": "NotificationsTopic"})
        for channel in ("sms", "email", "push"):
            sns.publish(
                TopicArn=topic,
                Message=json.dumps({"channel": channel}),
                MessageAttributes={
                    "channel": {"DataType": "String", "StringValue": channel},
                    "attempt": {"DataType": "Number", "StringValue": "1"},
                },
            )
        assert queues.wait_idle(WAIT)
    finally:
        queues.stop()

    ((sms,),) = consumers["SmsFunction"].batches  # RawMessageDelivery: the message as published
    assert json.loads(sms["body"]) == {"channel": "sms"}
    assert sms["messageAttributes"]["channel"]["stringValue"] == "sms"
    assert sms["messageAttributes"]["attempt"] == {
        "stringValue": "1",
        "stringListValues": [],
        "binaryListValues": [],
        "dataType": "Number",
    }
    ((email,),) = consumers["EmailFunction"].batches  # the SNS notification around it
    notification = json.loads(email["body"])
    assert notification["Type"] == "Notification"
    assert notification["TopicArn"] == topic
    assert json.loads(notification["Message"]) == {"channel": "email"}
    assert notification["MessageAttributes"]["channel"] == {"Type": "String", "Value": "email"}
    assert email["messageAttributes"] == {}


def test_a_topic_invokes_its_function_with_one_notification_and_dead_letters_after_three_failures(
    endpoint, sqs
):
    """template.yaml's in-bound SMS: SNS pushes each notification to the function (no poller); Lambda
    tries a failing one twice more, then puts the event in the function's dead-letter queue."""
    (source,) = functions(TEMPLATE)["WebhooksFunction"].topics
    assert (source.topic, source.maximum_retry_attempts) == ({"Ref": "InboundSmsTopic"}, 2)
    assert source.dead_letter == {"Fn::GetAtt": ["DeadLetterQueue", "Arn"]}
    sns = client("sns", endpoint, REGION)
    topic = sns.create_topic(Name=f"t-{uuid.uuid4().hex[:8]}")["TopicArn"]
    dead = Queue(sqs)
    seen: list[dict] = []

    def webhooks(event: dict) -> dict:
        seen.append(event)
        if json.loads(event["Records"][0]["Sns"]["Message"])["messageBody"] == "poison":
            raise RuntimeError("the table is down")
        return {}

    started = topic_pump(
        source,
        webhooks,
        sqs=sqs,
        sns=sns,
        topic_arn=topic,
        queue_name=f"q-{uuid.uuid4().hex[:12]}",
        region=REGION,
        dead_letter_url=dead.url,
        retry_visibility=0,
    )
    started.start()
    try:
        for body in ("STOP", "poison"):
            sns.publish(TopicArn=topic, Message=json.dumps({"messageBody": body}))
        assert started.wait_idle(WAIT)
    finally:
        started.stop()
    bodies = [json.loads(e["Records"][0]["Sns"]["Message"])["messageBody"] for e in seen]
    assert sorted(bodies) == ["STOP", "poison", "poison", "poison"]
    assert all(len(e["Records"]) == 1 and e["Records"][0]["EventSource"] == "aws:sns" for e in seen)
    assert seen[0]["Records"][0]["Sns"]["TopicArn"] == topic
    (letter,) = dead.sqs.receive_message(QueueUrl=dead.url, MessageAttributeNames=["All"])["Messages"]
    assert json.loads(json.loads(letter["Body"])["Records"][0]["Sns"]["Message"]) == {"messageBody": "poison"}
    assert "the table is down" in letter["MessageAttributes"]["ErrorMessage"]["StringValue"]
