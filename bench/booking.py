"""Bookings through the real public handler against DynamoDB Local: the DynamoDB calls and capacity
each booking costs, and the latency of the handler next to the raw DynamoDB calls it makes."""

from __future__ import annotations

import itertools
import math
import statistics
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from regulars_local.emulator.functions import context_for

from bench import api, dynamo
from bench.report import median_ms, ratio, table, verdict

SALON = "bench"
SERVICE = "haircut"  # 60 minutes: twelve 5-minute cells of the staff member's day lock item
GOAL = 1.3
SLOTS = "/v1/salons/{salon_id}/slots"
APPOINTMENTS = "/v1/salons/{salon_id}/appointments"
CATALOG = "/v1/salons/{salon_id}/catalog"
BERLIN = ZoneInfo("Europe/Berlin")


class Bench:
    def __init__(self, local: dynamo.Local):
        from regulars.store.base import Entity

        self.local = local
        self.handler = api.load_handler("public_api")
        self.recorder = dynamo.Recorder(Entity.connection().client)
        self._numbers = itertools.count(1)
        self.calendar = self._free_starts()

    # ------------------------------------------------------------------------------- requests
    def call(self, event: dict[str, Any]) -> tuple[dict[str, Any], float, list[dynamo.Call]]:
        """Invoke the handler; returns its response, the wall time and the DynamoDB calls it made."""
        self.recorder.take()
        context = context_for("public_api")
        start = time.perf_counter()
        response = self.handler(event, context)
        elapsed = time.perf_counter() - start
        return response, elapsed, self.recorder.take()

    def slots_event(self, day: date) -> dict[str, Any]:
        query = {"service_id": SERVICE, "date": day.isoformat()}
        return api.event("GET", SLOTS, {"salon_id": SALON}, query=query)

    def booking_event(self, phone: str | None = None) -> dict[str, Any]:
        """A widget booking of the next free time, with an Idempotency-Key, as the widget sends it."""
        start, staff_id = next(self.calendar)
        number = next(self._numbers)
        body = {
            "service_id": SERVICE,
            "staff_id": staff_id,
            "start": start,
            "client": {
                "name": f"Client {_letters(number)}",
                "phone": phone or self.new_phone(),
                "locale": "de",
            },
            "consents": {"marketing": True},
        }
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        return api.event("POST", APPOINTMENTS, {"salon_id": SALON}, body=body, headers=headers)

    def new_phone(self) -> str:
        return f"0151 {next(self._numbers):08d}"

    def book(self, event: dict[str, Any]) -> tuple[float, list[dynamo.Call]]:
        response, elapsed, calls = self.call(event)
        if response["statusCode"] != 201:
            raise RuntimeError(f"booking failed: {response['statusCode']} {response.get('body')}")
        return elapsed, calls

    def _free_starts(self) -> Iterator[tuple[str, str]]:
        """Free (start, staff) pairs from tomorrow on, as GET slots offers them, one visit after another
        so that none overlaps a booking made from an earlier pair."""
        day = datetime.now(BERLIN).date()
        while True:
            day += timedelta(days=1)
            response, _, _ = self.call(self.slots_event(day))
            slots = api.json_body(response)["slots"]
            free_from: dict[str, datetime] = {}
            for slot in slots:
                start = datetime.fromisoformat(slot["start"])
                if start >= free_from.get(slot["staff_id"], start):
                    free_from[slot["staff_id"]] = start + timedelta(minutes=60)
                    yield slot["start"], slot["staff_id"]


def _letters(number: int) -> str:
    """A name's part from a number (a name has letters only): 1 -> B, 26 -> BA."""
    out = ""
    while True:
        number, digit = divmod(number, 26)
        out = chr(ord("A") + digit) + out
        if not number:
            return out.capitalize()


def open_to_the_bench(salon_id: str) -> None:
    """The bench books hundreds of visits from one address, for phones the salon does not know, with
    no one-time code: the salon's protection lets that through (its limits are not what is measured)."""
    from regulars.salon import repo as catalog
    from regulars.salon.model import SalonSettings

    settings = SalonSettings().model_dump()
    settings["protection"].update(
        phone_check="never",
        bookings_per_address_hour=100_000,
        new_phones_per_hour=100_000,
        bookings_per_phone_day=1_000,
    )
    catalog.update_salon(salon_id, settings=settings)


# ------------------------------------------------------------------------------------ b. calls
@dataclass
class Scenario:
    name: str
    bookings: list[list[dynamo.Call]]

    def per_booking(self, operation: str) -> float:
        return statistics.mean(dynamo.count(calls)[operation] for calls in self.bookings)

    def mean(self, fn: Callable[[list[dynamo.Call]], float]) -> float:
        return statistics.mean(fn(calls) for calls in self.bookings)


def calls_per_booking(bench: Bench, bookings: int = 20) -> str:
    bench.recorder.consumed_capacity = True
    try:
        new = Scenario("new client", [])
        phones = []
        for _ in range(bookings):
            phone = bench.new_phone()
            phones.append(phone)
            new.bookings.append(bench.book(bench.booking_event(phone))[1])
        returning = Scenario("returning client", [bench.book(bench.booking_event(p))[1] for p in phones])
    finally:
        bench.recorder.consumed_capacity = False
    operations = sorted({c.operation for s in (new, returning) for calls in s.bookings for c in calls})
    reads = ("GetItem", "Query", "BatchGetItem", "Scan")
    rows = [
        [
            s.name,
            *(s.per_booking(op) for op in operations),
            s.mean(len),
            s.mean(dynamo.transaction_items),
            s.mean(lambda calls: dynamo.reported_units(calls, reads)),
            s.mean(lambda calls: dynamo.reported_units(calls, ("TransactWriteItems",))),
            s.mean(dynamo.transaction_wcu),
        ]
        for s in (new, returning)
    ]
    return table(
        f"DynamoDB calls per booking (POST {APPOINTMENTS}, {SERVICE}, mean of {bookings}, catalog cached)",
        [
            "client",
            *operations,
            "calls",
            "items in the transaction",
            "RCU (Local)",
            "WCU (Local)",
            "WCU (DynamoDB bills)",
        ],
        rows,
        "RCU/WCU (Local): ConsumedCapacity as DynamoDB Local reports it (ReturnConsumedCapacity=TOTAL). "
        "DynamoDB Local under-reports transactions; WCU (DynamoDB bills) is 2 units per started KB of each "
        "item in the TransactWriteItems, as DynamoDB charges transactional writes. The catalog Query is "
        "not counted: the function caches the catalog (CATALOG_CACHE_SECONDS, 30 s).",
    )


# --------------------------------------------------------------------- b2. billed as AWS bills
INDEXES = ("GSI1", "GSI2")


def _units(size: int) -> int:
    return max(1, math.ceil(size / 1024))


def _key(table: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"TableName": table, "Key": body["Key"], "ConsistentRead": True}


def billed_wru(raw: Any, table: str, calls: list[dynamo.Call]) -> tuple[float, float, int]:
    """Write units DynamoDB bills for ``calls``: each written item by its size (a put's item, an
    update's item as it is after the write, read back with a plain client), transactions at double
    rate, one more standard write per index the item is in (GSI1, GSI2: projected whole); a delete
    or a condition check at 1 KB. Returns (all, the lock items' part, the largest lock item's bytes)."""
    total = locks = 0.0
    largest = 0

    def bill(rate: int, item: dict[str, Any] | None) -> float:
        nonlocal largest
        size = dynamo.item_size(item) if item else 1024
        units = rate * _units(size) + sum(_units(size) for i in INDEXES if item and f"{i}PK" in item)
        if item and item.get("type", {}).get("S") == "DayLock":
            largest = max(largest, size)
        return float(units)

    for call in calls:
        entries: list[tuple[int, str, dict[str, Any]]] = []
        if call.operation == "TransactWriteItems":
            entries = [
                (2, kind, body) for entry in call.params["TransactItems"] for kind, body in entry.items()
            ]
        elif call.operation in ("PutItem", "UpdateItem", "DeleteItem"):
            entries = [(1, call.operation.removesuffix("Item"), call.params)]
        for rate, kind, body in entries:
            if kind == "Put":
                item = body["Item"]
            elif kind == "Update":
                item = raw.get_item(**_key(table, body)).get("Item")
            else:
                item = None
            units = bill(rate, item)
            total += units
            if kind == "Update" and item and item.get("type", {}).get("S") == "DayLock":
                locks += units
    return total, locks, largest


def changes(bench: Bench, visits: int = 20) -> str:
    """Bookings, moves and cancels of a one-hour visit, through the real code, billed by
    :func:`billed_wru`, with room around each visit (so that a move by 15 minutes finds its time free);
    and the biggest lock item in the table (the days :func:`calls_per_booking` filled back to back)."""
    from regulars.booking import service
    from regulars.core import clock
    from regulars.core.errors import SlotTaken

    raw, table_name = bench.local.raw, bench.local.table
    rows = []
    booked: list[str] = []
    measured: dict[str, list[tuple[float, float, int]]] = {
        "booking (new client)": [],
        "booking (returning client)": [],
        "move within the staff member's day": [],
        "move to another day": [],
        "cancel": [],
    }
    phones = []
    for n in range(2 * visits):
        phone = bench.new_phone() if n < visits else phones[n - visits]
        phones.append(phone)
        response, _, calls = bench.call(bench.booking_event(phone))
        if response["statusCode"] != 201:
            raise RuntimeError(f"booking failed: {response['statusCode']} {response.get('body')}")
        booked.append(api.json_body(response)["appointment"]["id"])
        kind = "booking (new client)" if n < visits else "booking (returning client)"
        measured[kind].append(billed_wru(raw, table_name, calls))
        next(bench.calendar), next(bench.calendar)  # room around each visit, to move it by 15 minutes
    for n, appointment_id in enumerate(booked[:visits]):
        visit = service.appointment(SALON, appointment_id)
        within = n % 2 == 0
        start = visit.start + (timedelta(minutes=15) if within else timedelta(days=7))
        bench.recorder.take()
        try:
            service.move(
                SALON,
                appointment_id,
                start=start,
                staff_id=None,
                now=clock.now(),
                by="bench",
                respect_hours=False,
            )
        except SlotTaken:  # another visit follows it: the next one
            continue
        calls = bench.recorder.take()
        kind = "move within the staff member's day" if within else "move to another day"
        measured[kind].append(billed_wru(raw, table_name, calls))
    for appointment_id in booked[visits:]:
        bench.recorder.take()
        service.cancel(SALON, appointment_id, now=clock.now(), by="bench")
        measured["cancel"].append(billed_wru(raw, table_name, bench.recorder.take()))
    for name, bills in measured.items():
        if bills:
            rows.append(
                [
                    name,
                    len(bills),
                    statistics.mean(b[0] for b in bills),
                    statistics.mean(b[1] for b in bills),
                    max(b[2] for b in bills),
                ]
            )
    busiest = max(
        (
            dynamo.item_size(item)
            for staff_id in ("anna", "marta")
            for item in raw.query(
                TableName=table_name,
                KeyConditionExpression="PK = :pk AND begins_with(SK, :day)",
                ExpressionAttributeValues={
                    ":pk": {"S": f"SALON#{SALON}#LOCK#{staff_id}"},
                    ":day": {"S": "DAY#"},
                },
            )["Items"]
        ),
        default=0,
    )
    return table(
        "Write units billed per change of a one-hour visit (as DynamoDB bills them)",
        ["change", "n", "WRU billed", "of which the lock item", "largest lock item, bytes"],
        rows,
        "Every write of the request, billed from the real item sizes: a put by its item, an update by the "
        "item as it is after the write (read back), transactions at double rate, one more standard write "
        "per index the item is in (GSI1 and GSI2 project whole items), a delete or condition check at 1 KB; "
        "the rate counters of a public booking (UpdateItem) included. Moves and cancels through the desk's "
        "service (the manage page's path is the same store call). Lock item: the staff member's day item "
        "the change updates; its size after the write. The biggest lock item in the table, a day booked "
        f"from 09:00 to 18:00 but for lunch: {busiest} bytes.",
    )


# ------------------------------------------------------------------------------------ c. latency
@dataclass
class Latency:
    request: str
    handler: list[float] = field(default_factory=list)
    raw: list[float] = field(default_factory=list)
    inside: list[float] = field(default_factory=list)  # the handler's own DynamoDB calls
    own: list[float] = field(default_factory=list)  # the handler less its DynamoDB calls

    def add(self, handler: float, raw: float, calls: list[dynamo.Call]) -> None:
        inside = sum(c.seconds for c in calls)
        self.handler.append(handler)
        self.raw.append(raw)
        self.inside.append(inside)
        self.own.append(handler - inside)

    def row(self) -> list[object]:
        h, r = median_ms(self.handler), median_ms(self.raw)
        met = verdict(ratio(h, r), GOAL)
        return [
            self.request,
            len(self.handler),
            h,
            r,
            ratio(h, r),
            met,
            median_ms(self.inside),
            median_ms(self.own),
        ]


def _timed_replay(client: Any, calls: list[dynamo.Call], table: str | None = None) -> float:
    start = time.perf_counter()
    dynamo.replay(client, calls, table)
    return time.perf_counter() - start


def latency(bench: Bench, requests: int = 200, bookings: int = 100, warmup: int = 20) -> str:
    """Each request through the handler, then at once its DynamoDB calls again with a plain client:
    interleaved, so that both see DynamoDB Local (a JVM) and the machine in the same state."""
    day = datetime.now(BERLIN).date() + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    twin = bench.local.twin()  # a booking's writes again, on a table where their conditions hold
    slots = Latency(f"GET {SLOTS}")
    book = Latency(f"POST {APPOINTMENTS}")
    seen: dict[str, list[dynamo.Call]] = {}
    for i in range(warmup + requests):
        response, elapsed, calls = bench.call(bench.slots_event(day))
        assert response["statusCode"] == 200, response
        raw = _timed_replay(bench.local.raw, calls)
        if i >= warmup:
            slots.add(elapsed, raw, calls)
            seen["slots"] = calls
    for i in range(warmup + bookings):
        elapsed, calls = bench.book(bench.booking_event())
        raw = _timed_replay(bench.local.raw, calls, twin)
        if i >= warmup:
            book.add(elapsed, raw, calls)
            seen["booking"] = calls
    ops = {
        name: ", ".join(f"{op} {n}" for op, n in sorted(dynamo.count(calls).items()))
        for name, calls in seen.items()
    }
    return table(
        "Latency: the handler in-process vs the raw DynamoDB calls it makes (plain boto3 client)",
        [
            "request",
            "n",
            "handler median ms",
            "raw calls median ms",
            "ratio",
            f"<= {GOAL}",
            "its calls, inside ms",
            "handler less its calls ms",
        ],
        [slots.row(), book.row()],
        f"Raw calls: after each request, the same DynamoDB calls again with a plain boto3 client (slots: "
        f"{ops['slots']}; booking: {ops['booking']}, its writes on an empty twin table). Inside: the same "
        "calls timed within the request (botocore and DynamoDB). DynamoDB Local shares the machine's two "
        "cores with the benchmark, so its times vary by some 10% from run to run; the last column, the "
        "function's own work, does not depend on DynamoDB's speed.",
    )


# ------------------------------------------------------------------------------------ entry
def report(requests: int = 200, bookings: int = 100) -> str:
    local = dynamo.start_or_reason("Bookings and latency")
    if isinstance(local, str):
        return local
    try:
        from regulars.core import clock

        dynamo.make_salon(SALON, clock.now())
        open_to_the_bench(SALON)
        bench = Bench(local)
        bench.call(api.event("GET", CATALOG, {"salon_id": SALON}))  # loads the catalog cache
        return "\n".join([calls_per_booking(bench), changes(bench), latency(bench, requests, bookings)])
    finally:
        local.stop()
