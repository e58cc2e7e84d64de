"""Moving in: a salon's clients and their visit history imported from CSV exports on DynamoDB Local, as
the console and the job worker do it: each chunk of rows read (the dry run's reading, the run's), sent
as a job and written by the worker. The figures are rows per second of each stage and the DynamoDB
capacity per row: WRU and RRU by the on-demand rules, from the sizes of the items really written and
read (DynamoDB Local's ReturnConsumedCapacity; a transaction counted twice by the size of its items),
then the same files imported again (nothing is added: the cost of making sure) and the imported visits
through the stream processor (counted in the client's statistics and the analytics, nothing else).

The issue asks for 50,000 clients with 500,000 visits; DynamoDB Local in one process takes about an
hour for that, so the default is a tenth of it (``--import-clients``, ``--import-visits`` run any size)
and the table gives the figures per row, which do not depend on the size: one chunk's rows are written
the same way whatever the file."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench import dynamo
from bench.report import table

FRESHA = ["First Name", "Last Name", "Mobile Number", "Email", "Accepts Marketing", "Total sales"]
FRESHA_MAP = {
    "first_name": "First Name",
    "last_name": "Last Name",
    "phone": "Mobile Number",
    "email": "Email",
    "marketing_consent": "Accepts Marketing",
    "total_spent": "Total sales",
}
DIKIDI = ["Дата", "Клиент", "Телефон", "Услуга", "Сотрудник", "Стоимость"]
DIKIDI_MAP = {
    "date": "Дата",
    "name": "Клиент",
    "phone": "Телефон",
    "service": "Услуга",
    "staff": "Сотрудник",
    "price": "Стоимость",
}
STREAM_SAMPLE = 1_000  # imported visits put through the stream processor


def _clients(n: int) -> list[list[str]]:
    return [
        [
            f"Client{i}",
            "Moved",
            f"0157 9{i:07d}",
            f"c{i}@example.com" if i % 3 else "",
            ["Yes", "No", ""][i % 3],
            "120,50",
        ]
        for i in range(n)
    ]


def _visits(clients: int, n: int, now: datetime) -> list[list[str]]:
    out = []
    services = [("Haircut", "Anna", "45,00"), ("Manicure", "Marta", "30"), ("Colour", "Nadia", "80,00")]
    for v in range(n):
        i = v % clients
        when = now - timedelta(days=3 + (v // clients) * 17 + i % 11, hours=i % 7)
        service, staff, price = services[v % 3]
        out.append(
            [when.strftime("%d.%m.%Y %H:%M"), f"Client{i} Moved", f"0157 9{i:07d}", service, staff, price]
        )
    return out


def _kb(item: dict) -> int:
    return math.ceil(dynamo.item_size(item) / 1024)


def _units(calls: list[dynamo.Call]) -> tuple[float, float]:
    """(RRU, WRU) of the calls by the on-demand rules: what DynamoDB Local reports from the items'
    sizes (the indexes' writes included); a transaction's items twice by their size, and their
    indexes' writes once; a conditional put refused (DynamoDB Local reports nothing for it) by the
    size of the item it would have written, as DynamoDB bills it."""
    reads = dynamo.reported_units(calls, ("GetItem", "Query", "Scan", "BatchGetItem"))
    writes = dynamo.reported_units(calls, ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"))
    writes += dynamo.transaction_wcu(calls)
    for call in calls:
        if call.operation == "TransactWriteItems":
            for entry in call.params["TransactItems"]:
                put = entry.get("Put")
                if put:
                    writes += sum(_kb(put["Item"]) for key in ("GSI1PK", "GSI2PK") if key in put["Item"])
        elif call.operation == "PutItem" and not call.consumed:
            writes += _kb(call.params["Item"])
    return reads, writes


def report(clients: int = 5_000, visits: int = 50_000) -> str:
    title = f"Moving in: {clients:,} clients with {visits:,} visits imported from CSV"
    local = dynamo.start_or_reason(title)
    if isinstance(local, str):
        return local
    try:
        from regulars.app import jobs as worker
        from regulars.app import stream
        from regulars.booking.items import Appointment
        from regulars.core import clock
        from regulars.imports import service
        from regulars.imports.presets import Kind
        from regulars.runtime.jobs import repo as job_store
        from regulars.runtime.jobs.items import Job
        from regulars.runtime.jobs.repo import JobRef
        from regulars.store.base import Entity

        now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
        clock.set_offset(now - datetime.now(UTC))
        dynamo.make_salon("bench", now)
        files = {
            "clients": (Kind.CLIENTS, FRESHA, FRESHA_MAP, _clients(clients)),
            "visits": (Kind.VISITS, DIKIDI, DIKIDI_MAP, _visits(clients, visits, now)),
        }
        recorder = dynamo.Recorder(Entity.connection().client, consumed_capacity=True)
        rows: list[list[object]] = []
        longest_chunk = 0.0
        outcome: dict[str, dict] = {}

        def run_import(name: str) -> dict:
            nonlocal longest_chunk
            kind, header, mapping, data = files[name]
            run = service.start(
                "bench",
                kind=kind,
                preset=None,
                file_name=f"{name}.csv",
                header=header,
                mapping=mapping,
                day_first=True,
                rows=len(data),
                who="bench",
                now=now,
            )
            for n in range(run.chunks):
                chunk = data[n * service.CHUNK_ROWS : (n + 1) * service.CHUNK_ROWS]
                service.send_chunk(
                    "bench", run.id, n, first_row=2 + n * service.CHUNK_ROWS, rows=chunk, now=now
                )
                ref = JobRef("bench", f"{service.CHUNK}-{run.id}-{n}")
                job = job_store.get("bench", ref.job_id)
                if job is not None and job.status == "pending":
                    job_store.mark_queued(ref, now)
                t0 = time.perf_counter()
                assert worker.run(ref, now) is not None
                longest_chunk = max(longest_chunk, time.perf_counter() - t0)
            final = service.status("bench", run.id)
            return {"created": final.created, "visits": final.visits_added, "unchanged": final.unchanged}

        def stage(label: str, name: str, count: int, run: Any) -> None:
            recorder.take()
            t0 = time.perf_counter()
            outcome[label] = run()
            seconds = time.perf_counter() - t0
            calls = recorder.take()
            rru, wru = _units(calls)
            rows.append(
                [
                    label,
                    f"{count:,}",
                    len(calls),
                    round(count / seconds),
                    round(rru / count, 2),
                    round(wru / count, 2),
                ]
            )

        stage("clients", "clients", clients, lambda: run_import("clients"))
        stage("visits", "visits", visits, lambda: run_import("visits"))
        stage("clients again", "clients", clients, lambda: run_import("clients"))
        stage("visits again", "visits", visits, lambda: run_import("visits"))

        sample = [
            a
            for _, a in zip(
                range(STREAM_SAMPLE), Appointment.scan(Appointment.source == "import"), strict=False
            )
        ]

        def through_stream() -> dict:
            for a in sample:
                stream.handle({"eventName": "INSERT", "dynamodb": {"NewImage": a.serialize()}}, now)
            return {}

        stage("imported visits through the stream", "", len(sample), through_stream)
        recorder.close()
        jobs = sum(1 for j in Job.scan() if j.kind != service.CHUNK)
        scale = 50_000 / clients
        first = rows[0], rows[1]
        minutes = sum(int(str(r[1]).replace(",", "")) / float(r[3]) for r in first) * scale / 60
        note = (
            f"{outcome['clients']['created']:,} clients and {outcome['visits']['visits']:,} visits written; "
            f"imported again, {outcome['clients again']['created']} clients and {outcome['visits again']['visits']} "
            f"visits were added ({outcome['clients again']['unchanged']:,} and {outcome['visits again']['unchanged']:,} "
            f"rows found as they were). Jobs other than the import's own after the stream: {jobs} (no reminder, "
            f"feedback request, invitation or bonus expiry for an imported visit). A chunk is {service.CHUNK_ROWS} rows; "
            f"the longest took the worker {longest_chunk:.1f} s of the 30 s a job worker invocation has. "
            f"At these rates 50,000 clients with 500,000 visits take about {minutes:.0f} minutes in one process "
            f"against DynamoDB Local; on DynamoDB the worker runs up to ten chunks at once (the queue's "
            f"concurrency). Capacity per row is what on-demand bills: RRU and WRU from the items' real sizes, the indexes' writes and the refused conditional puts (1 WRU each, the stages named again) included."
        )
        return table(title, ["stage", "rows", "DynamoDB calls", "rows/s", "RRU/row", "WRU/row"], rows, note)
    finally:
        local.stop()
