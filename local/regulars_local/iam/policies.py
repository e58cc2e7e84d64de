"""Each function's IAM policy as template.yaml states it, and a check of AWS calls against it.

The local runtime does not enforce IAM, so a call that AWS would refuse goes unnoticed until it is
deployed. Here a recorded call (:mod:`regulars_local.iam.calls`) becomes the IAM requests AWS would
authorise (:func:`requests_for`: ``TransactWriteItems`` is a ``PutItem``, ``UpdateItem``, ... per item
on its table; a decrypting ``GetParameter`` is also a ``kms:Decrypt`` through SSM), and each request is
evaluated (:func:`decide`) against the statements of the function's role: the template expanded by
aws-sam-translator (SAM's policy templates such as ``DynamoDBCrudPolicy`` become statements), its
intrinsic functions resolved with a :class:`regulars_local.emulator.aws.Stack` (the local names and ARNs), plus
the AWS managed policies SAM attaches. The evaluator knows Allow and Deny, Action/NotAction,
Resource/NotResource with wildcards, and the condition operators the template uses; anything else
in a policy is an error, never a silent pass.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from regulars_local.emulator.template import TEMPLATE, load

ACCOUNT_ID = "123456789012"
SSM_KEY = "ssm-parameter-key"  # the key of a SecureString: a caller never names it, SSM uses it for them


class PolicyError(ValueError):
    """A policy the evaluator cannot read (an unknown operator, a managed policy it does not know)."""


@dataclass(frozen=True, order=True)
class Request:
    """One action on one resource, as IAM authorises it, with the request's condition keys."""

    action: str
    resource: str
    context: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        extra = "".join(f" [{k}={v}]" for k, v in self.context)
        return f"{self.action} on {self.resource}{extra}"


# --- calls -> requests ----------------------------------------------------------------------------------
def _arn(service: str, region: str, account: str, resource: str) -> str:
    return f"arn:aws:{service}:{region}:{account}:{resource}"


def _table(region: str, account: str, name: str, index: str | None = None) -> str:
    return _arn("dynamodb", region, account, f"table/{name}" + (f"/index/{index}" if index else ""))


TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}
BATCH_ACTIONS = {"PutRequest": "PutItem", "DeleteRequest": "DeleteItem"}


def _dynamodb(operation: str, params: Mapping[str, Any], region: str, account: str) -> list[Request]:
    if operation in ("TransactWriteItems", "TransactGetItems"):
        return [
            Request(f"dynamodb:{TRANSACT_ACTIONS[kind]}", _table(region, account, spec["TableName"]))
            for item in params.get("TransactItems", [])
            for kind, spec in item.items()
        ]
    if operation in ("BatchGetItem", "BatchWriteItem"):
        # IAM checks the batch action on each table (the per-item actions are not asked for)
        return [
            Request(f"dynamodb:{operation}", _table(region, account, name))
            for name in params.get("RequestItems", {})
        ]
    if "TableName" in params:
        return [
            Request(
                f"dynamodb:{operation}", _table(region, account, params["TableName"], params.get("IndexName"))
            )
        ]
    if "StreamArn" in params:
        return [Request(f"dynamodb:{operation}", str(params["StreamArn"]))]
    return [Request(f"dynamodb:{operation}", "*")]


SQS_BATCH = {
    "SendMessageBatch": "SendMessage",
    "DeleteMessageBatch": "DeleteMessage",
    "ChangeMessageVisibilityBatch": "ChangeMessageVisibility",
}


def _sqs(operation: str, params: Mapping[str, Any], region: str, account: str) -> list[Request]:
    action = f"sqs:{SQS_BATCH.get(operation, operation)}"
    if "QueueUrl" in params:
        owner, name = urlsplit(str(params["QueueUrl"])).path.strip("/").split("/")[-2:]
        return [Request(action, _arn("sqs", region, owner, name))]
    if "QueueName" in params:
        return [
            Request(
                action,
                _arn("sqs", region, params.get("QueueOwnerAWSAccountId") or account, params["QueueName"]),
            )
        ]
    return [Request(action, "*")]


SNS_TARGETS = (
    "TopicArn",
    "TargetArn",
    "EndpointArn",
    "PlatformApplicationArn",
    "SubscriptionArn",
    "ResourceArn",
)


def _sns(operation: str, params: Mapping[str, Any], region: str, account: str) -> list[Request]:
    for name in SNS_TARGETS:
        if params.get(name):
            return [Request(f"sns:{operation}", str(params[name]))]
    return [Request(f"sns:{operation}", "*")]  # a publish to a phone number has no resource


def _ssm_parameter(region: str, account: str, name: str) -> str:
    return _arn("ssm", region, account, "parameter/" + name.lstrip("/"))


def _ssm(operation: str, params: Mapping[str, Any], region: str, account: str) -> list[Request]:
    names = params.get("Names") or ([params["Name"]] if "Name" in params else [])
    if "Path" in params:
        names = [params["Path"]]
    found = [Request(f"ssm:{operation}", _ssm_parameter(region, account, n)) for n in names] or [
        Request(f"ssm:{operation}", "*")
    ]
    if params.get("WithDecryption"):
        via = (("kms:ViaService", f"ssm.{region}.amazonaws.com"),)
        found.append(Request("kms:Decrypt", _arn("kms", region, account, f"key/{SSM_KEY}"), via))
    return found


def _cognito(operation: str, params: Mapping[str, Any], region: str, account: str) -> list[Request]:
    if "UserPoolId" in params:
        return [
            Request(
                f"cognito-idp:{operation}",
                _arn("cognito-idp", region, account, f"userpool/{params['UserPoolId']}"),
            )
        ]
    return [Request(f"cognito-idp:{operation}", "*")]


MAPPERS = {"dynamodb": _dynamodb, "sqs": _sqs, "sns": _sns, "ssm": _ssm, "cognito-idp": _cognito}


def requests_for(
    service: str, operation: str, params: Mapping[str, Any], region: str, account: str = ACCOUNT_ID
) -> list[Request]:
    """The IAM requests of one API call (``service`` is botocore's signing name: ``dynamodb`` for
    DynamoDB Streams too). A service without a mapping asks for its action on ``*``."""
    mapper = MAPPERS.get(service)
    if mapper is None:
        return [Request(f"{service}:{operation}", "*")]
    return mapper(operation, params, region, account)


# --- the template's policies ------------------------------------------------------------------------------
# The AWS managed policies SAM attaches to function roles (their documents as AWS publishes them). The
# translator is given their ARNs offline; a role with a managed policy not listed here is an error.
MANAGED_POLICY_ARNS = {
    "AWSLambdaBasicExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "AWSXrayWriteOnlyAccess": "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
    "AWSLambdaSQSQueueExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
    "AWSLambdaDynamoDBExecutionRole": "arn:aws:iam::aws:policy/service-role/AWSLambdaDynamoDBExecutionRole",
}
_LOGS = {
    "Effect": "Allow",
    "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
    "Resource": "*",
}
MANAGED_POLICIES: dict[str, list[dict[str, Any]]] = {
    MANAGED_POLICY_ARNS["AWSLambdaBasicExecutionRole"]: [_LOGS],
    MANAGED_POLICY_ARNS["AWSXrayWriteOnlyAccess"]: [
        {
            "Effect": "Allow",
            "Resource": "*",
            "Action": [
                "xray:PutTraceSegments",
                "xray:PutTelemetryRecords",
                "xray:GetSamplingRules",
                "xray:GetSamplingTargets",
                "xray:GetSamplingStatisticSummaries",
            ],
        }
    ],
    MANAGED_POLICY_ARNS["AWSLambdaSQSQueueExecutionRole"]: [
        {
            "Effect": "Allow",
            "Resource": "*",
            "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
        },
        _LOGS,
    ],
    MANAGED_POLICY_ARNS["AWSLambdaDynamoDBExecutionRole"]: [
        {
            "Effect": "Allow",
            "Resource": "*",
            "Action": [
                "dynamodb:DescribeStream",
                "dynamodb:GetRecords",
                "dynamodb:GetShardIterator",
                "dynamodb:ListStreams",
            ],
        },
        _LOGS,
    ],
}


def _packaged(template: Mapping[str, Any]) -> dict[str, Any]:
    """The template as ``sam package`` leaves it: code locations are S3 URIs (the translator wants them)."""
    doc = copy.deepcopy(dict(template))
    for res in doc.get("Resources", {}).values():
        props = res.get("Properties") or {}
        for key in ("CodeUri", "ContentUri"):
            if isinstance(props.get(key), str):
                props[key] = "s3://local-package/" + props[key].strip("/")
    return doc


@cache
def expanded(path: Path = TEMPLATE, region: str = "us-east-1") -> dict[str, Any]:
    """The template transformed by aws-sam-translator, offline (a static managed-policy map, no AWS call)."""
    import boto3
    from samtranslator.parser.parser import Parser
    from samtranslator.translator.translator import Translator

    session = boto3.Session(region_name=region, aws_access_key_id="offline", aws_secret_access_key="offline")
    translator = Translator(dict(MANAGED_POLICY_ARNS), Parser(), boto_session=session)
    return translator.translate(_packaged(load(path)), parameter_values={})


def role_statements(
    path: Path = TEMPLATE, region: str = "us-east-1"
) -> dict[str, tuple[list[Any], list[str]]]:
    """For each function (logical id): its role's inline policy documents (unresolved) and managed
    policy ARNs, as the expanded template gives them."""
    resources = expanded(path, region)["Resources"]
    found: dict[str, tuple[list[Any], list[str]]] = {}
    for logical_id, res in resources.items():
        if res["Type"] != "AWS::Lambda::Function":
            continue
        role = (res["Properties"].get("Role") or {}).get("Fn::GetAtt", [None])[0]
        props = resources.get(role, {}).get("Properties", {}) if role else {}
        found[logical_id] = (list(props.get("Policies") or []), list(props.get("ManagedPolicyArns") or []))
    return found


def function_policy(logical_id: str, stack: Any, path: Path = TEMPLATE) -> list[dict[str, Any]]:
    """Every statement of the function's role, resolved with ``stack`` (a :class:`regulars_local.emulator.aws.Stack`)."""
    policies, managed = role_statements(path, stack.region)[logical_id]
    statements: list[dict[str, Any]] = []
    for policy in stack.resolve(policies):
        document = policy["PolicyDocument"]
        body = document["Statement"]
        statements += body if isinstance(body, list) else [body]
    for arn in stack.resolve(managed):
        if arn not in MANAGED_POLICIES:
            raise PolicyError(f"{logical_id}: managed policy {arn} is not known to the checker")
        statements += MANAGED_POLICIES[arn]
    return statements


# --- evaluation -------------------------------------------------------------------------------------------
def _listed(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


@cache
def _pattern(text: str, ignore_case: bool) -> re.Pattern[str]:
    # IAM wildcards: * any run of characters, ? one character (no character classes)
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)
    return re.compile(body, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def like(pattern: str, value: str, ignore_case: bool = False) -> bool:
    return _pattern(pattern, ignore_case).fullmatch(value) is not None


def _operator(name: str) -> tuple[str, bool]:
    return (name[: -len("IfExists")], True) if name.endswith("IfExists") else (name, False)


def _compare(operator: str, wanted: list[str], actual: str) -> bool:
    if operator in ("StringEquals", "ArnEquals"):
        return actual in wanted if operator == "StringEquals" else any(like(w, actual) for w in wanted)
    if operator == "StringEqualsIgnoreCase":
        return actual.lower() in (w.lower() for w in wanted)
    if operator in ("StringLike", "ArnLike"):
        return any(like(w, actual) for w in wanted)
    if operator == "Bool":
        return actual.lower() in (w.lower() for w in wanted)
    raise PolicyError(f"condition operator {operator} is not known to the checker")


NEGATED = {
    "StringNotEquals": "StringEquals",
    "StringNotLike": "StringLike",
    "ArnNotEquals": "ArnEquals",
    "ArnNotLike": "ArnLike",
    "StringNotEqualsIgnoreCase": "StringEqualsIgnoreCase",
}


OPERATORS = {
    "StringEquals",
    "StringEqualsIgnoreCase",
    "StringLike",
    "ArnEquals",
    "ArnLike",
    "Bool",
    "Null",
    *NEGATED,
}


def _condition_holds(condition: Mapping[str, Mapping[str, Any]], context: Mapping[str, str]) -> bool:
    for name, tests in condition.items():
        operator, if_exists = _operator(name)
        if operator not in OPERATORS:
            raise PolicyError(f"condition operator {name} is not known to the checker")
        for key, wanted_raw in tests.items():
            wanted = _listed(wanted_raw)
            actual = context.get(key)
            if operator == "Null":
                if (actual is None) != (wanted[0].lower() == "true"):
                    return False
                continue
            if actual is None:
                if if_exists or operator in NEGATED:
                    continue
                return False
            if operator in NEGATED:
                if _compare(NEGATED[operator], wanted, actual):
                    return False
            elif not _compare(operator, wanted, actual):
                return False
    return True


def matches(statement: Mapping[str, Any], request: Request, context: Mapping[str, str]) -> bool:
    """Whether ``statement`` applies to ``request`` (its effect aside)."""
    unknown = set(statement) - {
        "Sid",
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Condition",
    }
    if unknown:
        raise PolicyError(f"statement elements {sorted(unknown)} are not known to the checker")
    if "Action" in statement:
        if not any(like(a, request.action, ignore_case=True) for a in _listed(statement["Action"])):
            return False
    elif not all(
        not like(a, request.action, ignore_case=True) for a in _listed(statement.get("NotAction", []))
    ):
        return False
    if "Resource" in statement:
        if not any(like(r, request.resource) for r in _listed(statement["Resource"])):
            return False
    elif "NotResource" in statement:
        if any(like(r, request.resource) for r in _listed(statement["NotResource"])):
            return False
    else:
        raise PolicyError("a statement without Resource or NotResource")
    return _condition_holds(statement.get("Condition") or {}, context)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str


def decide(
    statements: Iterable[Mapping[str, Any]],
    request: Request,
    region: str = "us-east-1",
    account: str = ACCOUNT_ID,
) -> Decision:
    """IAM's answer for one request: an explicit Deny wins, else an Allow is needed."""
    context = {"aws:RequestedRegion": region, "aws:PrincipalAccount": account, **dict(request.context)}
    allowed = False
    for statement in statements:
        effect = statement.get("Effect")
        if effect not in ("Allow", "Deny"):
            raise PolicyError(f"statement effect {effect!r}")
        if matches(statement, request, context):
            if effect == "Deny":
                return Decision(False, f"explicitly denied by {json.dumps(statement, sort_keys=True)}")
            allowed = True
    return Decision(allowed, "allowed" if allowed else "no statement allows it")


# --- a whole record ---------------------------------------------------------------------------------------
@dataclass(frozen=True, order=True)
class Denial:
    function: str
    call: str
    request: Request
    reason: str

    def describe(self) -> str:
        return f"{self.function}: {self.call} needs {self.request.describe()}: {self.reason}"


@dataclass
class Report:
    """What :func:`check` found: the denials, and every distinct request it checked per function."""

    denials: list[Denial] = field(default_factory=list)
    checked: dict[str, set[tuple[str, Request]]] = field(default_factory=dict)

    def text(self) -> str:
        lines = []
        if self.denials:
            lines.append(
                f"{len(set(self.denials))} AWS request(s) that the function's IAM policy in the "
                "template does not allow (AWS would refuse them):"
            )
            lines += [f"  {d.describe()}" for d in sorted(set(self.denials))]
        counted = ", ".join(f"{name} {len(calls)}" for name, calls in sorted(self.checked.items()))
        lines.append(f"IAM check: distinct requests checked per function: {counted or 'none recorded'}")
        return "\n".join(lines)


def check(
    records: Iterable[Mapping[str, Any]], stacks: Mapping[str, Any], template: Path = TEMPLATE
) -> Report:
    """Evaluate recorded calls (dicts with ``function``, ``stack``, ``call``, ``requests``) against the
    policies ``template`` gives each function, resolved with the local names of the call's stack
    (``stacks``: id -> :class:`regulars_local.emulator.aws.Stack`)."""
    report = Report()
    policies: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for record in records:
        function, stack_id = record["function"], record["stack"]
        stack = stacks[stack_id]
        if (function, stack_id) not in policies:
            bound = dataclasses.replace(stack, path=Path(template))
            policies[(function, stack_id)] = function_policy(function, bound, Path(template))
        for raw in record["requests"]:
            request = Request(raw["action"], raw["resource"], tuple(tuple(p) for p in raw.get("context", ())))
            report.checked.setdefault(function, set()).add((record["call"], request))
            decision = decide(policies[(function, stack_id)], request, stack.region)
            if not decision.allowed:
                report.denials.append(Denial(function, record["call"], request, decision.reason))
    return report
