"""Retention on DynamoDB Local, through the real stream function and job handlers: a repeat-visit
invitation on the client's own cadence, at risk and lapsed on time with the reason in words, the
win-back waves with their bonus, stopped by a booking; defections once per cause, their statistics,
and the reasons an admin or a reply gives; the one-view client history."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from regulars.app import jobs as worker
from regulars.clients import repo as client_store
from regulars.core import clock
from regulars.loyalty import repo as loyalty_store
from regulars.messaging.outbox import repo as outbox
from regulars.retention import repo as retention_store
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.repo import JobRef
from support.lambda_ import AdminApi, context_for, handler
from support.moments import moment
from support.salon import make_salon
from support.streams import stream_records

pytestmark = pytest.mark.integration
SALON = "salon-a"
DAY = timedelta(days=1)


def settle(table) -> None:
    """Run the stream function over the visits' changes (all of them: it is idempotent)."""
    records = [r for r in stream_records(table) if r["dynamodb"]["Keys"]["SK"]["S"].startswith("APPT#")]
    result = handler("stream_processor")({"Records": records}, context_for("stream_processor"))
    for failed in result["batchItemFailures"]:  # raise what failed, to be seen
        from regulars.app.stream import handle

        handle(
            next(r for r in records if r["dynamodb"]["SequenceNumber"] == failed["itemIdentifier"]),
            clock.now(),
        )
    assert result == {"batchItemFailures": []}


def run_job(subject: str, kind: str, at: datetime | None = None):
    """Run the subject's pending job of ``kind`` (the one due first) as the ticker and worker would."""
    pending = sorted(
        (j for j in job_store.jobs_of(SALON, subject) if j.kind == kind and j.status == "pending"),
        key=lambda j: j.due_at,
    )
    assert pending, f"no pending {kind} for {subject}: {job_store.jobs_of(SALON, subject)}"
    job = pending[0]
    when = at or max(job.due_at, clock.now())  # a job overdue in the test's past runs now
    assert job_store.mark_queued(JobRef(SALON, job.job_id), when)
    return job, worker.run(JobRef(SALON, job.job_id), when)


def visit(
    admin: AdminApi, client_id: str, start: datetime, service: str = "manicure", staff: str = "marta"
) -> str:
    """Book a visit; one in the past is booked two hours before it began."""
    if start < clock.now() + timedelta(hours=2):
        with moment(start - timedelta(hours=2)):
            return visit(admin, client_id, start, service, staff)
    made = admin.post(
        "/v1/admin/appointments",
        {
            "service_id": service,
            "staff_id": staff,
            "start": start.isoformat(),
            "client_id": client_id,
            "outside_hours": True,
        },
    )
    assert made.status == 201, made.text
    return made.json["id"]


def came(
    table,
    admin: AdminApi,
    client_id: str,
    start: datetime,
    service: str = "manicure",
    staff: str = "marta",
    paid: int = 3000,
) -> str:
    """A visit in the past, completed an hour after it began (and the stream run then)."""
    v = visit(admin, client_id, start, service, staff)
    with moment(start + timedelta(hours=1)):
        done = admin.post(f"/v1/admin/appointments/{v}/complete", {"paid_amount": paid})
        assert done.status == 200, done.text
        settle(table)
    return v


@pytest.fixture
def regular(table, clock_at):
    """Three manicures twenty days apart, the last twenty days ago; marketing consent given."""
    make_salon(SALON, clock_at)
    admin = AdminApi(SALON)
    client = admin.post(
        "/v1/admin/clients", {"name": "Vera", "phone": "+49 170 5557000", "marketing_consent": True}
    ).json
    for days_ago in (60, 40, 20):
        came(table, admin, client["id"], clock_at - days_ago * DAY)
    settle(table)
    return client["id"]


def test_invited_on_own_cadence_then_at_risk_lapsed_and_won_back(table, clock_at, regular):
    last = clock_at - 20 * DAY
    me = client_store.get(SALON, regular)
    assert (
        me.lifecycle["status"] == "active"
        and me.lifecycle["reason"] == "usually every 20 days; 20 days since the last visit"
    )

    # the earlier visits' invitations are stale: the service was had again since
    for _ in range(2):
        assert (
            run_job(f"CLIENT#{regular}", "repeat-invitation")[1].reason == "the service was had again since"
        )
    job, outcome = run_job(f"CLIENT#{regular}", "repeat-invitation")
    assert outcome.done and job.due_at == clock_at  # their own 20 days, not the service's 21
    (invite,) = [m for m in outbox.for_client(SALON, regular) if m.kind == "repeat_invitation"]
    assert invite.purpose == "marketing" and invite.values["services"] == "Manicure"
    assert invite.values["booking_link"].endswith("/book.html?salon=salon-a&service=manicure")

    for _ in range(2):  # the checks the earlier visits scheduled: their moments passed
        assert run_job(f"CLIENT#{regular}", "lifecycle-check")[0].due_at < clock_at
    job, outcome = run_job(f"CLIENT#{regular}", "lifecycle-check")
    assert job.due_at == last + 30 * DAY and outcome.done
    me = client_store.get(SALON, regular)
    assert (me.lifecycle["status"], me.lifecycle["reason"]) == (
        "at_risk",
        "usually every 20 days; 30 days since the last visit",
    )
    at_risk = AdminApi(SALON).get("/v1/admin/retention/clients?status=at_risk").json["clients"]
    assert [c["client_id"] for c in at_risk] == [regular] and at_risk[0]["total_spent"] == 9000

    job, outcome = run_job(f"CLIENT#{regular}", "lifecycle-check")
    assert job.due_at == last + 90 * DAY
    me = client_store.get(SALON, regular)
    assert me.lifecycle["status"] == "lapsed"
    assert me.lifecycle["reason"] == "no visit for 90 days (lapsed after 90 days); usually every 20 days"
    (lapse,) = retention_store.of_client(SALON, regular)
    assert (lapse.kind, lapse.at, lapse.service_id) == ("lapsed", last + 90 * DAY, "manicure")

    job, outcome = run_job(f"WINBACK#{regular}", "winback-wave")
    assert outcome.done and job.due_at == last + 90 * DAY
    job, outcome = run_job(f"WINBACK#{regular}", "winback-wave")
    assert outcome.done and job.due_at == last + 104 * DAY
    kinds = [m.kind for m in sorted(outbox.for_client(SALON, regular), key=lambda m: m.created_at)]
    assert kinds[-2:] == ["winback", "winback_bonus"]
    (bonus,) = [e for e in loyalty_store.ledger(SALON, regular) if e.source == "winback"]
    assert (bonus.kind, int(bonus.amount), bonus.reason) == ("accrual", 500, "win-back wave 2")
    (wave2,) = [m for m in outbox.for_client(SALON, regular) if m.kind == "winback_bonus"]
    assert wave2.values["amount"] == 500

    # a booking before the third wave: won back, and the third wave is cancelled
    with moment(clock_at + 110 * DAY):
        visit(AdminApi(SALON), regular, clock_at + 113 * DAY)
        settle(table)
        me = client_store.get(SALON, regular)
        assert me.lifecycle["status"] == "won_back" and me.lifecycle["reason"].startswith(
            "back after 130 days"
        )
    waves = [j for j in job_store.jobs_of(SALON, f"WINBACK#{regular}")]
    assert sorted(j.status for j in waves) == ["cancelled", "done", "done"]


def test_a_client_with_a_booking_is_not_invited_and_services_due_together_are_joined(table, clock_at):
    make_salon(SALON, clock_at)
    admin = AdminApi(SALON)
    ids = [
        admin.post("/v1/admin/clients", {"name": name, "phone": phone, "marketing_consent": True}).json["id"]
        for name, phone in (("Olga", "+49 170 5557001"), ("Ines", "+49 170 5557002"))
    ]
    for n, client_id in enumerate(ids):
        # a haircut (every 28 days) 24 days ago and a manicure (every 21) 19 days ago: due 2 days apart
        for service, staff, days_ago in (("haircut", "anna", 24), ("manicure", "marta", 19)):
            came(table, admin, client_id, clock_at - days_ago * DAY + n * timedelta(hours=2), service, staff)
    visit(admin, ids[1], clock_at + 5 * DAY, "brows", "anna")
    settle(table)
    _, outcome = run_job(f"CLIENT#{ids[0]}", "repeat-invitation")  # the manicure falls due first: in 2 days
    assert outcome.done, outcome.reason
    (invite,) = [m for m in outbox.for_client(SALON, ids[0]) if m.kind == "repeat_invitation"]
    assert invite.values["services"] == "Manicure and Haircut" and invite.values["service_ids"] == [
        "manicure",
        "haircut",
    ]
    assert run_job(f"CLIENT#{ids[0]}", "repeat-invitation")[1].reason == "invited already"
    assert run_job(f"CLIENT#{ids[1]}", "repeat-invitation")[1].reason == "a visit is booked"
    assert not [m for m in outbox.for_client(SALON, ids[1]) if m.kind == "repeat_invitation"]


def test_defections_once_per_cause_with_statistics_and_reasons(table, clock_at):
    make_salon(SALON, clock_at)
    admin = AdminApi(SALON)
    client = admin.post(
        "/v1/admin/clients", {"name": "Lena", "phone": "+49 170 5550100", "marketing_consent": True}
    ).json["id"]
    soon, later = clock_at + 3 * timedelta(hours=1), clock_at + 5 * DAY
    missed = visit(admin, client, clock_at - 2 * timedelta(hours=1), "haircut", "anna")
    late = visit(admin, client, soon, "manicure")
    ours = visit(admin, client, soon + timedelta(hours=2), "haircut", "anna")
    early = visit(admin, client, later)
    assert admin.post(f"/v1/admin/appointments/{missed}/no-show").status == 200
    assert (
        admin.post(f"/v1/admin/appointments/{late}/cancel", {"reason": "schedule conflict at work"}).status
        == 200
    )
    assert admin.post(f"/v1/admin/appointments/{ours}/cancel", {"salon_initiated": True}).status == 200
    assert admin.post(f"/v1/admin/appointments/{early}/cancel").status == 200
    for _ in range(3):  # delivered again and again: recorded once
        settle(table)
    found = {d.kind: d for d in retention_store.of_client(SALON, client)}
    assert set(found) == {"no_show", "late_cancellation"}
    assert (found["late_cancellation"].reason, found["late_cancellation"].reason_source) == (
        "schedule",
        "cancellation",
    )

    job, outcome = run_job(f"CANCELLED#{early}", "cancellation-check")
    assert job.due_at.date() == (clock_at + 14 * DAY).date() and outcome.done
    assert run_job(f"MISSED#{missed}", "rebook-invitation")[1].done
    (rebook,) = [m for m in outbox.for_client(SALON, client) if m.kind == "rebook_invitation"]
    assert rebook.values["booking_link"].endswith("service=haircut")

    stats = admin.get("/v1/admin/defections/stats").json
    assert stats["total"] == 3 and stats["by_type"] == {
        "no_show": 1,
        "late_cancellation": 1,
        "cancelled_not_rebooked": 1,
    }
    assert stats["by_reason"] == {"unknown": 2, "schedule": 1}
    assert stats["by_staff"] == {"anna": 1, "marta": 2}

    bad = admin.request("PUT", f"/v1/admin/defections/no_show-{missed}/reason", {"reason": "bored"})
    assert bad.status == 422 and bad.json["error"]["fields"][0]["field"] == "reason"
    given = admin.request(
        "PUT",
        f"/v1/admin/defections/no_show-{missed}/reason",
        {"reason": "price", "note": "said so on the phone"},
    )
    assert given.status == 200 and given.json["reason_source"] == "admin"
    from regulars.retention import defections

    assert defections.from_reply(SALON, client, "sorry, I moved to Hamburg", clock_at) == "moved_away"
    assert (
        defections.from_reply(SALON, client, "it's too expensive", clock_at) is None
    )  # nothing left to explain
    stats = admin.get("/v1/admin/defections/stats").json
    assert stats["by_reason"] == {"price": 1, "schedule": 1, "moved_away": 1}
    listed = admin.get("/v1/admin/defections").json["defections"]
    assert len(listed) == 3 and {d["client_id"] for d in listed} == {client}

    history = admin.get(f"/v1/admin/clients/{client}/history").json
    assert {v["status"] for v in history["visits"]} == {"no_show", "cancelled"}
    assert len(history["defections"]) == 3 and history["client"]["name"] == "Lena"
    assert any(m["kind"] == "rebook_invitation" for m in history["messages"])
    other = AdminApi("salon-b").get(f"/v1/admin/clients/{client}/history")
    assert other.status == 404


def test_a_defection_is_listed_in_the_salons_month_as_its_statistics_count_it(table, clock_at):
    """Five minutes past midnight on 1 December in Berlin is still November in UTC: the visit missed
    then is December's, in the list as in the statistics, and "this month" is the salon's."""
    make_salon(SALON, clock_at)
    admin = AdminApi(SALON)
    client = admin.post("/v1/admin/clients", {"name": "Nora", "phone": "+49 170 5550101"}).json["id"]
    start = datetime(2026, 12, 1, 0, 5, tzinfo=ZoneInfo("Europe/Berlin"))
    missed = visit(admin, client, start, "haircut", "anna")
    with moment(start + timedelta(minutes=30)):
        assert admin.post(f"/v1/admin/appointments/{missed}/no-show").status == 200
        settle(table)
    with moment(start + timedelta(minutes=45)):  # 23:50 UTC on 30 November
        listed = admin.get("/v1/admin/defections").json["defections"]
        stats = admin.get("/v1/admin/defections/stats").json
        report = admin.get("/v1/admin/analytics").json
    assert [(d["type"], d["month"]) for d in listed] == [("no_show", "2026-12")]
    assert stats["last_month"] == "2026-12" and stats["by_month"]["2026-12"]["total"] == 1
    assert (report["period_from"], report["period_to"]) == ("2026-01", "2026-12")
    december = admin.get("/v1/admin/defections?from=2026-12&to=2026-12").json["defections"]
    november = admin.get("/v1/admin/defections?from=2026-11&to=2026-11").json["defections"]
    assert [d["id"] for d in december] == [f"no_show-{missed}"] and november == []
