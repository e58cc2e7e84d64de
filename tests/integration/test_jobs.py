"""The due-job index, the ticker and the worker, against DynamoDB Local."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from regulars.app import jobs as worker
from regulars.messaging.outbox import repo as outbox
from regulars.runtime.jobs import buckets_migration, ticker
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.items import Job
from regulars.runtime.jobs.repo import JobRef
from regulars.runtime.jobs.subjects import Subject
from regulars_local.emulator.functions import context_for
from support.lambda_ import AdminApi, handler
from support.salon import make_salon
from support.streams import stream_records

pytestmark = pytest.mark.integration


class Queue:
    """Stands in for SQS at the boundary: records what the ticker sends, refuses on request."""

    def __init__(self):
        self.sent: list[JobRef] = []
        self.refuse = False

    def __call__(self, refs):
        if self.refuse:
            return list(refs)
        self.sent += refs
        return []


def schedule(now, n, *, minutes_ahead=0, salon="salon-a"):
    for i in range(n):
        job_store.schedule(
            salon,
            f"job-{minutes_ahead}-{i}",
            kind="test",
            subject=f"S#{i}",
            due_at=now + timedelta(minutes=minutes_ahead, seconds=i % 50),
            payload={},
            now=now,
        )


def test_a_tick_queues_what_is_due_once_and_nothing_else(table, now):
    schedule(now, 20)
    schedule(now, 5, minutes_ahead=10)
    queue = Queue()
    report = ticker.tick(now + timedelta(minutes=1), queue)
    assert report.queued == 20
    assert len({r.job_id for r in queue.sent}) == 20
    again = ticker.tick(now + timedelta(minutes=1, seconds=30), queue)
    assert again.queued == 0 and len(queue.sent) == 20
    later = ticker.tick(now + timedelta(minutes=11), queue)
    assert later.queued == 5 and len(queue.sent) == 25


def test_a_missed_hour_is_caught_up_and_the_watermark_only_moves_forward(table, now):
    ticker.tick(now, Queue())
    for minute in (5, 17, 42, 59):
        schedule(now, 2, minutes_ahead=minute)
    queue = Queue()
    report = ticker.tick(now + timedelta(hours=1, minutes=1), queue)
    assert report.queued == 8
    assert job_store.watermark() == (now + timedelta(hours=1)).replace(second=0)
    assert not job_store.advance_watermark(now, now)  # never backward


def test_an_idle_ticker_writes_its_watermark_once_an_hour_and_still_queues_each_job_once(table, now):
    ticker.tick(now, Queue())
    mark = job_store.watermark()
    queue = Queue()
    assert ticker.tick(now + timedelta(minutes=1), queue).watermark is None  # nothing written
    schedule(now, 1, minutes_ahead=30)
    assert ticker.tick(now + timedelta(minutes=31), queue).queued == 1
    assert ticker.tick(now + timedelta(minutes=32), queue).queued == 0  # read again, found no more
    assert job_store.watermark() == mark and len(queue.sent) == 1
    report = ticker.tick(now + timedelta(minutes=61), queue)
    assert report.watermark == ticker.floor_minute(now + timedelta(minutes=60)) and len(queue.sent) == 1


def test_the_current_minute_is_read_again(table, now):
    queue = Queue()
    ticker.tick(now + timedelta(seconds=10), queue)
    job_store.schedule(
        "salon-a",
        "late-arrival",
        kind="test",
        subject="S",
        due_at=now + timedelta(seconds=40),
        payload={},
        now=now + timedelta(seconds=20),
    )
    ticker.tick(now + timedelta(seconds=30), queue)
    assert queue.sent == []  # not due yet
    ticker.tick(now + timedelta(seconds=50), queue)
    assert [r.job_id for r in queue.sent] == ["late-arrival"]


def test_jobs_the_queue_refused_go_back_and_are_sent_next_time(table, now):
    schedule(now, 3)
    queue = Queue()
    queue.refuse = True
    report = ticker.tick(now + timedelta(minutes=2), queue)
    assert report.queued == 0 and len(report.refused) == 3
    assert {job_store.get("salon-a", r.job_id).status for r in report.refused} == {"pending"}
    queue.refuse = False
    assert ticker.tick(now + timedelta(minutes=3), queue).queued == 3


def test_a_job_in_the_past_is_due_now(table, now):
    job_store.schedule(
        "salon-a", "overdue", kind="test", subject="S", due_at=now - timedelta(days=2), payload={}, now=now
    )
    queue = Queue()
    ticker.tick(now + timedelta(seconds=1), queue)
    assert [r.job_id for r in queue.sent] == ["overdue"]


def test_the_first_tick_ever_finds_jobs_written_before_it(table, now):
    job_store.schedule("salon-a", "early", kind="test", subject="S", due_at=now, payload={}, now=now)
    queue = Queue()
    report = ticker.tick(now + timedelta(days=1, hours=7), queue)  # no watermark yet
    assert [r.job_id for r in queue.sent] == ["early"]
    assert report.watermark is not None


def test_scheduling_twice_is_once(table, now):
    assert job_store.schedule("salon-a", "j", kind="test", subject="S", due_at=now, payload={}, now=now)
    assert not job_store.schedule("salon-a", "j", kind="test", subject="S", due_at=now, payload={}, now=now)


def _process_stream(table):
    records = [r for r in stream_records(table) if r["dynamodb"]["Keys"]["SK"]["S"].startswith("APPT#")]
    assert handler("stream_processor")({"Records": records}, context_for("stream_processor")) == {
        "batchItemFailures": []
    }


def test_a_booking_plans_reminders_and_a_move_replans_them(table, clock_at):
    make_salon("salon-a", clock_at)
    admin = AdminApi("salon-a")
    made = admin.post(
        "/v1/admin/appointments",
        {
            "service_id": "haircut",
            "staff_id": "anna",
            "start": "2026-11-25T10:00:00+01:00",
            "client": {"name": "Mia", "phone": "+49 170 5550300"},
        },
    ).json
    _process_stream(table)
    jobs = {j.job_id: j for j in job_store.jobs_of("salon-a", Subject.VISIT.of(made["id"]))}
    assert sorted(j.payload["offset_minutes"] for j in jobs.values()) == [120, 1440]
    # 24 h before is 10:00; 2 h before is 08:00, in the quiet hours (21:00-09:00): the edge, 20:59 the evening before
    assert {j.due_at.isoformat() for j in jobs.values()} == {
        "2026-11-24T09:00:00+00:00",
        "2026-11-24T19:59:00+00:00",
    }
    assert [j.payload["confirm"] for j in sorted(jobs.values(), key=lambda j: j.due_at)] == [True, False]

    admin.post(f"/v1/admin/appointments/{made['id']}/move", {"start": "2026-11-26T10:00:00+01:00"})
    _process_stream(table)
    after = job_store.jobs_of("salon-a", Subject.VISIT.of(made["id"]))
    assert sorted(j.status for j in after if j.job_id in jobs) == ["cancelled", "cancelled"]
    assert sorted(j.due_at.isoformat() for j in after if j.status == "pending") == [
        "2026-11-25T09:00:00+00:00",
        "2026-11-25T19:59:00+00:00",
    ]

    admin.post(f"/v1/admin/appointments/{made['id']}/cancel", {})
    _process_stream(table)
    assert {j.status for j in job_store.jobs_of("salon-a", Subject.VISIT.of(made["id"]))} == {"cancelled"}


def test_a_due_reminder_plans_one_message_and_a_stale_one_none(table, clock_at):
    make_salon("salon-a", clock_at)
    admin = AdminApi("salon-a")
    keep = admin.post(
        "/v1/admin/appointments",
        {
            "service_id": "haircut",
            "staff_id": "anna",
            "start": "2026-11-24T10:00:00+01:00",
            "client": {"name": "Mia", "phone": "+49 170 5550301"},
        },
    ).json
    gone = admin.post(
        "/v1/admin/appointments",
        {
            "service_id": "haircut",
            "staff_id": "marta",
            "start": "2026-11-24T10:00:00+01:00",
            "client": {"name": "Ben", "phone": "+49 170 5550302"},
        },
    ).json
    _process_stream(table)
    queue = Queue()
    ticker.tick(clock_at + timedelta(hours=1), queue)  # the 24-hour reminders: due 2026-11-23T09:00Z
    assert {r.job_id.split("-")[1] for r in queue.sent} == {keep["id"], gone["id"]}
    # the visit is cancelled after its job was queued and before the worker gets to it
    from regulars.booking import service as booking

    booking.cancel("salon-a", gone["id"], now=clock_at, by="admin")
    outcomes = {r.job_id.split("-")[1]: worker.run(r, clock_at + timedelta(hours=1)) for r in queue.sent}
    assert outcomes[keep["id"]].done and not outcomes[gone["id"]].done
    assert outcomes[gone["id"]].reason == "the visit is cancelled"
    # a redelivered queue message changes nothing
    assert all(worker.run(r, clock_at + timedelta(hours=1)) is None for r in queue.sent)
    reminders_planned = [
        m for m in outbox.for_client("salon-a", keep["client_id"]) if m.kind.startswith("reminder")
    ]
    assert [(m.kind, m.purpose, m.appointment_id) for m in reminders_planned] == [
        ("reminder_with_confirmation", "transactional", keep["id"])
    ]
    # the other client got the booking notice, and no reminder
    assert [m.kind for m in outbox.for_client("salon-a", gone["client_id"])] == ["appointment_booked"]


def test_the_worker_handler_reports_a_failing_job_alone(table, now):
    from regulars.runtime.queues import body

    job_store.schedule(
        "salon-a", "unknown-kind", kind="no-such-kind", subject="S", due_at=now, payload={}, now=now
    )
    queue = Queue()
    ticker.tick(now + timedelta(seconds=1), queue)

    def record(message_id, ref):
        return {
            "messageId": message_id,
            "receiptHandle": "r",
            "body": body(ref),
            "attributes": {},
            "messageAttributes": {},
            "md5OfBody": "",
            "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:jobs",
            "awsRegion": "us-east-1",
        }

    event = {"Records": [record("m1", queue.sent[0]), record("m2", JobRef("salon-a", "finished-long-ago"))]}
    assert handler("job_worker")(event, context_for("job_worker")) == {
        "batchItemFailures": [{"itemIdentifier": "m1"}]
    }
    assert job_store.get("salon-a", "unknown-kind").status == "queued"  # retried, then the dead-letter queue


def test_a_missed_day_is_caught_up_in_one_tick(table, now):
    ticker.tick(now, Queue())
    for hours in (1, 7, 23, 30, 47):
        schedule(now, 2, minutes_ahead=hours * 60)
    queue = Queue()
    report = ticker.tick(now + timedelta(days=2), queue)
    assert (report.queued, report.late) == (10, False)
    assert report.days == 3  # one Query per day and shard, not per hour or minute
    assert job_store.watermark() == now + timedelta(days=2) - timedelta(minutes=1)


def test_jobs_left_in_an_earlier_releases_hour_buckets_are_moved_and_then_found(table, now, capsys):
    ticker.tick(now, Queue())  # the ticker has run since the deploy: its watermark is at now
    for job_id, due in (("late", now - timedelta(hours=2)), ("soon", now + timedelta(minutes=30))):
        job_store.schedule("salon-a", job_id, kind="test", subject="S", due_at=due, payload={}, now=now)
        hour = f"DUE#{due.strftime('%Y-%m-%dT%H')}#{Job(salon_id='salon-a', job_id=job_id).shard}"
        Job(salon_id="salon-a", job_id=job_id).update(actions=[Job.gsi1pk.set(hour)])  # as written before
    job_store.schedule(
        "salon-a", "new", kind="test", subject="S", due_at=now + timedelta(minutes=40), payload={}, now=now
    )
    queue = Queue()
    ticker.tick(now + timedelta(hours=1), queue)
    assert [r.job_id for r in queue.sent] == ["new"]  # what the new ticker cannot see in hour buckets
    moved = job_store.move_hour_buckets("salon-a", now + timedelta(hours=1))
    assert (moved.pending, moved.moved, moved.late) == (2, 2, 2)  # "soon" is past by now as well
    assert buckets_migration.main(["--table", table, "--salon", "salon-a"]) == 0  # twice is once
    assert "salon-a: 2 pending jobs; 0 moved into day buckets" in capsys.readouterr().out
    ticker.tick(now + timedelta(hours=1, minutes=2), queue)
    assert sorted(r.job_id for r in queue.sent) == ["late", "new", "soon"]


def test_a_tick_given_a_time_in_another_zone_reads_the_utc_days_it_covers(table):
    """Buckets are UTC days: 23:30 in Berlin is 22:30 UTC, and a job due at 22:00 UTC is in that
    UTC day's bucket, not in the bucket of Berlin's midnight (which is the UTC day before)."""
    berlin = datetime(2026, 11, 23, 23, 30, tzinfo=timezone(timedelta(hours=1)))
    due = datetime(2026, 11, 23, 22, 0, tzinfo=UTC)
    job_store.schedule("salon-a", "late-evening", kind="test", subject="S", due_at=due, payload={}, now=due)
    queue = Queue()
    ticker.tick(berlin, queue)  # the first tick ever: three days back from Berlin's time
    assert [r.job_id for r in queue.sent] == ["late-evening"]
