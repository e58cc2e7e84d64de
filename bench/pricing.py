"""What AWS bills, written once: us-east-1 on-demand list prices, the always-free tier, and the rules by
which DynamoDB turns a request into request units. Pure functions over item sizes and counts, so that
the unit test can check them against figures worked out by hand.

Every price is the list price in USD for us-east-1 on the page named next to it. A month is
:data:`MONTH_HOURS` hours, as AWS's pricing pages count one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

MONTH_HOURS = 730
MONTH_SECONDS = MONTH_HOURS * 3600
MILLION = 1_000_000
GB = 1024**3

# --- DynamoDB: https://aws.amazon.com/dynamodb/pricing/on-demand/ (Standard table class)
DYNAMODB_WRITE_REQUEST_UNIT = 0.625 / MILLION  # per write request unit
DYNAMODB_READ_REQUEST_UNIT = 0.125 / MILLION  # per read request unit
WRITE_UNIT_BYTES = 1024  # a write request unit writes up to 1 KB
READ_UNIT_BYTES = 4096  # a read request unit reads up to 4 KB, strongly consistent

# --- Lambda: https://aws.amazon.com/lambda/pricing/ (Arm, the first 7.5 billion GB-seconds)
LAMBDA_REQUEST = 0.20 / MILLION
LAMBDA_ARM_GB_SECOND = 0.0000133334
LAMBDA_BILLED_MS = 1  # duration is rounded up to the millisecond
LAMBDA_FREE_REQUESTS = 1_000_000  # always free, a month
LAMBDA_FREE_GB_SECONDS = 400_000

# --- SQS: https://aws.amazon.com/sqs/pricing/ (standard queues; every 64 KB chunk of a payload is a
# request; a Lambda event source mapping's ReceiveMessage and DeleteMessageBatch are requests too)
SQS_REQUEST = 0.40 / MILLION
SQS_FREE_REQUESTS = 1_000_000

# --- SNS: https://aws.amazon.com/sns/pricing/ (standard topics; deliveries to SQS queues are free;
# an SMS's own price, per message and country, is the channel's and not in this bill)
SNS_PUBLISH = 0.50 / MILLION
SNS_FREE_PUBLISHES = 1_000_000

# --- API Gateway: https://aws.amazon.com/api-gateway/pricing/ (REST APIs, the first 333 million;
# its free tier is for the first 12 months only)
API_GATEWAY_REST_REQUEST = 3.50 / MILLION

# --- CloudWatch: https://aws.amazon.com/cloudwatch/pricing/
CLOUDWATCH_METRIC_MONTH = 0.30  # a custom metric (EMF included), the first 10,000, prorated by hour
CLOUDWATCH_ALARM_METRIC_MONTH = 0.10  # a standard-resolution alarm, per metric it evaluates
CLOUDWATCH_HIGH_RESOLUTION_ALARM_METRIC_MONTH = 0.30  # an alarm on a period under a minute
CLOUDWATCH_COMPOSITE_ALARM_MONTH = 0.50
CLOUDWATCH_LOGS_INGESTED_GB = 0.50  # Standard log class
CLOUDWATCH_LOG_EVENT_OVERHEAD_BYTES = 26  # each log event is billed 26 bytes beyond its text
CLOUDWATCH_FREE_METRICS = 10
CLOUDWATCH_FREE_ALARM_METRICS = 10
CLOUDWATCH_FREE_LOGS_GB = 5

# --- X-Ray: https://aws.amazon.com/xray/pricing/
XRAY_TRACE_RECORDED = 5.00 / MILLION
XRAY_FREE_TRACES = 100_000

# --- KMS: https://aws.amazon.com/kms/pricing/ (AWS managed keys have no monthly fee)
KMS_KEY_MONTH = 1.00  # a customer managed key
KMS_REQUEST = 0.03 / 10_000
KMS_FREE_REQUESTS = 20_000

# --- WAF: https://aws.amazon.com/waf/pricing/
WAF_WEB_ACL_MONTH = 5.00
WAF_RULE_MONTH = 1.00
WAF_REQUEST = 0.60 / MILLION

# --- Lambda's SQS pollers: https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html (an
# event source mapping long-polls its queue while the queue is empty: with five pollers, "and can optimize
# to as few as 2 ... not available when you enable the maximum concurrency setting"; a provisioned
# mapping keeps its MinimumPollers; a long poll waits up to 20 s)
SQS_IDLE_POLLERS = 5
SQS_IDLE_POLLERS_UNCAPPED = 2
SQS_LONG_POLL_SECONDS = 20


def idle_pollers(mapping: Mapping[str, Any]) -> int:
    """The pollers an idle SQS event source mapping with these properties keeps long-polling."""
    provisioned = mapping.get("ProvisionedPollerConfig") or {}
    if "MinimumPollers" in provisioned:
        return int(provisioned["MinimumPollers"])
    if (mapping.get("ScalingConfig") or {}).get("MaximumConcurrency") is not None:
        return SQS_IDLE_POLLERS
    return SQS_IDLE_POLLERS_UNCAPPED


# ------------------------------------------------------------------------------------------ DynamoDB
def item_size(item: Mapping[str, Any] | None) -> int:
    """An item's size as DynamoDB counts it: the UTF-8 bytes of every attribute name plus its value."""
    return sum(len(name.encode()) + _value_size(value) for name, value in (item or {}).items())


def _value_size(value: Mapping[str, Any]) -> int:
    ((kind, v),) = value.items()
    match kind:
        case "S":
            return len(v.encode())
        case "N":
            digits = v.lstrip("-").replace(".", "").strip("0") or "0"
            return math.ceil(len(digits) / 2) + 1
        case "B":
            return len(v)
        case "BOOL" | "NULL":
            return 1
        case "SS":
            return sum(len(s.encode()) for s in v)
        case "NS":
            return sum(_value_size({"N": n}) for n in v)
        case "BS":
            return sum(len(b) for b in v)
        case "L":
            return 3 + sum(1 + _value_size(x) for x in v)
        case "M":
            return 3 + sum(1 + len(k.encode()) + _value_size(x) for k, x in v.items())
    raise ValueError(f"unknown attribute type {kind}")


def write_units(size: int) -> int:
    """Write request units of one item write: one per started KB, at least one."""
    return max(1, math.ceil(size / WRITE_UNIT_BYTES))


def read_units(size: int, *, consistent: bool = True) -> float:
    """Read request units of reading ``size`` bytes: one per started 4 KB (at least one), half of that
    eventually consistent."""
    units = max(1, math.ceil(size / READ_UNIT_BYTES))
    return float(units) if consistent else units / 2


@dataclass(frozen=True)
class Index:
    """A global secondary index: its key attributes and what it projects."""

    name: str
    keys: tuple[str, ...]
    projection: str = "ALL"  # ALL, KEYS_ONLY or INCLUDE
    included: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableShape:
    keys: tuple[str, ...]
    indexes: tuple[Index, ...] = ()

    def index_entry(self, index: Index, item: Mapping[str, Any] | None) -> dict[str, Any] | None:
        """The copy of ``item`` in ``index`` (None: the item is not in it, a key attribute is missing)."""
        if not item or any(k not in item for k in index.keys):
            return None
        if index.projection == "ALL":
            return dict(item)
        names = set(self.keys) | set(index.keys)
        if index.projection == "INCLUDE":
            names |= set(index.included)
        return {k: v for k, v in item.items() if k in names}


@dataclass
class Write:
    """The units one item write is billed: on the table and on the indexes it changes."""

    table: float = 0.0
    indexes: float = 0.0

    @property
    def total(self) -> float:
        return self.table + self.indexes


def item_write(
    shape: TableShape,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    transactional: bool = False,
    failed: bool = False,
) -> Write:
    """What DynamoDB bills for one item written (put, update or delete; ``after`` None is a delete).

    - the table: the larger of the item before and after, one unit per started KB (at least one);
      twice that inside a transaction (DynamoDB prepares and commits each item);
    - a write whose condition failed still costs the units of the item as it is (at least one),
      and changes no index; in a cancelled transaction every item costs its prepare, one rate;
    - each global secondary index the item is in, before or after, is written again at the size of
      its entry there: one write to put or update an entry, one to remove it, two when the index's
      key changed (the old entry removed, the new one put); nothing when the entry is unchanged.
      Index writes are billed at the standard rate: they are applied after the transaction commits.
    """
    if failed:
        return Write(table=float(write_units(item_size(before))))
    rate = 2 if transactional else 1
    out = Write(table=float(rate * write_units(max(item_size(before), item_size(after)))))
    for index in shape.indexes:
        old, new = shape.index_entry(index, before), shape.index_entry(index, after)
        if old == new:
            continue
        if old is None or new is None:
            out.indexes += write_units(item_size(old or new))
        elif any(old[k] != new[k] for k in index.keys):
            out.indexes += write_units(item_size(old)) + write_units(item_size(new))
        else:
            out.indexes += write_units(max(item_size(old), item_size(new)))
    return out


def transaction_item(
    shape: TableShape,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    check: bool = False,
    cancelled: bool = False,
) -> Write:
    """One item of a TransactWriteItems. A ConditionCheck is billed as a transactional write of the
    item it reads (its size, at least 1 KB, twice) and writes no index. In a cancelled transaction each
    item costs its prepare, at one rate, and nothing is written."""
    if cancelled:
        return Write(table=float(write_units(item_size(before))))
    if check:
        return Write(table=float(2 * write_units(item_size(before))))
    return item_write(shape, before, after, transactional=True)


def transaction_write(
    shape: TableShape,
    items: Sequence[tuple[Mapping[str, Any] | None, Mapping[str, Any] | None, bool]],
    *,
    cancelled: bool = False,
) -> Write:
    """A TransactWriteItems of ``(before, after, is_check)`` items (see :func:`transaction_item`)."""
    out = Write()
    for before, after, check in items:
        one = transaction_item(shape, before, after, check=check, cancelled=cancelled)
        out.table, out.indexes = out.table + one.table, out.indexes + one.indexes
    return out


def query_read(sizes: Iterable[int], *, consistent: bool) -> float:
    """A Query or Scan page: the sizes of every item it read (filtered out or not, whatever it
    projected) summed, then one unit per started 4 KB, at least one; half eventually consistent."""
    return read_units(sum(sizes), consistent=consistent)


def items_read(sizes: Iterable[int], *, consistent: bool, transactional: bool = False) -> float:
    """GetItem, BatchGetItem, TransactGetItems: each item rounded up on its own (a missing item still
    costs one unit); a transactional read costs twice a consistent one."""
    if transactional:
        return sum(2 * read_units(s) for s in sizes)
    return sum(read_units(s, consistent=consistent) for s in sizes)


# ------------------------------------------------------------------------------------------ SQS
def idle_polls_a_month(pollers: Iterable[int]) -> float:
    """ReceiveMessage requests a month of the event source mappings with these pollers, every queue
    empty: each poller long-polls :data:`SQS_LONG_POLL_SECONDS` at a time, all month."""
    return sum(pollers) * MONTH_SECONDS / SQS_LONG_POLL_SECONDS


def sqs_requests(payload_bytes: int) -> int:
    """An SQS request carrying ``payload_bytes`` is billed one request per started 64 KB."""
    return max(1, math.ceil(payload_bytes / 65_536))


# ------------------------------------------------------------------------------------------ the bill
@dataclass(frozen=True)
class Meter:
    """One line of an AWS bill: what is counted, in which unit, at what price, with how much free."""

    key: str
    label: str
    unit: str
    price: float  # USD per unit
    free: float = 0.0  # units a month inside the always-free tier


METERS: tuple[Meter, ...] = (
    Meter("dynamodb.write", "DynamoDB writes", "WRU", DYNAMODB_WRITE_REQUEST_UNIT),
    Meter("dynamodb.read", "DynamoDB reads", "RRU", DYNAMODB_READ_REQUEST_UNIT),
    Meter("lambda.requests", "Lambda requests", "invocations", LAMBDA_REQUEST, LAMBDA_FREE_REQUESTS),
    Meter("lambda.gb_s", "Lambda duration (arm64)", "GB-s", LAMBDA_ARM_GB_SECOND, LAMBDA_FREE_GB_SECONDS),
    Meter("sqs.requests", "SQS requests", "requests", SQS_REQUEST, SQS_FREE_REQUESTS),
    Meter("sns.publishes", "SNS publishes", "requests", SNS_PUBLISH, SNS_FREE_PUBLISHES),
    Meter("apigw.requests", "API Gateway (REST)", "requests", API_GATEWAY_REST_REQUEST),
    Meter(
        "cloudwatch.metrics",
        "CloudWatch custom metrics",
        "metric-months",
        CLOUDWATCH_METRIC_MONTH,
        CLOUDWATCH_FREE_METRICS,
    ),
    Meter(
        "cloudwatch.alarms",
        "CloudWatch alarms",
        "alarm metrics",
        CLOUDWATCH_ALARM_METRIC_MONTH,
        CLOUDWATCH_FREE_ALARM_METRICS,
    ),
    Meter(
        "cloudwatch.alarms_hr",
        "CloudWatch high-resolution alarms",
        "alarm metrics",
        CLOUDWATCH_HIGH_RESOLUTION_ALARM_METRIC_MONTH,
    ),
    Meter("cloudwatch.composite", "CloudWatch composite alarms", "alarms", CLOUDWATCH_COMPOSITE_ALARM_MONTH),
    Meter("logs.gb", "CloudWatch Logs ingestion", "GB", CLOUDWATCH_LOGS_INGESTED_GB, CLOUDWATCH_FREE_LOGS_GB),
    Meter("xray.traces", "X-Ray traces", "traces", XRAY_TRACE_RECORDED, XRAY_FREE_TRACES),
    Meter("kms.keys", "KMS customer managed keys", "key-months", KMS_KEY_MONTH),
    Meter("kms.requests", "KMS requests", "requests", KMS_REQUEST, KMS_FREE_REQUESTS),
    Meter("waf.acls", "WAF web ACLs", "ACL-months", WAF_WEB_ACL_MONTH),
    Meter("waf.rules", "WAF rules", "rule-months", WAF_RULE_MONTH),
    Meter("waf.requests", "WAF requests", "requests", WAF_REQUEST),
)
METER = {m.key: m for m in METERS}


@dataclass
class Usage:
    """Quantities by meter key (see :data:`METERS`)."""

    amounts: dict[str, float] = field(default_factory=dict)

    def add(self, key: str, quantity: float) -> None:
        if key not in METER:
            raise KeyError(f"no meter {key}")
        self.amounts[key] = self.amounts.get(key, 0.0) + quantity

    def __getitem__(self, key: str) -> float:
        return self.amounts.get(key, 0.0)

    def plus(self, other: Usage, times: float = 1.0) -> Usage:
        out = Usage(dict(self.amounts))
        for key, quantity in other.amounts.items():
            out.add(key, quantity * times)
        return out

    def scaled(self, factor: float) -> Usage:
        return Usage({k: v * factor for k, v in self.amounts.items()})


@dataclass(frozen=True)
class Line:
    meter: Meter
    quantity: float
    billed: float  # the quantity beyond the free tier (equal to quantity at list price)

    @property
    def cost(self) -> float:
        return self.billed * self.meter.price


def bill(usage: Usage, *, free_tier: bool = False) -> list[Line]:
    """The bill's lines in :data:`METERS` order, one a meter with a quantity."""
    return [
        Line(m, usage[m.key], max(0.0, usage[m.key] - m.free) if free_tier else usage[m.key])
        for m in METERS
        if usage[m.key]
    ]


def cost(usage: Usage, *, free_tier: bool = False) -> float:
    return sum(line.cost for line in bill(usage, free_tier=free_tier))
