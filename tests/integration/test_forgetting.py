"""A salon that forgets the clients who stopped coming, on DynamoDB Local with the clock moved: the
setting (off by default, 1 to 20 years) schedules a nightly job; the job erases, through the lifecycle
index, the clients whose last visit (or creation, if they never came) is older than that and who have
nothing booked, audited as the system's; the others stay; turned off, the nightly chain ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from integration.test_retention import SALON, settle, visit
from regulars.app import jobs as worker
from regulars.clients import repo as client_store
from regulars.rights import forgetting
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.repo import JobRef
from support.lambda_ import AdminApi
from support.moments import moment
from support.salon import make_salon

pytestmark = pytest.mark.integration
DAY = timedelta(days=1)
NIGHTLY = f"FORGET#{SALON}"


def _client(admin: AdminApi, name: str, phone: str, at: datetime) -> str:
    with moment(at):
        made = admin.post("/v1/admin/clients", {"name": name, "phone": phone})
    assert made.status == 201, made.text
    return made.json["id"]


def _came(admin: AdminApi, client_id: str, start: datetime) -> None:
    v = visit(admin, client_id, start)
    with moment(start + timedelta(hours=1)):
        assert admin.post(f"/v1/admin/appointments/{v}/complete", {"paid_amount": 3000}).status == 200


def _settings(admin: AdminApi, years: int | str | None) -> tuple[int, dict]:
    rules = admin.get("/v1/admin/salon").json["settings"]
    answer = admin.patch(
        "/v1/admin/salon", {"settings": {**rules, "data_retention": {"forget_inactive_after_years": years}}}
    )
    return answer.status, answer.json


def _pending() -> list[job_store.DueJob]:
    return sorted(
        (j for j in job_store.jobs_of(SALON, NIGHTLY) if j.status == "pending"), key=lambda j: j.due_at
    )


def _run_nightly() -> worker.Outcome:
    (job,) = _pending()
    assert job_store.mark_queued(JobRef(SALON, job.job_id), job.due_at)
    with moment(job.due_at):
        outcome = worker.run(JobRef(SALON, job.job_id), job.due_at)
    assert outcome is not None
    return outcome


@pytest.fixture
def salon_with_history(table, clock_at):
    """Clients of every kind, three years of history, the clock at 2026-11-23 08:00 UTC."""
    make_salon(SALON, clock_at)
    admin = AdminApi(SALON)
    years_ago = clock_at.replace(year=2023)
    who = {
        "gone": _client(admin, "Gone Long", "+49 170 5556001", years_ago),
        "never_came": _client(admin, "Never Came", "+49 170 5556002", years_ago + 200 * DAY),
        "cancelled_long_ago": _client(admin, "Cancelled Once", "+49 170 5556003", years_ago + 250 * DAY),
        "recent": _client(admin, "Recent Regular", "+49 170 5556004", years_ago),
        "booked": _client(admin, "Booked Again", "+49 170 5556005", years_ago),
        "asked_lately": _client(admin, "Asked Lately", "+49 170 5556006", years_ago),
        "new_lately": _client(admin, "New Lately", "+49 170 5556007", clock_at - 20 * DAY),
    }
    _came(admin, who["gone"], years_ago + 10 * DAY)
    for n, key in enumerate(("recent", "booked", "asked_lately")):
        _came(admin, who[key], years_ago + 12 * DAY + n * timedelta(hours=1))
    _came(admin, who["recent"], clock_at - 50 * DAY)
    visit(
        admin, who["booked"], datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    )  # next week: nothing is forgotten then
    for key, booked_at in (
        ("cancelled_long_ago", years_ago + 251 * DAY),
        ("asked_lately", clock_at - 30 * DAY),
    ):
        with moment(booked_at):
            later = visit(admin, who[key], booked_at + 10 * DAY)
            assert (
                admin.post(f"/v1/admin/appointments/{later}/cancel", {"reason": "cannot come"}).status == 200
            )
    settle(table)  # the stream takes the visits in now: the statistics, each client's status as of today
    assert client_store.get(SALON, who["gone"]).lifecycle["status"] == "lost"
    assert client_store.get(SALON, who["never_came"]).lifecycle is None  # never assessed: listed as new
    return who


def test_the_nightly_job_forgets_the_clients_inactive_for_the_salons_years(
    salon_with_history, clock_at, monkeypatch
):
    who = salon_with_history
    admin = AdminApi(SALON)
    for bad in (0, 21, "two"):  # refused with the field, and nothing changes
        status, answer = _settings(admin, bad)
        assert status == 422 and "settings.data_retention.forget_inactive_after_years" in {
            f["field"] for f in answer["error"]["fields"]
        }, answer
    assert admin.get("/v1/admin/salon").json["settings"]["data_retention"] == {
        "forget_inactive_after_years": None
    }
    assert _pending() == []  # off by default: no job

    status, _ = _settings(admin, 2)
    assert status == 200
    (job,) = _pending()
    assert job.due_at == datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # tonight, 04:00 in Berlin
    assert _settings(admin, 2)[0] == 200 and len(_pending()) == 1  # saved again: still one a night

    monkeypatch.setattr(forgetting, "PER_RUN", 2)
    first = _run_nightly()
    assert first.done and first.reason.startswith("2 clients"), first.reason
    (more,) = _pending()  # more to do tonight: it goes on a minute later
    assert more.due_at == job.due_at + timedelta(minutes=1)
    second = _run_nightly()
    assert second.done and second.reason.startswith("1 clients"), second.reason

    erased = {k for k, client_id in who.items() if client_store.get(SALON, client_id).erased_at is not None}
    assert erased == {"gone", "never_came", "cancelled_long_ago"}
    trail = [
        e
        for e in admin.get("/v1/admin/audit?to=2026-11-30").json["entries"]
        if e["action"] == "client.erased"
    ]
    assert sorted((e["client_id"], e["by"], e["action"]) for e in trail) == sorted(
        (who[k], "system:retention", "client.erased") for k in erased
    )
    assert all("2 years" in e["detail"]["reason"] for e in trail)
    lost = admin.get("/v1/admin/retention/clients?status=lost")
    assert lost.status == 200 and who["gone"] not in {c["client_id"] for c in lost.json["clients"]}
    (tomorrow,) = _pending()
    assert tomorrow.due_at == datetime(2026, 11, 25, 3, 0, tzinfo=UTC)

    # the next night finds no one new; turned off, the chain ends
    assert _run_nightly().reason.startswith("0 clients")
    assert _settings(admin, None)[0] == 200
    off = _run_nightly()
    assert not off.done and _pending() == []
    assert {
        k for k, client_id in who.items() if client_store.get(SALON, client_id).erased_at is not None
    } == erased
