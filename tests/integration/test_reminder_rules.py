"""The reminders of visits already booked follow the salon's reminder rules when they change: one job,
due a little after the rules' cache reach, re-plans every visit to come from the rules as they are
then; the missing reminders are scheduled, those no longer set cancelled, none whose moment has passed
is sent late, none sent is sent again, and a job id cancelled before is made pending again, never
doubled."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from regulars.app import jobs as worker
from regulars.booking import reminders
from regulars.core import clock
from regulars.messaging.outbox import repo as outbox
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs import ticker
from regulars.runtime.jobs.subjects import Subject
from regulars.salon import reminder_rules
from regulars.salon import repo as catalog_store
from regulars_local.emulator.functions import context_for
from support.lambda_ import AdminApi, handler
from support.salon import make_salon
from support.streams import stream_records

pytestmark = pytest.mark.integration

SALON = "salon-a"


@pytest.fixture(autouse=True)
def ticking(table, clock_at):
    """The ticker has been running: its first tick reads from the minute before the test's clock (not
    the three days back a first tick ever looks)."""
    job_store.advance_watermark(clock_at - timedelta(minutes=2), clock_at)


class Queue:
    def __init__(self):
        self.sent = []

    def __call__(self, refs):
        self.sent += refs
        return []


def run_due(until: datetime) -> list:
    """Tick to ``until`` and act on every job queued: the outcomes, in order."""
    queue = Queue()
    ticker.tick(until, queue)
    return [worker.run(ref, until) for ref in queue.sent]


def jump_to(t: datetime) -> list:
    """The clock jumps to ``t``: the ticker reads from the minute before (what was due between is
    asserted by the test before it jumps), and the jobs due then are acted on."""
    job_store.advance_watermark(ticker.floor_minute(t) - timedelta(minutes=2), t)
    return run_due(t)


def process_stream(table: str) -> None:
    records = [r for r in stream_records(table) if r["dynamodb"]["Keys"]["SK"]["S"].startswith("APPT#")]
    assert handler("stream_processor")({"Records": records}, context_for("stream_processor")) == {
        "batchItemFailures": []
    }


def book(admin: AdminApi, staff: str, start: str, phone: str) -> dict:
    made = admin.post(
        "/v1/admin/appointments",
        {
            "service_id": "haircut",
            "staff_id": staff,
            "start": start,
            "client": {"name": "Mia", "phone": phone},
        },
    )
    assert made.status == 201, made.json
    return made.json


def change_rules(admin: AdminApi, **rules) -> datetime:
    """The owner saves new reminder rules; the moment they did."""
    settings = admin.get("/v1/admin/salon").json["settings"]
    changed = admin.patch("/v1/admin/salon", {"settings": {**settings, **rules}})
    assert changed.status == 200, changed.json
    (job,) = [j for j in replans() if j.status == "pending"]
    changed_at = datetime.fromisoformat(job.payload["changed_at"])
    assert (
        run_due(changed_at + timedelta(seconds=10)) == []
    )  # not before the old rules are out of every cache
    return changed_at


def replans():
    return job_store.jobs_of(SALON, Subject.REMINDER_RULES.of(SALON))


def reminder_jobs(visit: dict) -> dict[int, tuple[str, str]]:
    """A visit's reminder jobs: offset -> (status, due time)."""
    jobs = job_store.jobs_of(SALON, Subject.VISIT.of(visit["id"]))
    out = {}
    for j in jobs:
        if j.kind == reminders.KIND:
            assert j.payload["offset_minutes"] not in out, "one job per offset"
            out[j.payload["offset_minutes"]] = (j.status, j.due_at.isoformat())
    return out


def pending(visit: dict) -> dict[int, str]:
    return {o: due for o, (status, due) in reminder_jobs(visit).items() if status == "pending"}


def sent(visit: dict) -> list[str]:
    """The reminder messages planned for the visit: their ids (a reminder's id names its offset)."""
    return sorted(
        m.message_id
        for m in outbox.for_client(SALON, visit["client_id"])
        if m.kind.startswith("reminder") and m.appointment_id == visit["id"]
    )


def test_a_booked_visits_reminders_follow_a_change_and_back_again_without_doubles(table, clock_at):
    make_salon(SALON, clock_at)
    admin = AdminApi(SALON)
    # Wednesday 14:00 in Berlin: a day before and two hours before are outside the quiet hours
    visit = book(admin, "anna", "2026-11-25T14:00:00+01:00", "+49 170 5550401")
    process_stream(table)
    assert pending(visit) == {1440: "2026-11-24T13:00:00+00:00", 120: "2026-11-25T11:00:00+00:00"}

    changed = change_rules(admin, reminder_offsets_minutes=[180], confirmation_offset_minutes=180)
    (job,) = replans()
    assert (
        job.due_at
        == changed + reminder_rules.DELAY
        > changed + timedelta(seconds=catalog_store.RULES_MAX_AGE)
    )
    (outcome,) = run_due(job.due_at + timedelta(seconds=1))
    assert outcome.done and outcome.reason.startswith("1 visit(s) re-planned")
    assert reminder_jobs(visit) == {
        1440: ("cancelled", "2026-11-24T13:00:00+00:00"),
        120: ("cancelled", "2026-11-25T11:00:00+00:00"),
        180: ("pending", "2026-11-25T10:00:00+00:00"),
    }
    (moved,) = [j for j in job_store.jobs_of(SALON, Subject.VISIT.of(visit["id"])) if j.status == "pending"]
    assert moved.payload["confirm"] is True  # the new offset's reminder asks to confirm
    # the same job run again (a redelivery) changes nothing
    assert worker.run(job_store.JobRef(SALON, job.job_id), job.due_at) is None

    # back as it was: the cancelled jobs pending again under their own ids, the new one cancelled
    clock.set_offset(clock.offset() + timedelta(minutes=5))
    back = change_rules(admin, reminder_offsets_minutes=[1440, 120], confirmation_offset_minutes=1440)
    run_due(back + reminder_rules.DELAY + timedelta(seconds=1))
    assert reminder_jobs(visit) == {
        1440: ("pending", "2026-11-24T13:00:00+00:00"),
        120: ("pending", "2026-11-25T11:00:00+00:00"),
        180: ("cancelled", "2026-11-25T10:00:00+00:00"),
    }
    # each reminder goes once, at its time, the day-before one asking to confirm
    jump_to(datetime.fromisoformat("2026-11-24T13:00:30+00:00"))
    jump_to(datetime.fromisoformat("2026-11-25T11:00:30+00:00"))
    stamp = f"reminder-{visit['id']}-20261125T1300"
    assert sent(visit) == [f"{stamp}-120m", f"{stamp}-1440m"]
    kinds = sorted(
        m.kind for m in outbox.for_client(SALON, visit["client_id"]) if m.kind.startswith("reminder")
    )
    assert kinds == ["reminder", "reminder_with_confirmation"]


def test_a_passed_moment_is_not_sent_late_and_a_sent_reminder_not_again(table, clock_at):
    make_salon(SALON, clock_at, quiet_hours="00:00-00:00")
    admin = AdminApi(SALON)
    visit = book(admin, "anna", "2026-11-24T14:00:00+01:00", "+49 170 5550402")
    process_stream(table)
    assert pending(visit) == {1440: "2026-11-23T13:00:00+00:00", 120: "2026-11-24T11:00:00+00:00"}
    run_due(datetime.fromisoformat("2026-11-23T13:00:30+00:00"))  # the day-before reminder goes
    assert sent(visit) == [f"reminder-{visit['id']}-20261124T1300-1440m"]

    # at 15:00 the salon wants 23 hours before (14:00, passed), a day before (sent) and ten hours before
    clock.set_offset(clock.offset() + timedelta(hours=7))
    changed = change_rules(
        admin, reminder_offsets_minutes=[1440, 1380, 600], confirmation_offset_minutes=1440
    )
    run_due(changed + reminder_rules.DELAY + timedelta(seconds=1))
    assert reminder_jobs(visit) == {
        1440: ("done", "2026-11-23T13:00:00+00:00"),
        120: ("cancelled", "2026-11-24T11:00:00+00:00"),
        600: ("pending", "2026-11-24T03:00:00+00:00"),
    }
    # nothing more goes out now (no burst of late ones)
    assert sent(visit) == [f"reminder-{visit['id']}-20261124T1300-1440m"]

    # quiet hours from 22:00 take in 04:00 in Berlin: the pending reminder moves to the evening before
    clock.set_offset(clock.offset() + timedelta(minutes=5))
    quiet = change_rules(admin, quiet_hours="22:00-07:00")
    run_due(quiet + reminder_rules.DELAY + timedelta(seconds=1))
    assert pending(visit) == {600: "2026-11-23T20:59:00+00:00"}
    # and then only the ten-hours one goes, once
    jump_to(datetime.fromisoformat("2026-11-23T20:59:30+00:00"))
    jump_to(datetime.fromisoformat("2026-11-24T03:00:30+00:00"))
    assert sent(visit) == [
        f"reminder-{visit['id']}-20261124T1300-1440m",
        f"reminder-{visit['id']}-20261124T1300-600m",
    ]


def test_reminders_off_cancels_them_all_even_for_a_visit_booked_by_the_old_rules_meanwhile(table, clock_at):
    make_salon(SALON, clock_at)
    admin = AdminApi(SALON)
    before = book(admin, "anna", "2026-11-25T14:00:00+01:00", "+49 170 5550403")
    process_stream(table)
    assert len(pending(before)) == 2
    old = catalog_store.load_catalog(SALON)

    changed = change_rules(admin, reminders_enabled=False)
    meanwhile = book(admin, "marta", "2026-11-26T15:00:00+01:00", "+49 170 5550404")
    # the stream processor's container still holds the old rules (for up to RULES_MAX_AGE): the visit
    # booked now is planned by them
    catalog_store._cache[SALON] = (catalog_store.time.monotonic(), old)
    process_stream(table)
    assert len(pending(meanwhile)) == 2
    catalog_store.forget(SALON)

    run_due(changed + reminder_rules.DELAY + timedelta(seconds=1))
    assert pending(before) == {} and pending(meanwhile) == {}
    assert {s for s, _ in reminder_jobs(before).values()} == {"cancelled"}
    for due in ("2026-11-24T13:00:30", "2026-11-25T11:00:30", "2026-11-25T14:00:30", "2026-11-26T12:00:30"):
        jump_to(datetime.fromisoformat(due + "+00:00"))  # when the old rules' reminders were due
    assert sent(before) == [] and sent(meanwhile) == []


def test_many_visits_are_re_planned_a_page_at_a_time(table, clock_at, monkeypatch):
    monkeypatch.setattr(reminders, "VISITS_PER_RUN", 2)
    make_salon(SALON, clock_at)
    admin = AdminApi(SALON)
    visits = [
        book(admin, staff, f"2026-11-{day}T14:00:00+01:00", f"+49 170 55505{n:02d}")
        for n, (staff, day) in enumerate(
            [("anna", 25), ("anna", 26), ("anna", 27), ("marta", 25), ("marta", 26)]
        )
    ]
    process_stream(table)
    changed = change_rules(admin, reminder_offsets_minutes=[180], confirmation_offset_minutes=None)
    outcomes = run_due(changed + reminder_rules.DELAY + timedelta(seconds=1))
    assert [o.reason for o in outcomes] == [
        "2 visit(s) re-planned: 2 reminder(s) scheduled, 4 cancelled; the rest follows (page 1)"
    ]
    later = changed + reminder_rules.DELAY + timedelta(minutes=1)
    while any(j.status == "pending" for j in replans()):
        run_due(later)
        later += timedelta(minutes=1)
    assert len(replans()) == 3  # five visits, two a run
    for v in visits:
        assert set(pending(v)) == {180}
