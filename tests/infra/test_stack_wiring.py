"""What template.yaml grants and watches, read as AWS will: each function's policy (expanded by
aws-sam-translator and evaluated), the topics AWS services publish to, the alarms, the API's access
log, Cognito, the optional WAF rule and CORS. The calls the functions really make are checked in
tests/integration/test_iam_policies.py and, for the whole run, by tests/support/iam_check.py."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws
from regulars_local.emulator.aws import Clients, Stack, create_resources
from regulars_local.emulator.template import TEMPLATE, load
from regulars_local.iam import calls as aws_calls
from regulars_local.iam import policies as iam

pytestmark = [pytest.mark.infra, pytest.mark.xdist_group("infra")]

ROOT = Path(__file__).resolve().parents[2]
REGION, ACCOUNT = "us-east-1", iam.ACCOUNT_ID
PUSH_APP = f"arn:aws:sns:{REGION}:{ACCOUNT}:app/GCM/salon-app"
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/regulars-local"
RESOURCES = load(TEMPLATE)["Resources"]
FUNCTIONS = sorted(k for k, v in RESOURCES.items() if v["Type"] == "AWS::Serverless::Function")


def _stack() -> Stack:
    stack = aws_calls.placeholder_stack(TEMPLATE, REGION, "regulars-local")
    stack.parameters["PushPlatformApplicationArn"] = PUSH_APP  # a deployment with push
    return stack


POLICIES = {name: iam.function_policy(name, _stack()) for name in FUNCTIONS}


def allowed(action: str, resource: str, context: tuple[tuple[str, str], ...] = ()) -> set[str]:
    """The functions whose policy allows ``action`` on ``resource``."""
    request = iam.Request(action, resource, context)
    return {name for name, statements in POLICIES.items() if iam.decide(statements, request).allowed}


def topic(name: str) -> str:
    return f"arn:aws:sns:{REGION}:{ACCOUNT}:{name}"


def parameter(name: str) -> str:
    return f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/regulars/{name}"


def of_type(kind: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in RESOURCES.items() if v["Type"] == kind}


def ref_name(value: Any) -> str | None:
    """The logical id a !Ref or !GetAtt names."""
    if isinstance(value, dict) and "Ref" in value:
        return value["Ref"]
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        return value["Fn::GetAtt"][0]
    return None


# ------------------------------------------------------------------------------------ IAM
def test_only_the_sender_publishes_to_phones_and_no_function_to_a_foreign_topic():
    assert allowed("sns:Publish", "*") == {"SenderFunction"}  # SMS: a publish with no resource
    assert allowed("sns:Publish", topic("regulars-local-MessagesTopic")) == {"StreamProcessorFunction"}
    assert allowed("sns:Publish", topic("regulars-local-InboundSmsTopic")) == set()
    assert allowed("sns:Publish", topic("someone-elses-topic")) == set()
    assert allowed("sns:Publish", f"arn:aws:sns:{REGION}:{ACCOUNT}:endpoint/GCM/salon-app/0f1e") == {
        "SenderFunction"
    }
    assert allowed("sns:Publish", f"arn:aws:sns:{REGION}:{ACCOUNT}:endpoint/GCM/another-app/0f1e") == set()
    assert allowed("sns:CreatePlatformEndpoint", PUSH_APP) == {"PublicApiFunction"}


def test_no_function_scans_or_manages_the_table():
    for action in ("Scan", "DescribeTable", "UpdateTable", "DeleteTable", "BatchWriteItem", "PartiQLSelect"):
        assert allowed(f"dynamodb:{action}", TABLE) == set(), action
        assert allowed(f"dynamodb:{action}", f"{TABLE}/index/GSI1") == set(), action
    assert allowed("dynamodb:Query", f"{TABLE}/index/GSI1") == set(FUNCTIONS)
    assert allowed("dynamodb:GetItem", f"{TABLE}/index/GSI1") == set()
    # a visit cancelled or moved releases its slot locks; an erasure (the admin's, or the nightly forgetting's
    # in the job worker) deletes the ways back to a client
    assert allowed("dynamodb:DeleteItem", TABLE) == {
        "PublicApiFunction",
        "AdminApiFunction",
        "WebhooksFunction",
        "JobWorkerFunction",
    }


def test_each_function_reads_only_its_own_secrets():
    readers = {
        name: allowed("ssm:GetParameter", parameter(name))
        for name in (
            "manage-link-secret",
            "telegram-bot-token",
            "telegram-webhook-secret",
            "whatsapp-token",
            "whatsapp-app-secret",
            "whatsapp-verify-token",
        )
    }
    assert readers["manage-link-secret"] == set(FUNCTIONS) - {"TickerFunction"}
    assert readers["telegram-bot-token"] == {"SenderFunction"}
    assert readers["whatsapp-token"] == {"SenderFunction"}
    assert (
        readers["telegram-webhook-secret"]
        == readers["whatsapp-app-secret"]
        == readers["whatsapp-verify-token"]
        == {"WebhooksFunction"}
    )
    assert allowed("ssm:GetParameter", parameter("anything-else")) == set()
    assert allowed("ssm:DescribeParameters", "*") == set()
    via_ssm = (("kms:ViaService", f"ssm.{REGION}.amazonaws.com"),)
    key = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234"
    assert allowed("kms:Decrypt", key, via_ssm) == set(FUNCTIONS) - {"TickerFunction"}
    assert allowed("kms:Decrypt", key) == set()  # only through SSM


# ------------------------------------------------------------------------------------ the evaluator
@pytest.mark.parametrize(
    ("statement", "request_", "expected"),
    [
        (
            {"Effect": "Allow", "Action": "sqs:Send*", "Resource": "arn:aws:sqs:*:*:jobs"},
            iam.Request("sqs:SendMessage", "arn:aws:sqs:r:1:jobs"),
            True,
        ),
        (
            {"Effect": "Allow", "Action": "SQS:sendmessage", "Resource": "arn:aws:sqs:*:*:jobs"},
            iam.Request("sqs:SendMessage", "arn:aws:sqs:r:1:jobs"),
            True,
        ),  # actions ignore case
        (
            {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:*:*:Jobs"},
            iam.Request("sqs:SendMessage", "arn:aws:sqs:r:1:jobs"),
            False,
        ),  # resources do not
        (
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/?.txt"},
            iam.Request("s3:GetObject", "arn:aws:s3:::b/ab.txt"),
            False,
        ),
        (
            {"Effect": "Allow", "NotAction": "sqs:Delete*", "NotResource": "arn:aws:sqs:*:*:dlq"},
            iam.Request("sqs:SendMessage", "arn:aws:sqs:r:1:jobs"),
            True,
        ),
        (
            {
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {"StringEquals": {"kms:ViaService": "ssm.r.amazonaws.com"}},
            },
            iam.Request("kms:Decrypt", "k"),
            False,
        ),  # a condition key the request lacks
        (
            {
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {"StringEqualsIfExists": {"kms:ViaService": "ssm.r.amazonaws.com"}},
            },
            iam.Request("kms:Decrypt", "k"),
            True,
        ),
        (
            {
                "Effect": "Allow",
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {"StringLike": {"kms:ViaService": ["sqs.*", "ssm.*"]}},
            },
            iam.Request("kms:Decrypt", "k", (("kms:ViaService", "ssm.r.amazonaws.com"),)),
            True,
        ),
    ],
)
def test_the_evaluator_reads_statements_as_iam_does(statement, request_, expected):
    assert iam.decide([statement], request_).allowed is expected


def test_an_explicit_deny_wins_and_an_unknown_operator_is_an_error():
    allow = {"Effect": "Allow", "Action": "sns:Publish", "Resource": "*"}
    deny = {
        "Effect": "Deny",
        "Action": "sns:*",
        "Resource": "arn:aws:sns:*",
        "Condition": {"StringNotEquals": {"aws:PrincipalServiceName": "sms-voice.amazonaws.com"}},
    }
    assert not iam.decide([allow, deny], iam.Request("sns:Publish", topic("t"))).allowed
    service = (("aws:PrincipalServiceName", "sms-voice.amazonaws.com"),)
    assert iam.decide([allow, deny], iam.Request("sns:Publish", topic("t"), service)).allowed
    with pytest.raises(iam.PolicyError, match="NumericLessThan"):
        iam.decide([{**allow, "Condition": {"NumericLessThan": {"a": "1"}}}], iam.Request("sns:Publish", "*"))


def test_calls_become_the_requests_iam_authorises():
    transact = iam.requests_for(
        "dynamodb",
        "TransactWriteItems",
        {
            "TransactItems": [
                {"Put": {"TableName": "t"}},
                {"ConditionCheck": {"TableName": "t"}},
                {"Delete": {"TableName": "u"}},
            ]
        },
        REGION,
    )
    table = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/"
    assert [(r.action, r.resource) for r in transact] == [
        ("dynamodb:PutItem", table + "t"),
        ("dynamodb:ConditionCheckItem", table + "t"),
        ("dynamodb:DeleteItem", table + "u"),
    ]
    (query,) = iam.requests_for("dynamodb", "Query", {"TableName": "t", "IndexName": "GSI2"}, REGION)
    assert query.resource == table + "t/index/GSI2"
    (send,) = iam.requests_for(
        "sqs", "SendMessageBatch", {"QueueUrl": "http://127.0.0.1:5000/123456789012/jobs"}, REGION
    )
    assert (send.action, send.resource) == ("sqs:SendMessage", f"arn:aws:sqs:{REGION}:123456789012:jobs")
    read, decrypt = iam.requests_for(
        "ssm", "GetParameter", {"Name": "/regulars/x", "WithDecryption": True}, REGION
    )
    assert read.resource == parameter("x") and decrypt.action == "kms:Decrypt"
    (sms,) = iam.requests_for("sns", "Publish", {"PhoneNumber": "+4915100000000", "Message": "hi"}, REGION)
    assert sms.resource == "*"
    (user,) = iam.requests_for(
        "cognito-idp", "AdminGetUser", {"UserPoolId": "eu_pool", "Username": "a"}, REGION
    )
    assert user.resource == f"arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/eu_pool"


# ------------------------------------------------------------------------------------ topics and keys
def test_no_key_of_our_own_unless_the_operator_names_one():
    """A customer-managed key costs 1 USD a month: the topics AWS services publish to (alarms, in-bound
    SMS) use the operator's key when given one, else none (the AWS-managed SNS key lets no service
    publish)."""
    assert of_type("AWS::KMS::Key") == {}
    for topic_id in ("AlarmTopic", "InboundSmsTopic"):
        key = RESOURCES[topic_id]["Properties"]["KmsMasterKeyId"]
        assert key == {"Fn::If": ["HasTopicsKey", {"Ref": "TopicsKmsKeyArn"}, {"Ref": "AWS::NoValue"}]}
    assert _stack().condition("HasTopicsKey") is False


def _topic_policy_allows(
    topic_id: str, principal: dict[str, str], context: tuple[tuple[str, str], ...]
) -> bool:
    (policy,) = [
        p for p in of_type("AWS::SNS::TopicPolicy").values() if {"Ref": topic_id} in p["Properties"]["Topics"]
    ]
    statements = [
        {k: v for k, v in s.items() if k != "Principal"}
        for s in _stack().resolve(policy["Properties"]["PolicyDocument"]["Statement"])
        if s["Principal"] in ("*", principal)
    ]
    arn = topic(f"regulars-local-{topic_id}")
    return iam.decide(statements, iam.Request("sns:Publish", arn, context)).allowed


def test_only_end_user_messaging_of_this_account_posts_inbound_sms():
    sms_voice = {"Service": "sms-voice.amazonaws.com"}
    assert _topic_policy_allows(
        "InboundSmsTopic",
        sms_voice,
        (("aws:SourceAccount", ACCOUNT), ("aws:PrincipalServiceName", "sms-voice.amazonaws.com")),
    )
    assert not _topic_policy_allows(
        "InboundSmsTopic",
        sms_voice,
        (("aws:SourceAccount", "999999999999"), ("aws:PrincipalServiceName", "sms-voice.amazonaws.com")),
    )
    # a user or role of the account (its own IAM policy may allow sns:Publish on *): the Deny stops it
    admin = [{"Effect": "Allow", "Action": "sns:*", "Resource": "*"}]
    (policy,) = of_type("AWS::SNS::TopicPolicy").values()
    deny = [
        {k: v for k, v in s.items() if k != "Principal"}
        for s in _stack().resolve(policy["Properties"]["PolicyDocument"]["Statement"])
        if s["Effect"] == "Deny"
    ]
    request = iam.Request(
        "sns:Publish", topic("regulars-local-InboundSmsTopic"), (("aws:SourceAccount", ACCOUNT),)
    )
    assert not iam.decide(admin + deny, request).allowed


# ------------------------------------------------------------------------------------ alarms
def _alarms() -> list[dict[str, Any]]:
    return [a["Properties"] for a in of_type("AWS::CloudWatch::Alarm").values()]


def _alarm_metrics(alarm: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(namespace, metric, dimensions) of a plain or metric-math alarm."""
    if "MetricName" in alarm:
        return [
            (
                alarm["Namespace"],
                alarm["MetricName"],
                {d["Name"]: d["Value"] for d in alarm.get("Dimensions", [])},
            )
        ]
    return [
        (
            m["MetricStat"]["Metric"]["Namespace"],
            m["MetricStat"]["Metric"]["MetricName"],
            {d["Name"]: d["Value"] for d in m["MetricStat"]["Metric"]["Dimensions"]},
        )
        for m in alarm["Metrics"]
        if "MetricStat" in m
    ]


def test_every_alarm_notifies_the_alarm_topic():
    assert all(a["AlarmActions"] == [{"Ref": "AlarmTopic"}] for a in _alarms())


def _dead_letter_targets() -> set[str | None]:
    """Every queue something that gives up is put in: redrive policies, stream failure destinations,
    functions' dead-letter queues, SNS subscriptions' redrive policies."""
    dead = {
        ref_name(q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"])
        for q in of_type("AWS::SQS::Queue").values()
        if "RedrivePolicy" in q["Properties"]
    }
    for fn in of_type("AWS::Serverless::Function").values():
        if "DeadLetterQueue" in fn["Properties"]:
            dead.add(ref_name(fn["Properties"]["DeadLetterQueue"]["TargetArn"]))
        for event in (fn["Properties"].get("Events") or {}).values():
            failure = (event["Properties"].get("DestinationConfig") or {}).get("OnFailure") or {}
            if failure.get("Type") == "SQS":
                dead.add(ref_name(failure["Destination"]))
            if event["Type"] == "SNS":
                dead.add(ref_name(event["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]))
    return dead


def test_every_failure_source_gives_up_into_the_one_watched_dead_letter_queue():
    assert _dead_letter_targets() == {"DeadLetterQueue"}
    watched = {
        ref_name(dims.get("QueueName"))
        for a in _alarms()
        for ns, metric, dims in _alarm_metrics(a)
        if ns == "AWS/SQS" and metric == "ApproximateNumberOfMessagesVisible"
    }
    assert watched == {"DeadLetterQueue"}
    # what the sender gives up on goes there too, and SNS may put an in-bound SMS there
    sender = RESOURCES["SenderFunction"]["Properties"]
    assert sender["Environment"]["Variables"]["SEND_DEAD_LETTER_QUEUE_URL"] == {"Ref": "DeadLetterQueue"}
    (policy,) = [
        p["Properties"]
        for p in of_type("AWS::SQS::QueuePolicy").values()
        if {"Ref": "DeadLetterQueue"} in p["Properties"]["Queues"]
    ]
    (statement,) = policy["PolicyDocument"]["Statement"]
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": {"Ref": "InboundSmsTopic"}}}


def test_every_function_s_errors_count_in_the_one_errors_alarm():
    filters = [f["Properties"] for f in of_type("AWS::Logs::MetricFilter").values()]
    groups = {ref_name(f["LogGroupName"]) for f in filters}
    for function in FUNCTIONS:
        (group,) = [
            name
            for name, g in of_type("AWS::Logs::LogGroup").items()
            if g["Properties"].get("LogGroupName") == {"Fn::Sub": f"/aws/lambda/${{{function}}}"}
        ]
        assert group in groups, f"{function}'s errors are not counted"
    for f in filters:
        for term in ("ERROR", '"Task timed out"', '"Status: timeout"', '"Status: error"'):
            assert f"?{term}" in f["FilterPattern"]
        (transform,) = f["MetricTransformations"]
        assert (transform["MetricNamespace"], transform["MetricName"]) == ("Regulars", "FunctionErrors")
        assert "DefaultValue" not in transform  # no data in an hour without errors: not billed
    alarm = _the_alarm("FunctionErrors", ("service", None))
    assert alarm["Threshold"] == 0 and alarm["ComparisonOperator"] == "GreaterThanThreshold"


def test_three_alarms_of_one_metric_each_and_one_custom_metric():
    billed = sorted(metric for a in _alarms() for _, metric, _ in _alarm_metrics(a))
    assert billed == sorted(["ApproximateNumberOfMessagesVisible", "FunctionErrors", "Invocations"])
    custom = {metric for a in _alarms() for ns, metric, _ in _alarm_metrics(a) if ns == "Regulars"}
    emitted = set()
    for path in [*(ROOT / "functions").rglob("*.py"), *(ROOT / "layers" / "regulars").rglob("*.py")]:
        emitted |= set(re.findall(r"add_metric\(\s*name=\"(\w+)\"", path.read_text()))
    assert emitted == set() and custom == {"FunctionErrors"}  # no metric published by the code


def _the_alarm(metric: str, dimension: tuple[str, str | None]) -> dict[str, Any]:
    (alarm,) = [
        a
        for a in _alarms()
        for _, name, dims in _alarm_metrics(a)
        if name == metric and dims.get(dimension[0]) in (dimension[1], {"Ref": dimension[1]})
    ]
    return alarm


def test_a_stopped_ticker_alarms_and_a_spent_sms_budget_is_told_by_the_sender():
    stopped = _the_alarm("Invocations", ("FunctionName", "TickerFunction"))
    assert (stopped["ComparisonOperator"], stopped["Threshold"], stopped["TreatMissingData"]) == (
        "LessThanThreshold",
        1,
        "breaching",
    )
    assert stopped["Period"] * stopped["EvaluationPeriods"] <= 600
    sender = of_type("AWS::Serverless::Function")["SenderFunction"]["Properties"]
    assert sender["Environment"]["Variables"]["ALARM_TOPIC_ARN"] == {"Ref": "AlarmTopic"}
    assert {"SNSPublishMessagePolicy": {"TopicName": {"Fn::GetAtt": ["AlarmTopic", "TopicName"]}}} in sender[
        "Policies"
    ]


# ------------------------------------------------------------------------------------ event sources
def test_two_queue_pollers_and_in_bound_sms_pushed():
    queues = {
        (name, event_name): event["Properties"]
        for name, fn in of_type("AWS::Serverless::Function").items()
        for event_name, event in (fn["Properties"].get("Events") or {}).items()
        if event["Type"] == "SQS"
    }
    assert set(queues) == {("JobWorkerFunction", "Jobs"), ("SenderFunction", "Messages")}
    # Lambda keeps five pollers on an idle queue whose mapping sets MaximumConcurrency, else two: only
    # the send queue needs it (it holds the providers' rates)
    assert "ScalingConfig" not in queues["JobWorkerFunction", "Jobs"]
    send = queues["SenderFunction", "Messages"]
    assert send["Queue"] == {"Fn::GetAtt": ["SendQueue", "Arn"]}
    assert send["ScalingConfig"]["MaximumConcurrency"] == {"Ref": "SenderConcurrency"}
    assert RESOURCES["SenderFunction"]["Properties"]["Environment"]["Variables"]["SEND_CONCURRENCY"] == {
        "Ref": "SenderConcurrency"
    }
    (subscription,) = [
        s["Properties"]
        for s in of_type("AWS::SNS::Subscription").values()
        if s["Properties"]["TopicArn"] == {"Ref": "MessagesTopic"}
    ]
    assert subscription["FilterPolicy"] == {"channel": ["sms", "telegram", "whatsapp", "push"]}
    (sms,) = [e for e in RESOURCES["WebhooksFunction"]["Properties"]["Events"].values() if e["Type"] == "SNS"]
    assert sms["Properties"]["Topic"] == {"Ref": "InboundSmsTopic"}


# ------------------------------------------------------------------------------------ API access log
ALLOWED_LOG_VARIABLES = {
    "requestId",
    "requestTime",
    "identity.sourceIp",
    "httpMethod",
    "resourcePath",
    "status",
    "responseLatency",
    "integrationLatency",
    "responseLength",
    "authorizer.claims.sub",
    "error.message",
    "waf.status",
}


def test_the_api_logs_each_request_as_json_without_tokens():
    api = RESOURCES["Api"]["Properties"]
    logs = api["AccessLogSetting"]
    group = RESOURCES[ref_name(logs["DestinationArn"])]
    assert group["Type"] == "AWS::Logs::LogGroup" and group["Properties"]["RetentionInDays"]
    used = set(re.findall(r"\$context\.([A-Za-z0-9_.]+)", logs["Format"]))
    assert "resourcePath" in used and "path" not in used, "the path holds a client's signed link"
    assert used <= ALLOWED_LOG_VARIABLES, (
        f"logged beyond what is safe: {sorted(used - ALLOWED_LOG_VARIABLES)}"
    )
    assert "$input" not in logs["Format"] and "$method" not in logs["Format"]
    assert json.loads(re.sub(r"\$context\.[A-Za-z0-9_.]+", "x", logs["Format"]))


# ------------------------------------------------------------------------------------ Cognito
def test_sign_in_is_srp_or_managed_login_with_mfa_and_short_tokens():
    pool = RESOURCES["UserPool"]["Properties"]
    assert pool["MfaConfiguration"] == "ON" and pool["EnabledMfas"] == ["SOFTWARE_TOKEN_MFA"]
    assert pool["UserAttributeUpdateSettings"]["AttributesRequireVerificationBeforeUpdate"] == ["email"]
    client = RESOURCES["UserPoolClient"]["Properties"]
    assert set(client["ExplicitAuthFlows"]) == {"ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
    assert client["PreventUserExistenceErrors"] == "ENABLED" and client["EnableTokenRevocation"] is True
    assert client["GenerateSecret"] is False and client["AllowedOAuthFlows"] == ["code"]
    # without a hosted console (with one: tests/infra/test_console_hosting.py)
    callbacks = _stack().resolve(client["CallbackURLs"])
    assert callbacks == _stack().parameters["ConsoleCallbackUrls"] == ["https://example.com/"]
    units = client["TokenValidityUnits"]
    assert units == {"IdToken": "minutes", "AccessToken": "minutes", "RefreshToken": "hours"}
    assert client["IdTokenValidity"] <= 60 and client["AccessTokenValidity"] <= 60
    assert 8 <= client["RefreshTokenValidity"] <= 72
    (domain,) = of_type("AWS::Cognito::UserPoolDomain").values()
    assert domain["Properties"]["UserPoolId"] == {"Ref": "UserPool"}


# ------------------------------------------------------------------------------------ WAF, CORS
def test_the_waf_rate_rule_is_off_by_default_and_limits_public_routes_per_address():
    condition = load(TEMPLATE)["Conditions"]["HasPublicRateLimit"]
    assert _stack().condition("HasPublicRateLimit") is False, condition  # it costs money
    (acl,) = of_type("AWS::WAFv2::WebACL").values()
    (association,) = of_type("AWS::WAFv2::WebACLAssociation").values()
    assert acl["Condition"] == association["Condition"] == "HasPublicRateLimit"
    assert "${Api}" in association["Properties"]["ResourceArn"]["Fn::Sub"]
    (rule,) = acl["Properties"]["Rules"]
    rate = rule["Statement"]["RateBasedStatement"]
    assert rate["AggregateKeyType"] == "IP" and rate["Limit"] == {"Ref": "PublicRateLimitPerIp"}
    assert rule["Action"]["Block"]["CustomResponse"]["ResponseCode"] == 429
    scoped = {
        s["ByteMatchStatement"]["SearchString"]
        for s in rate["ScopeDownStatement"]["OrStatement"]["Statements"]
    }
    assert scoped == {
        "/v1/salons/",
        "/v1/manage/",
        "/v1/feedback/",
        "/v1/calendar-feeds/",
        "/s/",
    }  # not the providers' webhooks


def test_the_preflight_allows_every_method_the_api_has():
    allowed_methods = set(RESOURCES["Api"]["Properties"]["Cors"]["AllowMethods"].strip("'").split(","))
    document = json.loads((ROOT / "docs" / "openapi.json").read_text())
    used = {
        method.upper()
        for path in document["paths"].values()
        for method in path
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert used <= allowed_methods, f"missing from Cors.AllowMethods: {sorted(used - allowed_methods)}"


# ------------------------------------------------------------------------------------ the local stack
@mock_aws
def test_the_local_runtime_creates_every_queue_and_topic_the_functions_use():
    stack = Stack(TEMPLATE, REGION, "regulars-local")
    skipped = create_resources(stack, Clients.at(None, REGION))
    assert all(reason.startswith("condition ") for reason in skipped.values()), skipped
    sns = boto3.client("sns", region_name=REGION)
    for name in ("AlarmTopic", "InboundSmsTopic"):
        attributes = sns.get_topic_attributes(TopicArn=stack.refs[name])["Attributes"]
        assert "KmsMasterKeyId" not in attributes
    policy = json.loads(
        sns.get_topic_attributes(TopicArn=stack.refs["InboundSmsTopic"])["Attributes"]["Policy"]
    )
    assert [s["Sid"] for s in policy["Statement"]] == ["EndUserMessagingPublishes", "NoOneElsePublishes"]
