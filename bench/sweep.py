"""The ticker's sweep against a large table: what one tick reads when 50 jobs are due among 100,000
clients and their future jobs, next to what a Scan of the same table would read. Capacity is what
DynamoDB Local reports (ReturnConsumedCapacity=TOTAL), in read capacity units."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench import dynamo
from bench.report import ratio, table

DUE = 50


def _put_all(local: dynamo.Local, items: list[Any]) -> None:
    """Write PynamoDB items with BatchWriteItem, 25 at a time, retrying what DynamoDB left unprocessed."""
    requests = [{"PutRequest": {"Item": item.serialize()}} for item in items]
    for start in range(0, len(requests), 25):
        pending = {local.table: requests[start : start + 25]}
        while pending:
            pending = local.raw.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def fill(local: dynamo.Local, clients: int, future_jobs: int, now: datetime) -> None:
    from regulars.clients.items import Client, PhoneIndex
    from regulars.runtime.jobs.items import Job

    batch: list[Any] = []
    for n in range(clients):
        phone = f"+49151{n:08d}"
        client_id = f"c{n:07d}"
        batch += [
            Client(
                salon_id=f"salon-{n % 20}",
                client_id=client_id,
                name=f"Client {n}",
                name_key=f"client {n}",
                phone=phone,
                created_at=now,
            ),
            PhoneIndex(salon_id=f"salon-{n % 20}", phone=phone, client_id=client_id),
        ]
        if n < future_jobs:  # reminders and other jobs due in the weeks ahead: pending, not due
            due = now + timedelta(hours=2 + n % (24 * 30), minutes=n % 60)
            batch.append(
                Job(
                    salon_id=f"salon-{n % 20}",
                    job_id=f"future-{n}",
                    kind="reminder",
                    subject=f"APPT#{n}",
                    due_at=due,
                    created_at=now,
                    updated_at=now,
                )
            )
        if len(batch) >= 2500:
            _put_all(local, batch)
            batch = []
    for n in range(DUE):  # due in the last minutes, as if the ticker had missed a few ticks
        due = now - timedelta(minutes=n % 5, seconds=n)
        batch.append(
            Job(
                salon_id=f"salon-{n % 20}",
                job_id=f"due-{n}",
                kind="reminder",
                subject=f"APPT#due-{n}",
                due_at=due,
                created_at=now,
                updated_at=now,
            )
        )
    _put_all(local, batch)


def report(clients: int = 100_000, future_jobs: int = 20_000) -> str:
    local = dynamo.start_or_reason("The ticker's sweep")
    if isinstance(local, str):
        return local
    try:
        from regulars.runtime.jobs import repo as job_store
        from regulars.runtime.jobs import ticker
        from regulars.store.base import Entity

        now = datetime(2026, 11, 23, 10, 0, 30, tzinfo=UTC)
        started = time.perf_counter()
        fill(local, clients, future_jobs, now)
        filled = time.perf_counter() - started
        job_store.advance_watermark(now - timedelta(minutes=6), now)  # the last tick was 6 minutes ago

        recorder = dynamo.Recorder(Entity.connection().client, consumed_capacity=True)
        sent: list[Any] = []
        started = time.perf_counter()
        tick = ticker.tick(now, lambda refs: sent.extend(refs) or [])
        tick_seconds = time.perf_counter() - started
        calls = recorder.take()
        recorder.close()
        queries = [c for c in calls if c.operation == "Query"]
        tick_reads = dynamo.reported_units(calls, ("Query",))
        tick_writes = dynamo.reported_units(calls, ("UpdateItem", "PutItem"))

        scanned, scan_units, scan_calls, key = 0, 0.0, 0, None
        started = time.perf_counter()
        while True:
            page = local.raw.scan(
                TableName=local.table,
                ReturnConsumedCapacity="TOTAL",
                **({"ExclusiveStartKey": key} if key else {}),
            )
            scanned += page["Count"]
            scan_units += page["ConsumedCapacity"]["CapacityUnits"]
            scan_calls += 1
            key = page.get("LastEvaluatedKey")
            if not key:
                break
        scan_seconds = time.perf_counter() - started
        rows = [
            [
                "one tick (due-day index)",
                len(queries),
                sum(c.items or 0 for c in queries),
                tick_reads,
                round(tick_seconds * 1000),
            ],
            ["a Scan of the table", scan_calls, scanned, scan_units, round(scan_seconds * 1000)],
        ]
        note = (
            f"{clients:,} clients (with their phone index) in 20 salons and {future_jobs:,} pending jobs due in the "
            f"next 30 days, plus {DUE} jobs due in the 6 minutes since the last tick (filled in {filled:.0f} s). "
            f"The tick queued {tick.queued} jobs with {len(queries)} Queries ({tick.days} day x 8 shards) and "
            f"spent {tick_writes:.0f} WCU marking them queued; a Scan reads {ratio(scan_units, tick_reads):,.0f}x "
            f"the capacity."
        )
        return table("The ticker's sweep", ["read", "calls", "items", "RCU", "ms"], rows, note)
    finally:
        local.stop()
