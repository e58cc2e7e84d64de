"""The AWS side of the local stack: a moto server on loopback and the template's resources in it.

:class:`Stack` holds what each logical id stands for locally (what ``!Ref`` and ``!GetAtt`` give)
and resolves the template's intrinsic functions with it. :func:`create_resources` creates every
resource of the kinds in :data:`CREATORS` (queues, topics, subscriptions, topic policies, KMS keys, user
pools) from the template, so a resource added to the template appears locally with no code change; resources
of other kinds (log groups, alarms, WAF, the Cognito domain) have no local part and are left out.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from regulars_local.emulator.template import TEMPLATE, conditions, load, parameter_defaults

log = logging.getLogger("local.aws")

ACCOUNT_ID = "123456789012"
NO_VALUE = object()  # AWS::NoValue: the property is left out


class Unresolvable(ValueError):
    """An intrinsic function or reference that has no local value."""


class MotoServer:
    """moto's threaded server on a free loopback port: SNS, SQS, Cognito's user pools, Scheduler (and
    DynamoDB, as fallback)."""

    def __init__(self, host: str = "127.0.0.1"):
        from moto.server import ThreadedMotoServer

        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._server = ThreadedMotoServer(ip_address=host, port=0, verbose=False)
        self.endpoint = ""

    def start(self) -> str:
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"
        return self.endpoint

    def stop(self) -> None:
        if self.endpoint:
            self._server.stop()
            self.endpoint = ""


def client(service: str, endpoint: str, region: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


@dataclass
class Stack:
    """The local values of a template's parameters, pseudo parameters, conditions and resources."""

    path: Path = TEMPLATE
    region: str = "us-east-1"
    name: str = "regulars-local"
    parameters: dict[str, Any] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.parameters = {**parameter_defaults(self.path), **self.parameters}

    def add(self, logical_id: str, ref: str, **attributes: str) -> None:
        self.refs[logical_id] = ref
        for attribute, value in attributes.items():
            self.attributes[(logical_id, attribute)] = value

    def pseudo(self) -> dict[str, str]:
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::StackName": self.name,
            "AWS::StackId": f"arn:aws:cloudformation:{self.region}:{ACCOUNT_ID}:stack/{self.name}/local",
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }

    # --- references ----------------------------------------------------------------------------
    def ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        pseudo = self.pseudo()
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.refs:
            return self.refs[name]
        raise Unresolvable(f"!Ref {name}")

    def get_att(self, logical_id: str, attribute: str) -> str:
        try:
            return self.attributes[(logical_id, attribute)]
        except KeyError:
            raise Unresolvable(f"!GetAtt {logical_id}.{attribute}") from None

    # --- intrinsic functions -------------------------------------------------------------------
    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [v for v in (self.resolve(item) for item in value) if v is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            intrinsic = _INTRINSICS.get(key)
            if intrinsic:
                return intrinsic(self, arg)
        return {k: v for k, v in ((k, self.resolve(v)) for k, v in value.items()) if v is not NO_VALUE}

    def sub(self, arg: str | list[Any]) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return str(variables[name])
            if "." in name and not name.startswith("AWS::"):
                logical_id, attribute = name.split(".", 1)
                return self.get_att(logical_id, attribute)
            return str(self.ref(name))

        return re.sub(r"\$\{([^}]+)\}", replace, text)

    def condition(self, name: str) -> bool:
        definitions = conditions(self.path)
        if name not in definitions:
            raise Unresolvable(f"no condition {name}")
        return self._truth(definitions[name])

    def _truth(self, expression: Any) -> bool:
        if isinstance(expression, bool):
            return expression
        ((key, arg),) = expression.items()
        if key == "Condition":
            return self.condition(arg)
        if key == "Fn::Equals":
            left, right = (self.resolve(v) for v in arg)
            return str(left) == str(right)
        if key == "Fn::Not":
            return not self._truth(arg[0])
        if key == "Fn::And":
            return all(self._truth(a) for a in arg)
        if key == "Fn::Or":
            return any(self._truth(a) for a in arg)
        raise Unresolvable(f"condition function {key}")

    def environment(self, variables: Mapping[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
        """Resolved environment variables as strings, and the ones that have no local value (why)."""
        resolved: dict[str, str] = {}
        missing: dict[str, str] = {}
        for name, value in variables.items():
            try:
                out = self.resolve(value)
            except Unresolvable as exc:
                missing[name] = str(exc)
                continue
            if out is NO_VALUE:
                continue
            resolved[name] = _as_string(out)
        return resolved, missing


def _as_string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _get_att(stack: Stack, arg: Any) -> str:
    logical_id, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
    return stack.get_att(logical_id, stack.resolve(attribute))


def _if(stack: Stack, arg: list[Any]) -> Any:
    name, when_true, when_false = arg
    return stack.resolve(when_true if stack.condition(name) else when_false)


def _find_in_map(stack: Stack, arg: list[Any]) -> Any:
    mapping, first, second = (stack.resolve(a) for a in arg)
    try:
        return load(stack.path)["Mappings"][mapping][first][second]
    except KeyError:
        raise Unresolvable(f"!FindInMap {mapping}.{first}.{second}") from None


_INTRINSICS: dict[str, Callable[[Stack, Any], Any]] = {
    "Ref": lambda stack, arg: stack.ref(arg),
    "Fn::GetAtt": _get_att,
    "Fn::Sub": lambda stack, arg: stack.sub(arg),
    "Fn::Join": lambda stack, arg: str(arg[0]).join(_as_string(v) for v in stack.resolve(arg[1])),
    "Fn::Select": lambda stack, arg: stack.resolve(arg[1])[int(stack.resolve(arg[0]))],
    "Fn::Split": lambda stack, arg: str(stack.resolve(arg[1])).split(arg[0]),
    "Fn::If": _if,
    "Fn::FindInMap": _find_in_map,
    "Fn::ToJsonString": lambda stack, arg: json.dumps(stack.resolve(arg)),
}


# --- resources ------------------------------------------------------------------------------------
QUEUE_ATTRIBUTES = (
    "ContentBasedDeduplication",
    "DelaySeconds",
    "FifoQueue",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "RedrivePolicy",
    "RedriveAllowPolicy",
    "VisibilityTimeout",
)
TOPIC_ATTRIBUTES = ("DisplayName", "FifoTopic", "ContentBasedDeduplication", "KmsMasterKeyId")
SUBSCRIPTION_ATTRIBUTES = ("FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy")


@dataclass
class Clients:
    sqs: Any
    sns: Any
    cognito: Any = None
    kms: Any = None

    @classmethod
    def at(cls, endpoint: str, region: str) -> Clients:
        return cls(
            sqs=client("sqs", endpoint, region),
            sns=client("sns", endpoint, region),
            cognito=client("cognito-idp", endpoint, region),
            kms=client("kms", endpoint, region),
        )


def _attributes(props: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, str]:
    return {name: _as_string(props[name]) for name in names if name in props}


def _physical(stack: Stack, logical_id: str) -> str:
    return f"{stack.name}-{logical_id}"


def create_queue(stack: Stack, clients: Clients, logical_id: str, props: dict[str, Any]) -> None:
    name = props.get("QueueName") or _physical(stack, logical_id) + (
        ".fifo" if props.get("FifoQueue") else ""
    )
    url = clients.sqs.create_queue(QueueName=name, Attributes=_attributes(props, QUEUE_ATTRIBUTES))[
        "QueueUrl"
    ]
    arn = clients.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    stack.add(logical_id, url, Arn=arn, QueueName=name, QueueUrl=url)


def create_topic(stack: Stack, clients: Clients, logical_id: str, props: dict[str, Any]) -> None:
    name = props.get("TopicName") or _physical(stack, logical_id) + (
        ".fifo" if props.get("FifoTopic") else ""
    )
    arn = clients.sns.create_topic(Name=name, Attributes=_attributes(props, TOPIC_ATTRIBUTES))["TopicArn"]
    for inline in props.get("Subscription") or []:
        clients.sns.subscribe(TopicArn=arn, Protocol=inline["Protocol"], Endpoint=inline["Endpoint"])
    stack.add(logical_id, arn, TopicArn=arn, TopicName=name)


def create_subscription(stack: Stack, clients: Clients, logical_id: str, props: dict[str, Any]) -> None:
    arn = clients.sns.subscribe(
        TopicArn=props["TopicArn"],
        Protocol=props["Protocol"],
        Endpoint=props.get("Endpoint", ""),
        Attributes=_attributes(props, SUBSCRIPTION_ATTRIBUTES),
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    stack.add(logical_id, arn)


# What of a user pool the local sign-in plays: who signs in with what, the attributes, the passwords.
# MFA is not played locally (the pool is created without it); e-mail goes to the runtime's mailbox.
USER_POOL_PROPERTIES = (
    "UsernameAttributes",
    "AliasAttributes",
    "AutoVerifiedAttributes",
    "AdminCreateUserConfig",
    "UsernameConfiguration",
    "Policies",
    "Schema",
)
# Cognito's defaults for what a password policy leaves unsaid (moto's would require every kind of character)
PASSWORD_POLICY_DEFAULTS = {
    "RequireUppercase": False,
    "RequireLowercase": False,
    "RequireNumbers": False,
    "RequireSymbols": False,
}


def create_user_pool(stack: Stack, clients: Clients, logical_id: str, props: dict[str, Any]) -> None:
    settings = {name: props[name] for name in USER_POOL_PROPERTIES if name in props}
    password = (settings.get("Policies") or {}).get("PasswordPolicy") or {}
    settings["Policies"] = {
        **(settings.get("Policies") or {}),
        "PasswordPolicy": {**PASSWORD_POLICY_DEFAULTS, **password},
    }
    pool = clients.cognito.create_user_pool(
        PoolName=props.get("UserPoolName") or _physical(stack, logical_id), **settings
    )["UserPool"]
    provider = f"cognito-idp.{stack.region}.amazonaws.com/{pool['Id']}"
    stack.add(
        logical_id, pool["Id"], Arn=pool["Arn"], ProviderName=provider, ProviderURL=f"https://{provider}"
    )


def create_topic_policy(stack: Stack, clients: Clients, logical_id: str, props: dict[str, Any]) -> None:
    for topic in props["Topics"]:  # kept, not enforced: moto does not evaluate topic policies
        clients.sns.set_topic_attributes(
            TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps(props["PolicyDocument"])
        )
    stack.add(logical_id, logical_id)


def create_key(stack: Stack, clients: Clients, logical_id: str, props: dict[str, Any]) -> None:
    """A KMS key in moto, for the topics the template encrypts with it."""
    metadata = clients.kms.create_key(
        Description=str(props.get("Description", logical_id)), Policy=json.dumps(props["KeyPolicy"])
    )["KeyMetadata"]
    stack.add(logical_id, metadata["KeyId"], Arn=metadata["Arn"], KeyId=metadata["KeyId"])


Creator = Callable[[Stack, Clients, str, dict[str, Any]], None]
CREATORS: dict[str, Creator] = {
    "AWS::SQS::Queue": create_queue,
    "AWS::SNS::Topic": create_topic,
    "AWS::SNS::Subscription": create_subscription,
    "AWS::Cognito::UserPool": create_user_pool,
    "AWS::SNS::TopicPolicy": create_topic_policy,
    "AWS::KMS::Key": create_key,
}


def create_resources(stack: Stack, clients: Clients) -> dict[str, str]:
    """Create every resource of a kind in :data:`CREATORS`, in an order that satisfies their references.

    Returns the resources left out, with the reason (a false condition, a reference with no local value).
    """
    pending = {
        logical_id: res
        for logical_id, res in load(stack.path)["Resources"].items()
        if res["Type"] in CREATORS
    }
    skipped: dict[str, str] = {}
    for logical_id, res in list(pending.items()):
        if "Condition" in res and not stack.condition(res["Condition"]):
            skipped[logical_id] = f"condition {res['Condition']} is false"
            del pending[logical_id]
    while pending:
        blocked: dict[str, str] = {}
        for logical_id, res in pending.items():
            try:
                props = stack.resolve(res.get("Properties") or {})
            except Unresolvable as exc:
                blocked[logical_id] = str(exc)
                continue
            CREATORS[res["Type"]](stack, clients, logical_id, props)
        if len(blocked) == len(pending):
            skipped.update({k: f"{v} has no local value" for k, v in blocked.items()})
            break
        pending = {k: v for k, v in pending.items() if k in blocked}
    return skipped
