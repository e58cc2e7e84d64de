"""DynamoDB Local for the benchmarks, a small salon in it, and a recorder of the calls a client makes."""

from __future__ import annotations

import copy
import math
import os
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from botocore import xform_name
from regulars.salon.model import Salon, Service, StaffMember

from bench.pricing import item_size

LAMBDA_ENV = {
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_SERVICE_NAME": "regulars",
    "POWERTOOLS_METRICS_NAMESPACE": "Regulars",
    "MANAGE_LINK_SECRET": "bench-link-key-0123456789",
    "PUBLIC_BASE_URL": "https://example.com",
}


@dataclass
class Local:
    """A running DynamoDB Local with the application bound to ``table`` and a plain boto3 client."""

    server: Any
    table: str
    raw: Any

    def twin(self) -> str:
        """Another empty table of the same definition (for replaying writes that already happened)."""
        from regulars_local.emulator import dynamodb_local

        name = f"{self.table}-twin-{uuid.uuid4().hex[:6]}"
        dynamodb_local.create_table(self.raw, name)
        return name

    def stop(self) -> None:
        self.server.stop()


def start() -> Local:
    """Start DynamoDB Local and point the application at a fresh table in it.

    Raises ``regulars_local.emulator.dynamodb_local.Unavailable`` (with the reason) without Java or the jar."""
    os.environ.update(LAMBDA_ENV)  # never the caller's AWS account: every call goes to DynamoDB Local
    os.environ.pop("AWS_PROFILE", None)
    from regulars_local.emulator import dynamodb_local

    server = dynamodb_local.start()
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = server.endpoint
    table = f"regulars-bench-{uuid.uuid4().hex[:6]}"
    os.environ["TABLE_NAME"] = table
    raw = dynamodb_local.client(server.endpoint)
    dynamodb_local.create_table(raw, table)

    from regulars.store import base

    base.bind_table(table)
    base.Entity._connection = None
    return Local(server, table, raw)


def start_or_reason(title: str) -> Local | str:
    """DynamoDB Local started, or the report's section saying why it could not be (no Java, no jar)."""
    from regulars_local.emulator.dynamodb_local import Unavailable

    try:
        return start()
    except Unavailable as exc:
        return f"### {title}\n\nSkipped: {exc}\n"


def make_salon(salon_id: str, now: datetime) -> None:
    """Berlin, two staff on weekdays 09:00-18:00 with lunch at 13:00, three services."""
    from regulars.core.money import Money
    from regulars.salon import repo as catalog

    week = {d: [("09:00", "18:00")] for d in ("mon", "tue", "wed", "thu", "fri")}
    lunch = {d: [("13:00", "14:00")] for d in ("mon", "tue", "wed", "thu", "fri")}
    catalog.create_salon(
        Salon(
            id=salon_id,
            name=f"Salon {salon_id}",
            timezone="Europe/Berlin",
            currency="EUR",
            locale="en",
            country="DE",
        ),
        now,
    )
    for service_id, name, minutes, cents in (
        ("haircut", "Haircut", 60, 4500),
        ("manicure", "Manicure", 45, 3000),
        ("brows", "Brows", 20, 1500),
    ):
        service = Service(
            id=service_id, name=name, duration_minutes=minutes, price=Money(amount=cents, currency="EUR")
        )
        catalog.put_service(salon_id, service, create=True)
    for staff_id, services in (("anna", ["haircut", "brows"]), ("marta", ["haircut", "manicure"])):
        member = StaffMember(
            id=staff_id, name=staff_id.title(), service_ids=services, working_hours=week, breaks=lunch
        )
        catalog.put_staff(salon_id, member, create=True)


# ---------------------------------------------------------------------------------------- recorder
@dataclass
class Call:
    operation: str
    params: dict[str, Any]  # as the caller gave them, before botocore adds anything
    consumed: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0  # from the parameters to the parsed response: botocore and DynamoDB
    items: int | None = None  # what a Query or Scan returned (its Count)


class Recorder:
    """Hooks on a botocore DynamoDB client: each API call (``before-call``, once per call whatever
    the retries), its parameters (``provide-client-params``) and, when ``consumed_capacity`` is set,
    the ConsumedCapacity DynamoDB returns for it (requested with ReturnConsumedCapacity=TOTAL). Calls
    made from several threads at once (the ticker's Queries) are each matched with their own
    response: a call's state is kept per thread."""

    def __init__(self, client: Any, *, consumed_capacity: bool = False):
        self._events = client.meta.events
        self.consumed_capacity = consumed_capacity
        self._mine = threading.local()  # this thread's call in flight: its parameters, start, record
        self._lock = threading.Lock()
        self.calls: list[Call] = []
        self._hooks = [
            ("provide-client-params.dynamodb.*", self._on_params),
            ("before-call.dynamodb.*", self._on_call),
            ("after-call.dynamodb.*", self._on_response),
        ]
        for event, hook in self._hooks:
            self._events.register(event, hook, unique_id=f"bench-{id(self)}-{event}")

    def close(self) -> None:
        for event, hook in self._hooks:
            self._events.unregister(event, hook, unique_id=f"bench-{id(self)}-{event}")

    def take(self) -> list[Call]:
        with self._lock:
            calls, self.calls = self.calls, []
        return calls

    def _on_params(self, params: dict[str, Any], **_: Any) -> None:
        self._mine.params = copy.deepcopy(params)
        if self.consumed_capacity:
            params.setdefault("ReturnConsumedCapacity", "TOTAL")
        self._mine.started = time.perf_counter()

    def _on_call(self, model: Any, **_: Any) -> None:
        call = Call(model.name, getattr(self._mine, "params", {}))
        self._mine.call = call
        with self._lock:
            self.calls.append(call)

    def _on_response(self, parsed: dict[str, Any], **_: Any) -> None:
        call = getattr(self._mine, "call", None)
        if call is None:
            return
        self._mine.call = None
        call.seconds = time.perf_counter() - self._mine.started
        call.items = parsed.get("Count")
        consumed = parsed.get("ConsumedCapacity")
        if consumed:
            call.consumed = consumed if isinstance(consumed, list) else [consumed]


def count(calls: list[Call]) -> Counter[str]:
    return Counter(c.operation for c in calls)


def reported_units(calls: list[Call], operations: tuple[str, ...]) -> float:
    """Capacity units DynamoDB (Local) reported for the calls of these operations."""
    return sum(
        entry.get("CapacityUnits", 0.0) for c in calls if c.operation in operations for entry in c.consumed
    )


# ------------------------------------------------------------------------------ what DynamoDB bills
def transaction_wcu(calls: list[Call]) -> float:
    """Write units DynamoDB bills for the TransactWriteItems among ``calls``: two per 1 KB of each
    item (transactions cost double). For an update, delete or check the stored item is not known
    here, and 1 KB is assumed."""
    units = 0
    for call in calls:
        if call.operation != "TransactWriteItems":
            continue
        for entry in call.params["TransactItems"]:
            put = entry.get("Put")
            units += 2 * (math.ceil(item_size(put["Item"]) / 1024) if put else 1)
    return float(units)


def transaction_items(calls: list[Call]) -> int:
    return sum(len(c.params["TransactItems"]) for c in calls if c.operation == "TransactWriteItems")


# ---------------------------------------------------------------------------------------- replay
def replay(client: Any, calls: list[Call], table: str | None = None) -> None:
    """Make ``calls`` again with a plain client, optionally against another table."""
    for call in calls:
        params = _retarget(call.params, table) if table else call.params
        getattr(client, xform_name(call.operation))(**params)


def _retarget(params: dict[str, Any], table: str) -> dict[str, Any]:
    out = dict(params)
    if "TableName" in out:
        out["TableName"] = table
    if "TransactItems" in out:
        out["TransactItems"] = [
            {kind: {**body, "TableName": table} for kind, body in entry.items()}
            for entry in out["TransactItems"]
        ]
    return out
