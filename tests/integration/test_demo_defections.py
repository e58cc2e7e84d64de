"""The demo salon's defection statistics agree with a recount from its raw visits.

The demo is loaded into DynamoDB Local, its change stream goes through the real stream function in
Lambda-sized batches, and the checks that fell due run as the job worker runs them. The statistics
the admin API gives are then compared with a count made here, straight from the appointment items,
by type, staff member, service and month."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from regulars import clock
from regulars.jobs import worker
from regulars.store import jobs as job_store
from regulars.store.jobs import JobRef
from regulars.store.models import Appointment, Job
from regulars_local.demo import SALON_ID, load_demo
from support.lambda_ import AdminApi, context_for, handler
from support.streams import stream_records

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("demo_data")]

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
BERLIN = ZoneInfo("Europe/Berlin")
DAY = timedelta(days=1)
CHECKS = ("cancellation-check", "lifecycle-check")


@pytest.fixture
def settled(table):
    saved = clock.offset()
    clock.set_offset(NOW - timedelta(minutes=5) - datetime.now(UTC))  # jobs it schedules for "now" are due by NOW
    try:
        load_demo(NOW)
        records = [r for r in stream_records(table) if r["dynamodb"]["Keys"]["SK"]["S"].startswith("APPT#")]
        stream = handler("stream_processor")
        for start in range(0, len(records), 25):  # as Lambda delivers them
            assert stream({"Records": records[start:start + 25]}, context_for("stream_processor")) == {
                "batchItemFailures": []}
        for _ in range(3):  # what the checks schedule for "now" runs on the next round
            due = [j for j in Job.scan(Job.kind.is_in(*CHECKS) & (Job.status == "pending") & (Job.due_at <= NOW))]
            for job in due:
                ref = JobRef(job.salon_id, job.job_id)
                assert job_store.mark_queued(ref, NOW)
                worker.run(ref, NOW)
        yield table
    finally:
        clock.set_offset(saved)


def _month(at: datetime) -> str:
    return at.astimezone(BERLIN).strftime("%Y-%m")


def recount() -> list[tuple[str, str, str, str]]:
    """(type, staff, service, month) of every defection, counted from the appointments alone."""
    visits = [a for a in Appointment.scan() if a.salon_id == SALON_ID]
    by_client: dict[str, list[Appointment]] = {}
    for a in visits:
        by_client.setdefault(a.client_id, []).append(a)
    out = []
    for a in visits:
        if a.status == "no_show":
            out.append(("no_show", a.staff_id, a.service_id, _month(a.start)))
        elif a.status == "cancelled" and a.late_cancellation:
            out.append(("late_cancellation", a.staff_id, a.service_id, _month(a.updated_at)))
        elif a.status == "cancelled" and a.updated_at + 14 * DAY <= NOW:
            again = [b for b in by_client[a.client_id]
                     if b.appointment_id != a.appointment_id and a.updated_at <= b.created_at <= a.updated_at + 14 * DAY]
            if not again:
                out.append(("cancelled_not_rebooked", a.staff_id, a.service_id, _month(a.updated_at)))
    for mine in by_client.values():
        done = sorted((a for a in mine if a.status == "completed"), key=lambda a: a.start)
        sittings: list[Appointment] = []
        for a in done:  # visits within 16 hours of each other are one sitting
            if sittings and a.start - sittings[-1].start < timedelta(hours=16):
                continue
            sittings.append(a)
        upcoming = sorted((a for a in mine if a.status in ("booked", "confirmed") and a.start > NOW),
                          key=lambda a: a.start)
        ends = [a.created_at for a in sittings[1:]] + [upcoming[0].created_at if upcoming else NOW]
        for before, end in zip(sittings, ends, strict=False):
            for kind, days in (("lapsed", 90), ("lost", 180)):
                if end - before.start >= days * DAY:
                    out.append((kind, before.staff_id, before.service_id, _month(before.start + days * DAY)))
    return out


def test_the_demo_defection_statistics_equal_a_recount_from_the_visits(settled):
    expected = recount()
    stats = AdminApi(SALON_ID).get("/v1/admin/defections/stats?from=2024-01&to=2026-12").json
    assert stats["by_type"] == dict(Counter(e[0] for e in expected))
    assert stats["total"] == len(expected) > 100
    assert stats["by_staff"] == dict(Counter(e[1] for e in expected))
    assert stats["by_service"] == dict(Counter(e[2] for e in expected))
    assert {m: v["total"] for m, v in stats["by_month"].items()} == dict(Counter(e[3] for e in expected))
    for month, figures in stats["by_month"].items():
        assert figures["by_type"] == dict(Counter(e[0] for e in expected if e[3] == month))
    assert sum(stats["by_reason"].values()) == stats["total"]
    listed = AdminApi(SALON_ID).get("/v1/admin/defections?from=2024-01&to=2026-12&limit=1000").json["defections"]
    assert Counter(d["type"] for d in listed) == Counter(e[0] for e in expected)

    # (the settled demo also shows a status list paged through: every client once, in order)
    admin = AdminApi(SALON_ID)
    whole = admin.get("/v1/admin/retention/clients?status=lost&limit=500").json
    assert whole["next_cursor"] is None and len(whole["clients"]) > 40
    seen, cursor = [], None
    while True:
        page = admin.get("/v1/admin/retention/clients?status=lost&limit=15"
                         + (f"&cursor={cursor}" if cursor else "")).json
        seen += [c["client_id"] for c in page["clients"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [c["client_id"] for c in whole["clients"]]
