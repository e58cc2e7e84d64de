"""A month with no visits and no messages, read from template.yaml: what the stack costs by being there.

Everything is counted from the template as a deploy with its parameters' defaults makes it (a resource
whose condition is false is not there): the SQS event source mappings and their pollers' empty long
polls, the schedules and their invocations (the ticker's, each as measured by :mod:`bench.bill`), the
alarms and the metrics they evaluate, the custom metrics the code publishes, the customer managed KMS
keys, X-Ray at the template's default, WAF when its condition holds. When the template changes, so does
this month, without a change here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import pricing

ROOT = Path(__file__).resolve().parents[1]
CODE = (ROOT / "functions", ROOT / "layers" / "regulars" / "regulars")
_METRIC_CALL = re.compile(r"add_metric\((.*?)unit=", re.S)
_NAME = re.compile(r"[\"']([A-Z][A-Za-z0-9]+)[\"']")


@dataclass
class Item:
    what: str
    quantity: float
    meter: str  # a key of pricing.METER
    how: str


@dataclass
class Month:
    items: list[Item] = field(default_factory=list)
    traced: bool = False  # X-Ray records every invocation
    mappings: list[tuple[str, int]] = field(default_factory=list)  # (function, pollers)
    metrics: list[str] = field(default_factory=list)

    def usage(self) -> pricing.Usage:
        usage = pricing.Usage()
        for item in self.items:
            usage.add(item.meter, item.quantity)
        return usage


ERROR_HOURS = 24  # hours of a month with an error in them (each a custom metric's hour of data)


def published_metrics(roots: tuple[Path, ...] = CODE) -> set[str]:
    """The custom metric names the code can publish (every ``add_metric`` call's literal names)."""
    names: set[str] = set()
    for root in roots:
        for path in root.rglob("*.py"):
            for call in _METRIC_CALL.findall(path.read_text()):
                names |= set(_NAME.findall(call))
    return names


def invocations_a_month(expression: str) -> float:
    """How many times a month a schedule expression (``rate(...)`` or ``cron(...)``) fires."""
    rate = re.fullmatch(r"rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)", expression.strip())
    if rate:
        seconds = {"minute": 60, "hour": 3600, "day": 86400}[rate.group(2).rstrip("s")]
        return pricing.MONTH_SECONDS / (int(rate.group(1)) * seconds)
    cron = re.fullmatch(r"cron\((.+)\)", expression.strip())
    if not cron:
        raise ValueError(f"schedule expression {expression!r}")
    minute, hour, dom, month, dow, *_ = cron.group(1).split()
    start = datetime(2027, 1, 1, tzinfo=UTC)  # a year of minutes, a twelfth of the count
    days = [start + timedelta(days=d) for d in range(365)]
    matched_days = sum(
        1
        for d in days
        if _field(month, d.month, 1, 12)
        and (_field(dom, d.day, 1, 31) if dow in ("?", "*") else _field(dow, d.isoweekday() % 7 + 1, 1, 7))
    )
    per_day = sum(
        1 for h in range(24) for m in range(60) if _field(hour, h, 0, 23) and _field(minute, m, 0, 59)
    )
    return matched_days * per_day / 12


_DAYS = {d: i + 1 for i, d in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"))}


def _field(spec: str, value: int, low: int, high: int) -> bool:
    for part in spec.upper().split(","):
        if part in ("*", "?"):
            return True
        step = 1
        if "/" in part:
            part, step_text = part.split("/")
            step = int(step_text)
        if part in ("*", ""):
            first, last = low, high
        elif "-" in part:
            a, b = part.split("-")
            first, last = int(_DAYS.get(a, a)), int(_DAYS.get(b, b))
        else:
            first = int(_DAYS.get(part, part))
            last = first if step == 1 and "/" not in spec else high
        if first <= value <= last and (value - first) % step == 0:
            return True
    return False


def _alarm_metrics(props: Mapping[str, Any]) -> tuple[int, int]:
    """Metrics an alarm is billed for, (standard, high resolution): one, or each metric its math reads
    (an anomaly band, three); high resolution when its period is under a minute."""
    if props.get("MetricName"):
        return (0, 1) if _seconds(props.get("Period", 60)) < 60 else (1, 0)
    metrics = props.get("Metrics") or []
    read = [m for m in metrics if "MetricStat" in m]
    bands = sum(1 for m in metrics if "ANOMALY_DETECTION_BAND" in str(m.get("Expression", "")))
    high = sum(1 for m in read if _seconds(m["MetricStat"].get("Period", 60)) < 60)
    return len(read) - high + 2 * bands, high


def _seconds(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):  # a reference: a parameter's period, taken as standard
        return 60


def month(
    tick: pricing.Usage | None,
    observed_metrics: set[str] | None = None,
    path: Path | None = None,
    parameters: Mapping[str, str] | None = None,
) -> Month:
    """The month's fixed usage of a deploy with ``parameters`` over the template's defaults. ``tick``
    is one idle run of the ticker, measured (None: its invocations only)."""
    from regulars_local.emulator import aws
    from regulars_local.emulator.template import TEMPLATE, load

    template = path or TEMPLATE
    stack = aws.Stack(template, parameters=dict(parameters or {}))
    doc = load(template)
    resources: dict[str, dict[str, Any]] = {
        lid: res
        for lid, res in doc["Resources"].items()
        if "Condition" not in res or stack.condition(res["Condition"])
    }
    out = Month()
    glob = (doc.get("Globals") or {}).get("Function") or {}
    out.traced = str(stack.resolve(glob.get("Tracing", "PassThrough"))) == "Active"

    queues = {lid for lid, res in resources.items() if res["Type"] == "AWS::SQS::Queue"}
    schedules: list[tuple[str, str]] = []
    for lid, res in resources.items():
        props = res.get("Properties") or {}
        if res["Type"] == "AWS::Serverless::Function":
            for event in (props.get("Events") or {}).values():
                ep = event.get("Properties") or {}
                if event["Type"] == "SQS" and _enabled(stack.resolve(ep.get("Enabled", True))):
                    out.mappings.append((lid, pricing.idle_pollers(ep)))
                elif event["Type"] in ("Schedule", "ScheduleV2") and _enabled(
                    ep.get("Enabled", ep.get("State", "ENABLED") != "DISABLED")
                ):
                    schedules.append((lid, ep.get("Schedule") or ep["ScheduleExpression"]))
        elif res["Type"] == "AWS::Lambda::EventSourceMapping":
            source = props.get("EventSourceArn")
            target = source.get("Fn::GetAtt", [None])[0] if isinstance(source, dict) else None
            if target in queues and _enabled(stack.resolve(props.get("Enabled", True))):
                out.mappings.append((lid, pricing.idle_pollers(props)))
        elif (
            res["Type"] == "AWS::Events::Rule"
            and props.get("ScheduleExpression")
            and props.get("State", "ENABLED") == "ENABLED"
        ):
            schedules.append((lid, props["ScheduleExpression"]))

    polls = pricing.idle_polls_a_month(p for _, p in out.mappings)
    out.items.append(
        Item(
            f"SQS: {len(out.mappings)} event source mappings, {sum(p for _, p in out.mappings)} pollers long-polling",
            polls,
            "sqs.requests",
            f"each poller a ReceiveMessage every {pricing.SQS_LONG_POLL_SECONDS} s, {pricing.MONTH_HOURS} h",
        )
    )
    for lid, expression in schedules:
        n = invocations_a_month(expression)
        measured = tick is not None and lid == "TickerFunction"
        out.items.append(Item(f"Lambda: {lid} on {expression}", n, "lambda.requests", "invocations a month"))
        if measured and tick is not None:
            for key, what in (
                ("lambda.gb_s", "its duration (CPU time measured, an idle tick, the mean of an hour)"),
                (
                    "dynamodb.read",
                    "its Queries of the due index and its watermark (an idle tick, the mean of an hour)",
                ),
                ("dynamodb.write", "its watermark, once an hour (an idle tick, the mean of an hour)"),
                ("logs.gb", "its log lines and Lambda's own (an idle tick, the mean of an hour)"),
            ):
                if tick[key]:
                    out.items.append(Item(f"{lid}: {what}", n * tick[key], key, "x invocations"))
        if out.traced:
            out.items.append(Item(f"X-Ray: {lid}", n, "xray.traces", "a trace an invocation"))

    alarms = {
        lid: _alarm_metrics(res.get("Properties") or {})
        for lid, res in resources.items()
        if res["Type"] == "AWS::CloudWatch::Alarm"
    }
    out.items.append(
        Item(
            f"CloudWatch: {len(alarms)} alarms",
            sum(standard for standard, _ in alarms.values()),
            "cloudwatch.alarms",
            "metrics they evaluate",
        )
    )
    high = sum(h for _, h in alarms.values())
    if high:
        out.items.append(
            Item("CloudWatch: high-resolution alarms", high, "cloudwatch.alarms_hr", "metrics they evaluate")
        )
    composite = [lid for lid, res in resources.items() if res["Type"] == "AWS::CloudWatch::CompositeAlarm"]
    if composite:
        out.items.append(
            Item(
                f"CloudWatch: {len(composite)} composite alarms",
                len(composite),
                "cloudwatch.composite",
                "an alarm a month",
            )
        )
    transforms = [
        t
        for res in resources.values()
        if res["Type"] == "AWS::Logs::MetricFilter"
        for t in (res.get("Properties") or {}).get("MetricTransformations") or []
        if isinstance(t.get("MetricName"), str)
    ]
    # a metric filter without a default value puts data only in the hours its lines are logged
    sparse = {t["MetricName"] for t in transforms if "DefaultValue" not in t}
    whole = (
        published_metrics() | (observed_metrics or set()) | {t["MetricName"] for t in transforms}
    ) - sparse
    out.metrics = sorted(whole | sparse)
    if whole:
        out.items.append(
            Item(
                f"CloudWatch: {len(whole)} custom metric{'s' if len(whole) != 1 else ''} ({', '.join(sorted(whole))})",
                len(whole),
                "cloudwatch.metrics",
                "each a whole month (data every hour)",
            )
        )
    if sparse:
        out.items.append(
            Item(
                f"CloudWatch: {len(sparse)} custom metric{'s' if len(sparse) != 1 else ''} counted from error "
                f"lines ({', '.join(sorted(sparse))})",
                len(sparse) * ERROR_HOURS / pricing.MONTH_HOURS,
                "cloudwatch.metrics",
                f"the hours with an error: {ERROR_HOURS} a month assumed (a whole month at most)",
            )
        )
    keys = [lid for lid, res in resources.items() if res["Type"] == "AWS::KMS::Key"]
    if keys:
        out.items.append(
            Item(f"KMS: customer managed keys ({', '.join(keys)})", len(keys), "kms.keys", "a key a month")
        )
    acls = [res for res in resources.values() if res["Type"] == "AWS::WAFv2::WebACL"]
    if acls:
        out.items.append(Item(f"WAF: {len(acls)} web ACLs", len(acls), "waf.acls", "an ACL a month"))
        rules = sum(len((a.get("Properties") or {}).get("Rules") or []) for a in acls)
        out.items.append(Item(f"WAF: {rules} rules", rules, "waf.rules", "a rule a month"))
    return out


def waf_on(path: Path | None = None, parameters: Mapping[str, str] | None = None) -> bool:
    """Whether a deploy with these parameters (else the defaults) has a web ACL (requests through it
    are billed)."""
    from regulars_local.emulator import aws
    from regulars_local.emulator.template import TEMPLATE, load

    stack = aws.Stack(path or TEMPLATE, parameters=dict(parameters or {}))
    return any(
        res["Type"] == "AWS::WAFv2::WebACL" and ("Condition" not in res or stack.condition(res["Condition"]))
        for res in load(path or TEMPLATE)["Resources"].values()
    )


def access_log_bytes(path: Path | None = None) -> int:
    """An API access-log line's size, estimated as its format's (each $context variable about as long
    as its value), with the log event's overhead; 0 without access logs."""
    from regulars_local.emulator.template import api_properties, resources

    total = 0
    for lid in resources("AWS::Serverless::Api", path) if path else resources("AWS::Serverless::Api"):
        setting = api_properties(lid, path) if path else api_properties(lid)
        fmt = (setting.get("AccessLogSetting") or {}).get("Format")
        if isinstance(fmt, str):
            total = max(total, len(fmt.encode()) + pricing.CLOUDWATCH_LOG_EVENT_OVERHEAD_BYTES)
    return total


def _enabled(value: Any) -> bool:
    return value.strip().lower() != "false" if isinstance(value, str) else bool(value)
