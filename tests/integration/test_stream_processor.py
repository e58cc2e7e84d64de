"""The stream function: the table's real change records, through the real handler."""

from __future__ import annotations

import copy

import pytest
from regulars.clients import repo as client_store
from regulars_local.emulator.functions import context_for
from support.lambda_ import AdminApi, handler
from support.salon import make_salon
from support.streams import stream_records

pytestmark = pytest.mark.integration


def run(records):
    return handler("stream_processor")({"Records": records}, context_for("stream_processor"))


def appointment_records(table):
    return [r for r in stream_records(table) if r["dynamodb"]["Keys"]["SK"]["S"].startswith("APPT#")]


@pytest.fixture
def visit_history(table, clock_at):
    make_salon("salon-a", clock_at)
    admin = AdminApi("salon-a")
    client = admin.post("/v1/admin/clients", {"name": "Lena", "phone": "+49 170 5550100"}).json
    ids = []
    for start in ("2026-11-23T07:00:00+01:00", "2026-11-23T07:30:00+01:00", "2026-11-23T08:00:00+01:00"):
        r = admin.post(
            "/v1/admin/appointments",
            {
                "service_id": "brows",
                "staff_id": "anna",
                "start": start,
                "client_id": client["id"],
                "outside_hours": True,
            },
        )
        assert r.status == 201, r.text
        ids.append(r.json["id"])
    admin.post(f"/v1/admin/appointments/{ids[0]}/complete", {"paid_amount": 1500})
    admin.post(f"/v1/admin/appointments/{ids[1]}/no-show")
    admin.post(f"/v1/admin/appointments/{ids[2]}/cancel", {"reason": "ill"})
    return client["id"]


def test_visit_statistics_follow_the_events(table, visit_history):
    result = run(appointment_records(table))
    assert result == {"batchItemFailures": []}
    stats = client_store.get("salon-a", visit_history).stats
    assert (
        stats.visits,
        stats.total_spent,
        stats.no_shows,
        stats.cancellations,
        stats.late_cancellations,
    ) == (1, 1500, 1, 1, 1)
    assert stats.first_visit_at == stats.last_visit_at


def test_the_same_record_delivered_five_times_counts_once(table, visit_history):
    records = appointment_records(table)
    completed = [
        r for r in records if r["dynamodb"].get("NewImage", {}).get("status", {}).get("S") == "completed"
    ]
    assert len(completed) == 1
    for _ in range(5):
        assert run(completed) == {"batchItemFailures": []}
    run(records)
    run(records)
    stats = client_store.get("salon-a", visit_history).stats
    assert (stats.visits, stats.total_spent) == (1, 1500)


def test_a_failing_record_is_reported_and_the_others_applied(table, visit_history):
    records = appointment_records(table)
    broken = copy.deepcopy(
        next(
            r
            for r in records
            if r["eventName"] == "MODIFY" and r["dynamodb"]["NewImage"]["status"]["S"] == "completed"
        )
    )
    broken["dynamodb"]["NewImage"]["client_id"] = {"S": "no-such-client"}
    broken["dynamodb"]["SequenceNumber"] = "999999999999"
    result = run([broken, *records])
    assert result == {"batchItemFailures": [{"itemIdentifier": "999999999999"}]}
    assert client_store.get("salon-a", visit_history).stats.visits == 1


def test_the_sample_event_parses(table):
    from regulars.app.stream import events_of
    from support.lambda_ import sample

    (record,) = sample("stream_processor/appointment_completed.json")["Records"]
    (event,) = events_of(record)
    assert event.type.value == "appointment.completed"
    assert event.appointment.paid_amount == 3000
