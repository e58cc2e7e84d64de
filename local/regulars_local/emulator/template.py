"""Reads template.yaml, so the local stack is made from the same source as the deployed one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (!Ref, !GetAtt, !Sub, ...) kept as {"Fn::X": value}, as the
    template's JSON form has them (!Ref and !Condition without the prefix)."""


def _tag(loader: _CfnLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        assert isinstance(node, yaml.MappingNode)  # the third and last kind of node
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


_CfnLoader.add_multi_constructor("!", _tag)


@lru_cache(maxsize=4)
def load(path: Path = TEMPLATE) -> dict[str, Any]:
    return yaml.load(path.read_text(), Loader=_CfnLoader)  # noqa: S506 - a SafeLoader subclass


def resources(kind: str, path: Path = TEMPLATE) -> dict[str, dict[str, Any]]:
    return {name: res for name, res in load(path)["Resources"].items() if res["Type"] == kind}


def parameter_overrides(path: Path, overrides: Mapping[str, str]) -> dict[str, Any]:
    """Values given for the template's parameters (``sam deploy --parameter-overrides``), each checked
    against the parameter: one the template does not have, or a value outside its allowed values or
    bounds, is refused with the reason."""
    declared = load(path).get("Parameters") or {}
    checked: dict[str, Any] = {}
    for name, value in overrides.items():
        spec = declared.get(name)
        if spec is None:
            raise ValueError(
                f"{name}: the template has no such parameter (it has {', '.join(sorted(declared))})"
            )
        kind = spec.get("Type", "String")
        if kind == "Number":
            try:
                number = float(value)
            except ValueError:
                raise ValueError(f"{name}: a number is required, not {value!r}") from None
            if "MinValue" in spec and number < float(spec["MinValue"]):
                raise ValueError(f"{name}: at least {spec['MinValue']}, not {value}")
            if "MaxValue" in spec and number > float(spec["MaxValue"]):
                raise ValueError(f"{name}: at most {spec['MaxValue']}, not {value}")
        if "AllowedValues" in spec and value not in [str(v) for v in spec["AllowedValues"]]:
            raise ValueError(f"{name}: {value!r} is not one of {spec['AllowedValues']}")
        checked[name] = _listed(value) if _is_list(kind) else value
    return checked


def parameter_defaults(path: Path = TEMPLATE) -> dict[str, Any]:
    """Each parameter's Default (the values a deploy without overrides would use); a list parameter's
    (CommaDelimitedList, List<...>) as the list CloudFormation makes of it."""
    return {
        name: _listed(spec["Default"]) if _is_list(spec.get("Type", "")) else spec["Default"]
        for name, spec in (load(path).get("Parameters") or {}).items()
        if "Default" in spec
    }


def _is_list(kind: str) -> bool:
    return kind == "CommaDelimitedList" or kind.startswith("List<")


def _listed(value: Any) -> list[str]:
    return value if isinstance(value, list) else str(value).split(",")


def conditions(path: Path = TEMPLATE) -> dict[str, Any]:
    return dict(load(path).get("Conditions") or {})


def api_properties(logical_id: str, path: Path = TEMPLATE) -> dict[str, Any]:
    """An AWS::Serverless::Api's properties over the template's Globals.Api."""
    doc = load(path)
    glob = (doc.get("Globals") or {}).get("Api") or {}
    own = doc["Resources"].get(logical_id, {}).get("Properties") or {}
    return {**glob, **own}


def table_definition(logical_id: str = "Table", path: Path = TEMPLATE) -> dict[str, Any]:
    """CreateTable arguments for the table, exactly as the template declares it."""
    props = load(path)["Resources"][logical_id]["Properties"]
    args: dict[str, Any] = {
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if props.get("GlobalSecondaryIndexes"):
        args["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    if props.get("StreamSpecification"):
        args["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    return args


def ttl_attribute(logical_id: str = "Table", path: Path = TEMPLATE) -> str | None:
    spec = load(path)["Resources"][logical_id]["Properties"].get("TimeToLiveSpecification")
    return spec["AttributeName"] if spec and spec.get("Enabled") else None


@dataclass
class ApiRoute:
    function: str  # logical id
    method: str  # GET, POST, ... or ANY
    path: str  # /v1/salons/{salon_id}/catalog, /v1/admin/{proxy+}
    authorizer: str | None
    api: str | None = None  # logical id of the AWS::Serverless::Api (None: SAM's implicit API)


@dataclass
class StreamSource:
    function: str
    batch_size: int
    maximum_retry_attempts: int
    bisect_on_error: bool
    report_batch_item_failures: bool
    filters: list[dict[str, Any]] = field(default_factory=list)
    event: str = ""  # the event's name under the function's Events
    stream: Any = None  # the Stream property, unresolved (!GetAtt Table.StreamArn)
    starting_position: str = "TRIM_HORIZON"
    on_failure: Any = None  # DestinationConfig.OnFailure.Destination, unresolved


@dataclass
class QueueSource:
    function: str
    queue: Any  # the Queue property, unresolved (!GetAtt Queue.Arn)
    event: str = ""  # the event's name under the function's Events
    batch_size: int = 10
    batching_window: int = 0  # MaximumBatchingWindowInSeconds
    report_batch_item_failures: bool = False
    maximum_concurrency: int | None = None  # ScalingConfig.MaximumConcurrency
    enabled: bool = True
    filters: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class TopicSource:
    """An SNS event: the topic invokes the function asynchronously, one notification an invocation."""

    function: str
    topic: Any  # the Topic property, unresolved (!Ref Topic)
    event: str = ""  # the event's name under the function's Events
    filter_policy: dict[str, Any] | None = None
    dead_letter: Any = None  # the function's DeadLetterQueue TargetArn (SQS), unresolved
    maximum_retry_attempts: int = 2  # EventInvokeConfig.MaximumRetryAttempts (Lambda's default)


@dataclass
class ScheduleSource:
    function: str
    expression: str  # rate(1 minute) / cron(...)
    enabled: bool = True
    event: str = ""  # the event's name under the function's Events
    input: str | None = None  # the Input property: the payload instead of the scheduled event
    timezone: str | None = None  # ScheduleV2's ScheduleExpressionTimezone
    kind: str = "Schedule"  # Schedule (an EventBridge rule) or ScheduleV2 (EventBridge Scheduler)


@dataclass
class FunctionSpec:
    logical_id: str
    code_uri: Path
    handler: str  # module.function
    environment: dict[str, Any]
    timeout: int
    routes: list[ApiRoute] = field(default_factory=list)
    streams: list[StreamSource] = field(default_factory=list)
    schedules: list[ScheduleSource] = field(default_factory=list)
    queues: list[QueueSource] = field(default_factory=list)
    topics: list[TopicSource] = field(default_factory=list)
    memory_size: int = 128
    reserved_concurrency: int | None = None
    function_name: str | None = None  # an explicit FunctionName, if the template sets one


def _filters(properties: dict[str, Any]) -> list[dict[str, Any]]:
    """An event's FilterCriteria patterns (each written as JSON text or as a YAML object)."""
    return [
        yaml.safe_load(f["Pattern"]) if isinstance(f["Pattern"], str) else f["Pattern"]
        for f in (properties.get("FilterCriteria") or {}).get("Filters", [])
    ]


def _parameter_value(value: Any, doc: dict[str, Any], overrides: Mapping[str, Any]) -> Any:
    """A value, or the value of the template parameter it names (``!Ref SenderConcurrency``): its
    override, else its default."""
    if isinstance(value, dict) and set(value) == {"Ref"} and value["Ref"] in (doc.get("Parameters") or {}):
        name = value["Ref"]
        return overrides[name] if name in overrides else doc["Parameters"][name].get("Default")
    return value


def _truth(value: Any) -> bool:
    return value.strip().lower() != "false" if isinstance(value, str) else bool(value)


def functions(path: Path = TEMPLATE, overrides: Mapping[str, Any] | None = None) -> dict[str, FunctionSpec]:
    """The template's functions, read with the parameters' defaults or ``overrides``."""
    doc = load(path)
    glob = doc.get("Globals", {}).get("Function", {})
    out: dict[str, FunctionSpec] = {}
    for name, res in doc["Resources"].items():
        if res["Type"] != "AWS::Serverless::Function":
            continue
        props = res["Properties"]
        env = {
            **glob.get("Environment", {}).get("Variables", {}),
            **props.get("Environment", {}).get("Variables", {}),
        }
        spec = FunctionSpec(
            logical_id=name,
            code_uri=(path.parent / props["CodeUri"]).resolve(),
            handler=props.get("Handler", glob.get("Handler", "main.handler")),
            environment=env,
            timeout=int(props.get("Timeout", glob.get("Timeout", 3))),
            memory_size=int(props.get("MemorySize", glob.get("MemorySize", 128))),
            reserved_concurrency=(
                int(props["ReservedConcurrentExecutions"])
                if "ReservedConcurrentExecutions" in props
                else None
            ),
            function_name=props.get("FunctionName") if isinstance(props.get("FunctionName"), str) else None,
        )
        for event_name, event in props.get("Events", {}).items():
            ep = event.get("Properties", {})
            if event["Type"] == "Api":
                auth = (ep.get("Auth") or {}).get("Authorizer")
                api = ep.get("RestApiId")
                api_id = api.get("Ref") if isinstance(api, dict) else None
                spec.routes.append(ApiRoute(name, ep["Method"].upper(), ep["Path"], auth, api_id))
            elif event["Type"] == "DynamoDB":
                spec.streams.append(
                    StreamSource(
                        function=name,
                        batch_size=int(ep.get("BatchSize", 100)),
                        maximum_retry_attempts=int(ep.get("MaximumRetryAttempts", -1)),
                        bisect_on_error=bool(ep.get("BisectBatchOnFunctionError", False)),
                        report_batch_item_failures="ReportBatchItemFailures"
                        in ep.get("FunctionResponseTypes", []),
                        filters=_filters(ep),
                        event=event_name,
                        stream=ep.get("Stream"),
                        starting_position=ep.get("StartingPosition", "TRIM_HORIZON"),
                        on_failure=((ep.get("DestinationConfig") or {}).get("OnFailure") or {}).get(
                            "Destination"
                        ),
                    )
                )
            elif event["Type"] == "SQS":
                concurrency = _parameter_value(
                    (ep.get("ScalingConfig") or {}).get("MaximumConcurrency"), doc, overrides or {}
                )
                spec.queues.append(
                    QueueSource(
                        function=name,
                        queue=ep["Queue"],
                        event=event_name,
                        batch_size=int(ep.get("BatchSize", 10)),
                        batching_window=int(ep.get("MaximumBatchingWindowInSeconds", 0)),
                        report_batch_item_failures="ReportBatchItemFailures"
                        in ep.get("FunctionResponseTypes", []),
                        maximum_concurrency=int(concurrency) if concurrency is not None else None,
                        enabled=_truth(ep.get("Enabled", True)),
                        filters=_filters(ep),
                    )
                )
            elif event["Type"] == "SNS":
                dead_letter = props.get("DeadLetterQueue") or {}
                invoke_config = props.get("EventInvokeConfig") or {}
                spec.topics.append(
                    TopicSource(
                        function=name,
                        topic=ep["Topic"],
                        event=event_name,
                        filter_policy=ep.get("FilterPolicy"),
                        dead_letter=dead_letter.get("TargetArn")
                        if dead_letter.get("Type") == "SQS"
                        else None,
                        maximum_retry_attempts=int(invoke_config.get("MaximumRetryAttempts", 2)),
                    )
                )
            elif event["Type"] in ("Schedule", "ScheduleV2"):
                spec.schedules.append(
                    ScheduleSource(
                        name,
                        ep["Schedule"] if "Schedule" in ep else ep["ScheduleExpression"],
                        ep.get("Enabled", ep.get("State", "ENABLED") != "DISABLED"),
                        event=event_name,
                        input=ep.get("Input"),
                        timezone=ep.get("ScheduleExpressionTimezone"),
                        kind=event["Type"],
                    )
                )
        out[name] = spec
    return out
