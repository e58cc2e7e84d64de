import json
from pathlib import Path

import boto3
import pytest
from moto import mock_aws
from regulars_local.emulator.aws import Clients, Stack, Unresolvable, create_resources

FIXTURE = Path(__file__).parent / "fixtures" / "template.yaml"


@pytest.fixture
def stack() -> Stack:
    stack = Stack(FIXTURE, "us-east-1", "regulars-local")
    stack.add("Table", "regulars-local", Arn="arn:table", StreamArn="arn:table/stream/1")
    return stack


def test_refs_parameters_and_pseudo_parameters(stack):
    assert stack.resolve({"Ref": "Table"}) == "regulars-local"
    assert stack.resolve({"Ref": "Stage"}) == "test"
    assert stack.resolve({"Ref": "AWS::Region"}) == "us-east-1"
    assert stack.resolve({"Fn::GetAtt": ["Table", "StreamArn"]}) == "arn:table/stream/1"
    assert stack.resolve({"Fn::GetAtt": "Table.Arn"}) == "arn:table"


def test_sub_join_select_split_and_if(stack):
    assert stack.resolve({"Fn::Sub": "/${Greeting}/${Stage}/${Table.Arn}/${!Literal}"}) == (
        "/hello/test/arn:table/${Literal}"
    )
    assert stack.resolve({"Fn::Sub": ["${A}-${Stage}", {"A": {"Ref": "Table"}}]}) == "regulars-local-test"
    assert stack.resolve({"Fn::Join": [":", ["a", {"Ref": "Stage"}]]}) == "a:test"
    assert stack.resolve({"Fn::Select": [1, {"Fn::Split": [",", "x,y,z"]}]}) == "y"
    assert stack.resolve({"Fn::If": ["IsProd", "prod-value", "other-value"]}) == "other-value"
    assert stack.resolve({"Key": {"Fn::If": ["IsProd", "x", {"Ref": "AWS::NoValue"}]}, "Kept": 1}) == {
        "Kept": 1
    }


def test_parameter_overrides():
    stack = Stack(FIXTURE, parameters={"Stage": "prod"})
    assert stack.resolve({"Ref": "Stage"}) == "prod"
    assert stack.condition("IsProd") is True


def test_a_condition_made_of_another():
    assert Stack(FIXTURE, "eu-central-1", parameters={"Stage": "prod"}).condition("IsProdEU") is True
    assert Stack(FIXTURE, "us-east-1", parameters={"Stage": "prod"}).condition("IsProdEU") is False
    assert Stack(FIXTURE, "eu-central-1").condition("IsProdEU") is False


def test_unresolvable_references(stack):
    with pytest.raises(Unresolvable, match="!Ref Nothing"):
        stack.resolve({"Ref": "Nothing"})
    with pytest.raises(Unresolvable, match=r"!GetAtt Table\.Nope"):
        stack.resolve({"Fn::GetAtt": ["Table", "Nope"]})


def test_environment_resolves_to_strings_and_reports_the_rest(stack):
    resolved, missing = stack.environment(
        {"A": {"Ref": "Table"}, "N": 3, "B": True, "C": {"Ref": "Queue"}, "D": {"Fn::Sub": "/${Greeting}"}}
    )
    assert resolved == {"A": "regulars-local", "N": "3", "B": "true", "D": "/hello"}
    assert missing == {"C": "!Ref Queue"}


@mock_aws
def test_create_resources_follows_references_and_conditions(stack):
    skipped = create_resources(stack, Clients.at(None, "us-east-1"))
    assert skipped == {"ProdOnlyQueue": "condition IsProd is false"}
    sqs = boto3.client("sqs", region_name="us-east-1")
    events_url = stack.resolve({"Ref": "EventsQueue"})
    attributes = sqs.get_queue_attributes(QueueUrl=events_url, AttributeNames=["All"])["Attributes"]
    redrive = json.loads(attributes["RedrivePolicy"])
    assert redrive["deadLetterTargetArn"] == stack.resolve({"Fn::GetAtt": ["DeadLetterQueue", "Arn"]})
    assert attributes["VisibilityTimeout"] == "30"
    assert stack.resolve({"Fn::GetAtt": ["DeadLetterQueue", "QueueName"]}) == "regulars-local-DeadLetterQueue"

    sns = boto3.client("sns", region_name="us-east-1")
    topic = stack.resolve({"Ref": "EventsTopic"})
    (subscription,) = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert subscription["Endpoint"] == stack.resolve({"Fn::GetAtt": ["EventsQueue", "Arn"]})
    sub_attributes = sns.get_subscription_attributes(SubscriptionArn=subscription["SubscriptionArn"])[
        "Attributes"
    ]
    assert json.loads(sub_attributes["FilterPolicy"]) == {"kind": ["booked"]}
    assert sub_attributes["RawMessageDelivery"] == "true"

    sns.publish(
        TopicArn=topic,
        Message="kept",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "booked"}},
    )
    sns.publish(
        TopicArn=topic,
        Message="dropped",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "other"}},
    )
    bodies = [m["Body"] for m in sqs.receive_message(QueueUrl=events_url, MaxNumberOfMessages=10)["Messages"]]
    assert bodies == ["kept"]
