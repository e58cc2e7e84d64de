"""A campaign to a 50,000-client segment through the whole pipeline, on DynamoDB Local and moto's SNS:
the start job (the segment read in pages and split), the batch jobs (members, bonus, one message
each), then each message as the stream and the queues hand it on: dispatch (consent, quiet hours,
cap, route) and the SMS sender (SNS Publish, the cost counted on the campaign). Every stage is one
invocation per unit of work, as Lambda would run it; the figures are messages per second of each
stage and the DynamoDB capacity DynamoDB Local reports per message."""

from __future__ import annotations

import math
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bench import dynamo
from bench.pricing import item_size
from bench.report import table
from bench.sweep import _put_all


def fill(clients: int, now: datetime) -> None:
    from regulars.clients.items import Client, PhoneIndex

    consent = {"marketing": {"granted": True, "at": now.isoformat(), "source": "widget", "text": "yes"}}
    batch: list[Any] = []
    for n in range(clients):
        phone, client_id = f"+49151{n:08d}", f"c{n:07d}"
        last = now - timedelta(days=20 + n % 200)
        batch += [
            Client(
                salon_id="bench",
                client_id=client_id,
                name=f"Client {n}",
                name_key=f"client {n}",
                phone=phone,
                locale="en",
                consents=consent,
                created_at=now - timedelta(days=400),
                visits=1 + n % 12,
                total_spent=3000 * (1 + n % 12),
                first_visit_at=now - timedelta(days=400),
                last_visit_at=last,
                visit_log=[[last.isoformat(), "haircut", "anna", (last - timedelta(days=3)).isoformat()]],
            ),
            PhoneIndex(salon_id="bench", phone=phone, client_id=client_id),
        ]
        if len(batch) >= 2500:
            _put_all(dynamo.Local.current, batch)  # type: ignore[attr-defined]
            batch = []
    _put_all(dynamo.Local.current, batch)  # type: ignore[attr-defined]


def bench_campaign(now: datetime) -> Any:
    """The benchmarks' campaign: to every client who visited, in English, at ``now``."""
    from regulars.campaigns import service
    from regulars.campaigns.segments import SegmentFilter

    return service.CampaignSpec(
        name="Bench",
        kind="other",
        segment_id=None,
        filter=SegmentFilter(visits_min=1),
        messages={"en": "Hi {name}, come back: {link}"},
        send_at=now,
    )


def report(clients: int = 50_000) -> str:
    from regulars_local.emulator.aws import MotoServer

    title = f"A campaign to {clients:,} clients"
    local = dynamo.start_or_reason(title)
    if isinstance(local, str):
        return local
    moto = MotoServer()
    try:
        import boto3
        from regulars.app import jobs as worker
        from regulars.app import messages as dispatch
        from regulars.campaigns import repo as campaign_store
        from regulars.campaigns import service
        from regulars.core import clock
        from regulars.messaging.channels.sms import SmsChannel
        from regulars.messaging.outbox import sender
        from regulars.messaging.outbox.items import Message
        from regulars.runtime.jobs import repo as job_store
        from regulars.runtime.jobs.items import Job
        from regulars.runtime.jobs.repo import JobRef
        from regulars.store.base import Entity

        now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 11:00 in Berlin: outside the quiet hours
        clock.set_offset(now - datetime.now(UTC))
        dynamo.Local.current = local  # type: ignore[attr-defined]
        dynamo.make_salon("bench", now)
        started = time.perf_counter()
        fill(clients, now)
        filled = time.perf_counter() - started
        endpoint = moto.start()
        sns = boto3.client(
            "sns",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        sms = SmsChannel(sns, price_micros_per_segment={"49": 75000, "default": 50000}, currency="USD")

        rows: list[list[object]] = []
        stages: dict[str, tuple[float, list]] = {}

        def stage(name: str, run) -> Any:
            recorder.take()
            t0 = time.perf_counter()
            out = run()
            stages[name] = (time.perf_counter() - t0, recorder.take())
            return out

        recorder = dynamo.Recorder(Entity.connection().client, consumed_capacity=True)

        spec = bench_campaign(now)
        campaign = service.create_campaign("bench", spec, "bench", now)

        def run_jobs(kind: str) -> list[float]:
            seconds = []
            for job in Job.scan(Job.kind == kind):
                ref = JobRef("bench", job.job_id)
                job_store.mark_queued(ref, now)
                t0 = time.perf_counter()
                outcome = worker.run(ref, now)
                seconds.append(time.perf_counter() - t0)
                assert outcome is not None and outcome.done, outcome
            return seconds

        start_seconds = stage("start: segment read and split", lambda: run_jobs(service.START))
        batch_seconds = stage("batches: members, messages planned", lambda: run_jobs(service.BATCH))
        ids = [m.message_id for m in Message.scan(Message.campaign_id == campaign.id)]

        def dispatch_all() -> None:
            for message_id in ids:
                assert dispatch.dispatch("bench", message_id, now).done

        def send_all() -> None:
            for message_id in ids:
                item = Message.get(*Message.primary_key(salon_id="bench", message_id=message_id))
                result = dispatch.send(
                    sender.SendRef.of(item),
                    lambda _: sms,
                    now,
                    requeue=lambda *_: None,
                    dead_letter=lambda *_: None,
                )
                assert result.outcome == "sent", result

        stage("dispatch: consent, cap, route", dispatch_all)
        stage("sender: SNS Publish, cost", send_all)
        recorder.close()

        messages = len(ids)
        total_read = total_write = total_seconds = 0.0
        for name, (seconds, calls) in stages.items():
            rcu = dynamo.reported_units(calls, ("GetItem", "Query", "Scan", "BatchGetItem"))
            wcu = dynamo.reported_units(
                calls, ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems")
            )
            total_read, total_write, total_seconds = (
                total_read + rcu,
                total_write + wcu,
                total_seconds + seconds,
            )
            rows.append(
                [
                    name,
                    len(calls),
                    round(messages / seconds),
                    round(rcu / messages, 2),
                    round(wcu / messages, 2),
                ]
            )
        rows.append(
            [
                "whole pipeline",
                "",
                round(messages / total_seconds),
                round(total_read / messages, 2),
                round(total_write / messages, 2),
            ]
        )
        report_ = service.report("bench", campaign.id, now)
        view = campaign_store.campaign("bench", campaign.id)
        # after the campaign: the preview's changed clients (a consent withdrawn) are not its audience
        previews = preview_table("bench", clients, now, changed=clients // 50)
        note = (
            f"{clients:,} clients with marketing consent (filled in {filled:.0f} s); the audience was "
            f"{int(view.audience):,}: {int(view.sent_group):,} sent and {int(view.holdout_group):,} held out. "
            f"The start job ran {start_seconds[0]:.1f} s and the longest of {len(batch_seconds)} batch jobs "
            f"{max(batch_seconds):.1f} s: no step needs more than one Lambda invocation can give. The campaign's "
            f"report counts {report_['messages']['sent']:,} messages sent at a cost of "
            f"{report_['messages']['cost_micros'] / 1e6:,.2f} USD. Capacity is what DynamoDB Local reports "
            f"(ReturnConsumedCapacity=TOTAL), per message sent; one process plays each stage in turn, where "
            f"Lambda would run the batches, the dispatches and the sends in parallel."
        )
        return (
            table(title, ["stage", "DynamoDB calls", "messages/s", "RCU/message", "WCU/message"], rows, note)
            + "\n\n"
            + previews
        )
    finally:
        moto.stop()
        local.stop()


# ------------------------------------------------------------------------------------- the preview
PREVIEW_FILTER = {"visits_min": 1}  # what the admin's Preview asks of the campaign's segment


def billed_reads(calls: list[dynamo.Call]) -> float:
    """Read units AWS bills for the reads among ``calls``, from the items each returned: each request
    the sum of its items' sizes rounded up to 4 KB (a GetItem each item), half when eventually
    consistent. The calls are made again, unrecorded, to see their items."""
    from regulars.store.base import Entity

    client, units = Entity.connection().client, 0.0
    for call in calls:
        share = 1.0 if call.params.get("ConsistentRead") else 0.5
        if call.operation == "Query":
            items = client.query(**call.params).get("Items", [])
            units += share * max(1, math.ceil(sum(item_size(i) for i in items) / 4096))
        elif call.operation == "BatchGetItem":
            found = client.batch_get_item(**call.params).get("Responses", {})
            units += sum(share * math.ceil(item_size(i) / 4096) for items in found.values() for i in items)
        elif call.operation == "GetItem":
            item = client.get_item(**call.params).get("Item")
            units += share * max(1, math.ceil(item_size(item) / 4096))
    return units


def preview_table(salon_id: str, clients: int, now: datetime, *, changed: int) -> str:
    """The admin's preview of a segment of ``clients`` clients (already written), read in full, from
    the projection the first preview packs, and from it again after ``changed`` clients changed (a
    delta each, as the stream writes them). Each answer is checked against the full read's."""
    from regulars.campaigns import audience
    from regulars.campaigns import projection_repo as projection
    from regulars.campaigns.items import AudienceHead
    from regulars.campaigns.segments import SegmentFilter
    from regulars.clients.items import Client
    from regulars.core.ids import new_id
    from regulars.store.base import Entity

    f = SegmentFilter.model_validate(PREVIEW_FILTER)
    recorder = dynamo.Recorder(Entity.connection().client, consumed_capacity=True)
    rows: list[list[object]] = []

    def measured(name: str, run: Any) -> Any:
        recorder.take()
        t0 = time.perf_counter()
        out = run()
        seconds, calls = time.perf_counter() - t0, recorder.take()
        rows.append(
            [
                name,
                len(calls),
                round(seconds, 2),
                round(dynamo.reported_units(calls, ("GetItem", "Query", "BatchGetItem")), 1),
                billed_reads(calls),
                round(dynamo.reported_units(calls, ("PutItem",)), 1),
            ]
        )
        return out

    try:
        full = measured(
            "full read (every client item and bonus account)", lambda: audience.preview_full(salon_id, f, now)
        )
        first = measured("first preview: the full read, packed", lambda: audience.preview(salon_id, f, now))
        head = AudienceHead.find(salon_id=salon_id, consistent=True)
        assert head is not None and first == full
        later = now + timedelta(hours=1)
        full = audience.preview_full(salon_id, f, later)
        packed = measured("preview from the projection", lambda: audience.preview(salon_id, f, later))
        assert packed == full, "the projection's preview differs from the full read's"
        pk = Client.render_key("pk", salon_id=salon_id)
        step = max(1, clients // max(1, changed))
        for n in range(0, clients, step):  # a consent withdrawn: each client's stream record
            client = Client.get(pk, f"CLIENT#c{n:07d}")
            was = client.serialize()
            client.update(actions=[Client.consents.set({})])
            audience.on_change({"PK": {"S": pk}, "SK": {"S": client.sk}}, was, client.serialize(), later)
        after = later + timedelta(minutes=5)
        full = audience.preview_full(salon_id, f, after)
        deltas = measured(
            f"preview from the projection, {clients // step:,} clients changed since",
            lambda: audience.preview(salon_id, f, after),
        )
        assert deltas == full and deltas["reachable"] == full["reachable"] < packed["reachable"]
        found = projection.read(salon_id, after)
        assert found is not None
        # the same profiles under ids as the application makes them (48-bit time, 60 random bits)
        made = [
            replace(p, client_id=new_id(now - timedelta(days=n % 900))) for n, p in enumerate(found.profiles)
        ]
        made.sort(key=lambda p: p.client_id)
        packed_bytes = sum(len(c) for c in projection.chunked(made))
    finally:
        recorder.close()
    note = (
        f"The admin's preview of the segment {PREVIEW_FILTER} ({full['count']:,} of {clients:,} clients): "
        f"each answer equal to the full read's (count, reachable, sample). The projection is "
        f"{found.chunks} chunk item(s) of packed profiles ({int(head.clients):,} clients), written once by "
        f"the first preview of a salon without one (or by the nightly snapshot, which reads the "
        f"clients anyway), plus one delta item per client changed since. The bench's ids are short "
        f"and sequential; under ids as the application makes them the same profiles pack to "
        f"{packed_bytes / len(made):.1f} bytes a client ({packed_bytes / 1e6:.2f} MB: "
        f"{math.ceil(packed_bytes / 4096) / 2:,.0f} RRU a preview at this size). Seconds on this machine, in "
        f"one process on DynamoDB Local. RRU reported: what DynamoDB Local reports "
        f"(ReturnConsumedCapacity=TOTAL); RRU billed: from the items each read returned, per request "
        f"rounded up to 4 KB, half when eventually consistent (the head is read consistently); WRU: "
        f"the writes, as DynamoDB Local reports them."
    )
    return table(
        f"The segment preview at {clients:,} clients",
        ["read", "DynamoDB calls", "seconds", "RRU reported", "RRU billed", "WRU"],
        rows,
        note,
    )


def preview_report(clients: int = 50_000) -> str:
    """The preview's table alone: ``clients`` clients written, then :func:`preview_table`."""
    from regulars.core import clock

    title = f"The segment preview at {clients:,} clients"
    local = dynamo.start_or_reason(title)
    if isinstance(local, str):
        return local
    try:
        now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
        clock.set_offset(now - datetime.now(UTC))
        dynamo.Local.current = local  # type: ignore[attr-defined]
        dynamo.make_salon("bench", now)
        fill(clients, now)
        return preview_table("bench", clients, now, changed=clients // 50)
    finally:
        local.stop()
