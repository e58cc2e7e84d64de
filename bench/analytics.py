"""Retention analytics: what keeping the figures costs per visit, and what a report costs, side by
side with recounting the same figures from the visits.

A salon of ``clients`` clients with three years of monthly-ish visits is written to DynamoDB Local
(clients with their visit logs, and the visits themselves); every completion then goes through the
analytics module as the stream processor hands it over, in time order. The report for the 36 months
is then read the way the admin API reads it, and the visits are recounted the way a report without
tallies would have to (a query of the salon's visits). The report's reads depend on the months and
the dimensions only; the recount's grow with the history."""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench import dynamo
from bench.report import table
from bench.sweep import _put_all

MONTHS = 36


def history(clients: int, now: datetime, seed: int = 11) -> tuple[list[Any], list[Any]]:
    """(client items with their visit logs, visit items), three years of them."""
    from regulars.booking.items import Appointment
    from regulars.clients.items import Client

    rng = random.Random(seed)
    start = now - timedelta(days=30 * MONTHS)
    people: list[Any] = []
    visits: list[Any] = []
    for n in range(clients):
        client_id = f"c{n:07d}"
        at = start + timedelta(days=rng.randrange(0, 30 * MONTHS), hours=rng.randrange(9, 17) - 1)
        log: list[list[str]] = []
        spent = 0
        while at < now - timedelta(days=1):
            appointment_id = f"v{n:07d}{len(log):03d}"
            paid = rng.choice((1500, 3000, 4500))
            booked = at - timedelta(days=rng.choice((1, 3, 10, 30)))
            visits.append(
                Appointment(
                    salon_id="bench",
                    appointment_id=appointment_id,
                    client_id=client_id,
                    client_name=f"Client {n}",
                    staff_id="anna",
                    service_id="haircut",
                    start=at,
                    end=at + timedelta(hours=1),
                    status="completed",
                    price_amount=paid,
                    currency="EUR",
                    paid_amount=paid,
                    source="widget",
                    created_at=booked,
                    updated_at=at + timedelta(hours=1),
                    history=[],
                )
            )
            log.append([at.isoformat(), "haircut", "anna", booked.isoformat()])
            spent += paid
            at += timedelta(days=rng.choice((21, 28, 35, 42, 60, 120, 400)))
        people.append(
            Client(
                salon_id="bench",
                client_id=client_id,
                name=f"Client {n}",
                name_key=f"client {n}",
                phone=f"+49151{n:08d}",
                created_at=start,
                visits=len(log),
                total_spent=spent,
                first_visit_at=datetime.fromisoformat(log[0][0]) if log else None,
                last_visit_at=datetime.fromisoformat(log[-1][0]) if log else None,
                visit_log=log[-60:],
            )
        )
    return people, visits


def report(clients: int = 1_000) -> str:
    title = f"Analytics for {clients:,} clients over {MONTHS} months"
    local = dynamo.start_or_reason(title)
    if isinstance(local, str):
        return local
    try:
        from regulars.analytics import service
        from regulars.booking import repo as appointment_store
        from regulars.booking.items import Appointment
        from regulars.core import clock
        from regulars.core.events import AppointmentEvent, EventType
        from regulars.store.base import Entity

        now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
        clock.set_offset(now - datetime.now(UTC))
        dynamo.make_salon("bench", now)
        people, visits = history(clients, now)
        _put_all(local, people + visits)
        recorder = dynamo.Recorder(Entity.connection().client, consumed_capacity=True)

        t0 = time.perf_counter()
        for item in sorted(visits, key=lambda v: v.start):
            a = appointment_store.to_domain(item)
            service.on_event(
                AppointmentEvent(
                    type=EventType.COMPLETED, event_id=f"{a.id}:1:completed", salon_id="bench", appointment=a
                ),
                now,
            )
        kept_seconds = time.perf_counter() - t0
        kept = recorder.take()

        first = min(v.start for v in visits).astimezone(UTC).strftime("%Y-%m")
        last = now.strftime("%Y-%m")
        t0 = time.perf_counter()
        read = service.report("bench", first, last, now)
        report_seconds = time.perf_counter() - t0
        report_calls = recorder.take()

        t0 = time.perf_counter()
        pk = Appointment.render_key("pk", salon_id="bench")
        recounted = sum(
            1
            for a in Entity.query(pk, Entity.sk.startswith("APPT#"))
            if isinstance(a, Appointment) and a.status == "completed"
        )
        recount_seconds = time.perf_counter() - t0
        recount_calls = recorder.take()
        recorder.close()
        assert read.figures["visits"].value == recounted == len(visits), (read.figures["visits"], recounted)

        def reads(calls: list) -> float:
            return dynamo.reported_units(calls, ("GetItem", "Query", "Scan", "BatchGetItem"))

        def writes(calls: list) -> float:
            return dynamo.reported_units(
                calls, ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")
            )

        n = len(visits)
        rows = [
            [
                "keep: each completed visit through the analytics module",
                f"{n:,} visits",
                round(n / kept_seconds),
                round(reads(kept) / n, 2),
                round(writes(kept) / n, 2),
            ],
            [
                f"report: {MONTHS} months from the tallies",
                f"{len(report_calls)} DynamoDB calls",
                f"{report_seconds * 1000:.0f} ms",
                round(reads(report_calls), 1),
                0,
            ],
            [
                "recount: the visits queried and counted",
                f"{len(recount_calls)} DynamoDB calls",
                f"{recount_seconds * 1000:.0f} ms",
                round(reads(recount_calls), 1),
                0,
            ],
        ]
        ratio = reads(recount_calls) / max(reads(report_calls), 0.5)
        note = (
            f"{clients:,} clients and {n:,} completed visits. The report read {reads(report_calls):.0f} RCU "
            f"against the recount's {reads(recount_calls):.0f} ({ratio:.0f}x), and the recount answers one figure "
            f"where the report answers all of them. The report's reads depend on the months and dimensions "
            f"only; the recount's grow with the visits, so at 50,000 clients it would read "
            f"{reads(recount_calls) * 50_000 / clients:,.0f} RCU while the report reads the same. Capacity is "
            f"what DynamoDB Local reports (ReturnConsumedCapacity=TOTAL); the first row is per visit."
        )
        return table(title, ["step", "size", "visits/s or time", "RCU", "WCU"], rows, note)
    finally:
        local.stop()
