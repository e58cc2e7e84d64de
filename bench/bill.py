"""``--only bill``: what AWS bills for the application's work, measured by running the real code.

The functions run in this process with the template's environment, against DynamoDB Local (its
stream read as Lambda's mapping reads it, through the template's filter) and moto (the template's
topics, queues and subscriptions): the public and admin functions get API Gateway's events, the stream
processor the stream's batches, the job worker and the SMS sender their queues' batches, the ticker its
schedule's event at the minute a job is due. :class:`bench.meter.Meter` counts every AWS call and
invocation; :mod:`bench.pricing` bills them; :mod:`bench.idle` reads the month's fixed costs from the
template. The tables: each unit of work, a month of idle, and the monthly bill of a 5-chair salon and of
a 50-salon chain.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import api, dynamo, idle, pricing
from bench.meter import Meter, Tally
from bench.report import table

SALON = "bench"
ROOT = Path(__file__).resolve().parents[1]
REGION = "us-east-1"
START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # a Monday, 09:00 in Berlin
FUNCTIONS = ("PublicApiFunction", "AdminApiFunction", "StreamProcessorFunction", "TickerFunction")
SENDER_CHANNEL = "sms"  # a widget's client gives a phone number: SMS through SNS, the AWS channel
CAMPAIGN_AUDIENCE = 40  # clients the measured campaign goes to
AFTER_VISIT = timedelta(days=3)  # the jobs of an appointment's life run until this long after it


@dataclass
class Fn:
    logical_id: str
    memory_mb: int
    handler: Callable[[Any, Any], Any]
    context: Any


@dataclass
class Queue:
    function: str
    url: str
    arn: str
    batch_size: int
    from_topic: bool  # a topic's subscription delivers to it


class World:
    """DynamoDB Local and moto made from the template, and the functions loaded in this process."""

    def __init__(self) -> None:
        from regulars_local.emulator import aws

        self.local = dynamo.start()
        self.moto = aws.MotoServer()
        try:
            self._set_up(self.moto.start())
        except BaseException:
            self.moto.stop()
            self.local.stop()
            raise

    def _set_up(self, endpoint: str) -> None:
        from regulars_local.emulator import aws
        from regulars_local.emulator.functions import LambdaContext, import_handler
        from regulars_local.emulator.template import functions

        os.environ.update(
            {
                "AWS_ENDPOINT_URL": endpoint,
                "AWS_ENDPOINT_URL_DYNAMODB": self.local.server.endpoint,
                "MESSAGE_CHANNELS": SENDER_CHANNEL,
                "POWERTOOLS_METRICS_NAMESPACE": "Regulars",
            }
        )
        description = self.local.raw.describe_table(TableName=self.local.table)["Table"]
        self.stream_arn = description["LatestStreamArn"]
        self.stack = aws.Stack(name="regulars-bench")
        self.stack.add(
            "Table",
            self.local.table,
            Arn=f"arn:aws:dynamodb:{REGION}:123456789012:table/{self.local.table}",
            StreamArn=self.stream_arn,
        )
        aws.create_resources(self.stack, aws.Clients.at(endpoint, REGION))
        specs = functions()
        for logical_id in specs:
            self.stack.add(logical_id, f"regulars-bench-{logical_id}")
        envs = {lid: self.stack.environment(spec.environment)[0] for lid, spec in specs.items()}
        # the function that sends SMS: a sender whose CHANNEL is sms, else the one sender of every channel
        senders = [lid for lid, spec in specs.items() if spec.code_uri.name == "sender" and spec.queues]
        sender = next((lid for lid in senders if envs[lid].get("CHANNEL") == SENDER_CHANNEL), senders[0])
        loaded = (*FUNCTIONS, "JobWorkerFunction", sender)
        # The settings are read once per process: each variable that the loaded functions agree on (or
        # that one of them alone has: a queue, a topic) is the process's, as each function has its own.
        values: dict[str, set[str]] = {}
        for lid in loaded:
            for name, value in envs[lid].items():
                values.setdefault(name, set()).add(value)
        os.environ.update(
            {
                name: v.pop()
                for name, v in values.items()
                if len(v) == 1 and name not in ("TABLE_NAME", "MESSAGE_CHANNELS", "PUBLIC_BASE_URL")
            }
        )
        self.fns: dict[str, Fn] = {}
        for lid in loaded:
            spec = specs[lid]
            own = {
                **{k: v for k, v in envs[lid].items() if k not in ("TABLE_NAME", "PUBLIC_BASE_URL")},
                "MESSAGE_CHANNELS": SENDER_CHANNEL,
                "TABLE_NAME": self.local.table,
            }
            own.pop("POWERTOOLS_TRACE_DISABLED", None)
            handler = import_handler(spec, own=own)
            context = LambdaContext(
                function_name=f"regulars-bench-{lid}",
                memory_limit_in_mb=spec.memory_size,
                invoked_function_arn=f"arn:aws:lambda:{REGION}:123456789012:function:regulars-bench-{lid}",
                timeout_seconds=float(spec.timeout),
            )
            self.fns[lid] = Fn(lid, spec.memory_size, handler, context)
        self.sender = sender
        subscribed = {
            target["Fn::GetAtt"][0]
            for res in _resources("AWS::SNS::Subscription").values()
            if (res.get("Properties") or {}).get("Protocol") == "sqs"
            and isinstance(target := res["Properties"].get("Endpoint"), dict)
            and "Fn::GetAtt" in target
        }
        self.queues = [
            Queue(
                lid,
                self.stack.refs[q.queue["Fn::GetAtt"][0]],
                self.stack.get_att(q.queue["Fn::GetAtt"][0], "Arn"),
                q.batch_size,
                q.queue["Fn::GetAtt"][0] in subscribed,
            )
            for lid in ("JobWorkerFunction", sender)
            for q in specs[lid].queues
        ]
        self.stream_source = specs["StreamProcessorFunction"].streams[0]
        topics = {
            self.stack.refs[lid]
            for lid, res in _resources("AWS::SNS::Topic").items()
            if (res.get("Properties") or {}).get("KmsMasterKeyId") and lid in self.stack.refs
        }
        self.meter = Meter(self.local.server.endpoint, frozenset(topics))
        import boto3

        self.streams = boto3.client("dynamodbstreams", endpoint_url=self.local.server.endpoint)
        self.sqs = boto3.client("sqs", endpoint_url=endpoint)
        self._shards: dict[str, str | None] = {}
        self.claims: dict[str, str] = {}  # the signed-in owner's, for the admin function
        self.meter.install()

    def stop(self) -> None:
        self.meter.uninstall()
        self.moto.stop()
        self.local.stop()

    # ------------------------------------------------------------------------------ invocations
    def invoke(self, logical_id: str, event: Any) -> Any:
        fn = self.fns[logical_id]
        return self.meter.invoke(logical_id, fn.memory_mb, fn.handler, event, fn.context)

    def request(self, function: str, method: str, resource: str, params: dict[str, str], **kw: Any) -> Any:
        event = api.event(method, resource, params, **kw)
        if function == "AdminApiFunction":
            event["path"] = "/v1/admin/" + params["proxy"]
            event["requestContext"]["path"] = "/prod" + event["path"]
            event["requestContext"]["authorizer"] = {"claims": self.claims}
        response = self.invoke(function, event)
        if response["statusCode"] >= 300:
            raise RuntimeError(f"{method} {event['path']}: {response['statusCode']} {response.get('body')}")
        return api.json_body(response)

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        proxy = path.removeprefix("/v1/admin/")
        return self.request("AdminApiFunction", method, "/v1/admin/{proxy+}", {"proxy": proxy}, body=body)

    # ------------------------------------------------------------------------------ event sources
    def settle(self) -> None:
        """Deliver the stream's records and the queues' messages until there are none left."""
        while self._pump_stream() + self._pump_queues():
            pass

    def _pump_stream(self) -> int:
        from regulars_local.emulator.streams import lambda_record, passes

        records = []
        with self.meter.quiet():  # Lambda reads the stream for free
            shards = self.streams.describe_stream(StreamArn=self.stream_arn)["StreamDescription"]["Shards"]
            for shard in shards:
                sid = shard["ShardId"]
                after = self._shards.get(sid)
                it = self.streams.get_shard_iterator(
                    StreamArn=self.stream_arn,
                    ShardId=sid,
                    **(
                        {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after}
                        if after
                        else {"ShardIteratorType": "TRIM_HORIZON"}
                    ),
                )["ShardIterator"]
                while it:
                    page = self.streams.get_records(ShardIterator=it, Limit=1000)
                    if not page["Records"]:
                        break
                    for raw in page["Records"]:
                        self._shards[sid] = raw["dynamodb"]["SequenceNumber"]
                        records.append(lambda_record(raw, self.stream_arn, REGION))
                    it = page.get("NextShardIterator")
        passing = [r for r in records if passes(self.stream_source.filters, r)]
        size = self.stream_source.batch_size
        for i in range(0, len(passing), size):
            result = self.invoke("StreamProcessorFunction", {"Records": passing[i : i + size]})
            if result and result.get("batchItemFailures"):
                raise RuntimeError(f"the stream processor failed records: {result}")
        return len(records)

    def _pump_queues(self) -> int:
        from regulars_local.emulator.queues import lambda_record

        delivered = 0
        for q in self.queues:
            with self.meter.quiet():
                messages = self.sqs.receive_message(
                    QueueUrl=q.url,
                    MaxNumberOfMessages=min(10, q.batch_size),
                    MessageAttributeNames=["All"],
                    AttributeNames=["All"],
                ).get("Messages", [])
            if not messages:
                continue
            # Lambda's poller: the receive that found them, and the delete of the batch once handled;
            # a topic's delivery to the queue is a request to SQS for each message
            self.meter.tally.esm_sqs_requests += 2 + (len(messages) if q.from_topic else 0)
            records = [lambda_record(m, q.arn, REGION) for m in messages]
            result = self.invoke(q.function, {"Records": records})
            if result and result.get("batchItemFailures"):
                raise RuntimeError(f"{q.function} failed records: {result}")
            with self.meter.quiet():
                self.sqs.delete_message_batch(
                    QueueUrl=q.url,
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)
                    ],
                )
            delivered += len(messages)
        return delivered

    def tick(self, at: datetime) -> None:
        """The ticker's scheduled invocation at ``at``."""
        from regulars.core import clock

        clock.set_offset(at - datetime.now(UTC))
        event = json.loads((ROOT / "events" / "ticker" / "every_minute.json").read_text())
        self.invoke("TickerFunction", event)

    def pending_jobs(self, until: datetime) -> list[datetime]:
        from regulars.runtime.jobs.items import Job

        with self.meter.quiet():  # the benchmark's look at what is due (the ticker finds it by its index)
            jobs = [j for j in Job.scan(Job.status == "pending") if j.due_at <= until]
        return sorted(j.due_at for j in jobs)

    def run_jobs_until(self, until: datetime) -> int:
        """Tick at each pending job's minute up to ``until``, and settle after each tick."""
        runs = 0
        while due := self.pending_jobs(until):
            at = due[0].replace(second=0, microsecond=0) + timedelta(minutes=1, seconds=1)
            self.tick(at)
            self.settle()
            runs += 1
        return runs


def _resources(kind: str) -> dict[str, dict[str, Any]]:
    from regulars_local.emulator.template import resources

    return resources(kind)


# ---------------------------------------------------------------------------------------- work
def unit(tally: Tally) -> Tally:
    """The work of one unit, without what the ticker does every minute anyway (finding due jobs, its
    watermark, its own invocation: the month of idle bills those); its marking each job queued and
    its sending them to the queue are the unit's."""
    out = Tally(esm_sqs_requests=tally.esm_sqs_requests)
    out.invocations = [i for i in tally.invocations if i.function != "TickerFunction"]
    out.calls = [
        c
        for c in tally.calls
        if c.function != "TickerFunction"
        or c.service == "sqs"
        or (c.operation in ("UpdateItem", "PutItem") and c.kind != "SYSTEM" and "WATERMARK" not in c.kind)
    ]
    return out


@dataclass
class Units:
    tallies: dict[str, Tally] = field(default_factory=dict)
    per: dict[str, float] = field(default_factory=dict)  # divide the tally by this many
    sent_share: float = 1.0  # of a campaign's audience, the share that is sent (the rest held out)
    notes: list[str] = field(default_factory=list)

    def usage(self, name: str) -> pricing.Usage:
        return self.tallies[name].usage().scaled(1 / self.per.get(name, 1))


class Slots:
    """Free one-hour times for haircuts, weekdays, both staff, from a given day on."""

    def __init__(self, first: datetime):
        from zoneinfo import ZoneInfo

        self._day = first.astimezone(ZoneInfo("Europe/Berlin")).replace(
            hour=0, minute=0, second=0, microsecond=0
        )
        self._queue: list[tuple[datetime, str]] = []

    def next(self) -> tuple[datetime, str]:
        while not self._queue:
            self._day += timedelta(days=1)
            if self._day.weekday() < 5:
                self._queue = [
                    (self._day.replace(hour=h), staff)
                    for h in (9, 10, 11, 12, 14, 15, 16, 17)
                    for staff in ("anna", "marta")
                ]
        return self._queue.pop(0)


def client_id(n: int) -> str:
    return f"r{n:07d}"


def regulars(first: int, count: int, now: datetime) -> list[str]:
    """Clients the salon knows (a widget booking of a phone the salon does not know needs a one-time
    code first, by default): their phones."""
    from regulars.clients.items import Client, PhoneIndex

    consent = {"marketing": {"granted": True, "at": now.isoformat(), "source": "widget", "text": "yes"}}
    phones = []
    for n in range(first, first + count):
        phone = f"+49152{n:08d}"
        Client(
            salon_id=SALON,
            client_id=client_id(n),
            name=f"Regular {n}",
            name_key=f"regular {n}",
            phone=phone,
            locale="en",
            consents=consent,
            created_at=now - timedelta(days=400),
        ).save()
        PhoneIndex(salon_id=SALON, phone=phone, client_id=client_id(n)).save()
        phones.append(phone)
    return phones


def book(world: World, start: datetime, staff: str, phone: str) -> str:
    body = {
        "service_id": "haircut",
        "staff_id": staff,
        "start": start.isoformat(),
        "client": {"name": "Anna Client", "phone": phone, "locale": "en"},
        "consents": {"marketing": True},
    }
    answer = world.request(
        "PublicApiFunction",
        "POST",
        "/v1/salons/{salon_id}/appointments",
        {"salon_id": SALON},
        body=body,
        headers={"Idempotency-Key": os.urandom(8).hex()},
    )
    return str(answer["appointment"]["id"])


def measure(world: World) -> Units:
    from regulars.core import clock
    from regulars.team import service as team
    from regulars.team.policy import Role

    out = Units()
    clock.set_offset(START - datetime.now(UTC))
    with world.meter.quiet():
        dynamo.make_salon(SALON, START)
        phones = regulars(1, 5, START)  # the measured life's client is the first
        member = team.register(
            SALON, user_id="bench-owner", email="owner@example.com", role=Role.OWNER, now=START
        )
    world.claims = {
        "sub": member.user_id,
        "email": "owner@example.com",
        "custom:salon_id": SALON,
        "custom:role": "owner",
        "token_use": "id",
        "cognito:username": member.user_id,
    }
    world.settle()
    world.tick(START)  # the ticker's first run sets its watermark
    world.settle()
    world.meter.take()

    # --- one appointment's whole life, after one that warms every function up (the first call of a
    # function in this process builds its clients: a cold start, which a salon's steady month has few of)
    for phone in (phones[4], phones[0]):
        world.meter.take()
        waiting = len(world.pending_jobs(clock.now() + timedelta(days=3650)))
        booked_at = clock.now()
        start, staff = Slots(booked_at + timedelta(days=2)).next()
        appointment = book(world, start, staff, phone)
        world.settle()
        life = unit(world.meter.take())
        before = world.run_jobs_until(start)  # the reminders: their jobs, messages, sends and counts
        reminding = unit(world.meter.take())
        clock.set_offset(start + timedelta(minutes=65) - datetime.now(UTC))
        world.admin("POST", f"/v1/admin/appointments/{appointment}/complete", {"paid_amount": 4500})
        world.settle()
        after = world.run_jobs_until(start + AFTER_VISIT)
        life.extend(reminding)
        life.extend(unit(world.meter.take()))
        out.tallies["appointment's life"] = life
        out.tallies["reminder (job, message, send)"] = reminding
        clock.set_offset(start + AFTER_VISIT + timedelta(hours=1) - datetime.now(UTC))
    from regulars.messaging.outbox.items import Message

    with world.meter.quiet():
        kinds = sorted(
            f"{m.kind} ({m.status})"
            for m in Message.scan(
                (Message.appointment_id == appointment) | (Message.client_id == client_id(1))
            )
            if m.status not in ("planned", "queued", "sending")
        )
    reminders = [k for k in kinds if k.startswith("reminder") and k.endswith("(sent)")]
    out.per["reminder (job, message, send)"] = len(reminders)
    later = len(world.pending_jobs(start + timedelta(days=3650))) - waiting
    out.notes.append(
        f"The life: booked through the public function {(start - booked_at).days} days ahead, its stream "
        f"records, the jobs due before the visit ({before} runs of the ticker) and after it ({after}) until "
        f"{AFTER_VISIT.days} days after it, checkout (with cashback) through the admin function, and all "
        f"they set going; its messages: {', '.join(kinds)}. Jobs due later (the repeat-visit invitation, the "
        f"bonus's warning and expiry: {later} of them) are not in it. A reminder: the jobs due before the "
        f"visit, with all they set going, divided by the reminders they sent ({len(reminders)}: "
        f"{', '.join(reminders)})."
    )

    # --- a booking, a move, a cancel: the request alone, and with what it sets going
    now = clock.now()
    slots = Slots(now + timedelta(days=7))

    def booking() -> None:
        book(world, *slots.next(), phones[1])

    def move() -> None:
        appointment = book(world, *slots.next(), phones[2])
        settled()
        to, staff = slots.next()
        world.admin(
            "POST", f"/v1/admin/appointments/{appointment}/move", {"start": to.isoformat(), "staff_id": staff}
        )

    def cancel() -> None:
        appointment = book(world, *slots.next(), phones[3])
        settled()
        world.admin("POST", f"/v1/admin/appointments/{appointment}/cancel", {})

    def settled() -> None:
        """What came before the request measured: settled, and not counted."""
        world.settle()
        world.meter.take()

    for name, run in (("booking", booking), ("move", move), ("cancel", cancel)):
        settled()
        run()
        request = unit(world.meter.take())
        world.settle()
        whole = unit(world.meter.take())
        whole.extend(request)
        out.tallies[f"{name}: the request"] = request
        out.tallies[f"{name}: with its stream and messages"] = whole

    # --- one campaign message
    from regulars.campaigns import repo as campaign_store
    from regulars.campaigns import service

    from bench import campaign as campaign_bench

    now = (now + timedelta(days=1)).replace(hour=10, minute=0)  # 11:00 in Berlin
    clock.set_offset(now - datetime.now(UTC))
    with world.meter.quiet():
        dynamo.Local.current = world.local  # type: ignore[attr-defined]
        campaign_bench.fill(CAMPAIGN_AUDIENCE, now)
    world.settle()
    world.meter.take()
    spec = campaign_bench.bench_campaign(now)
    with world.meter.quiet():
        created = service.create_campaign(SALON, spec, "bench", now)
    world.settle()
    world.run_jobs_until(now + timedelta(minutes=30))
    tally = unit(world.meter.take())
    with world.meter.quiet():
        view = campaign_store.campaign(SALON, created.id)
    sent = int(view.sent_group)
    out.tallies["campaign message"] = tally
    out.per["campaign message"] = sent
    out.sent_share = 1 - view.holdout_percent / 100
    out.notes.append(
        f"The campaign: {CAMPAIGN_AUDIENCE} clients with marketing consent, {int(view.audience)} in its "
        f"audience, {sent} sent and {int(view.holdout_group)} held out; its start and batch jobs, each "
        "message's dispatch, queue and send, the analytics each sent message updates, divided by the "
        "messages sent. The campaign's creation (one admin request per campaign) is not in it."
    )
    return out


IDLE_TICKS = 60  # an hour of ticks: the watermark is written once in it


def idle_tick(world: World) -> pricing.Usage:
    """A run of the ticker with nothing due, after a run that caught it up: its whole cost, the mean of
    an hour's runs."""
    from regulars.core import clock

    now = clock.now().replace(second=0, microsecond=0) + timedelta(minutes=1, seconds=1)
    world.tick(now)
    world.settle()
    world.meter.take()
    usage = pricing.Usage()
    for minute in range(1, IDLE_TICKS + 1):
        world.tick(now + timedelta(minutes=minute))
        usage = usage.plus(world.meter.take().usage())
    return usage.scaled(1 / IDLE_TICKS)


# ---------------------------------------------------------------------------------------- tables
@dataclass
class Measured:
    units: Units
    month: idle.Month
    access_log_bytes: int
    waf: bool

    def usage(self, name: str) -> pricing.Usage:
        """One unit's usage with what the template adds to each request: an access-log line per API
        request, an X-Ray trace per invocation when tracing is on, WAF's look at each request when on."""
        usage = self.units.usage(name)
        requests = usage["apigw.requests"]
        usage.add("logs.gb", requests * self.access_log_bytes / pricing.GB)
        if self.month.traced:
            usage.add("xray.traces", usage["lambda.requests"])
        if self.waf:
            usage.add("waf.requests", requests)
        return usage


def _money(value: float) -> str:
    return f"{value:,.4f}" if value < 1 else f"{value:,.2f}"


def _price(meter: pricing.Meter) -> str:
    if meter.price < 0.01:
        return f"{meter.price * pricing.MILLION:,.4g} per million"
    return f"{meter.price:,.2f}"


def _quantity(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:,.3g}"


def units_table(m: Measured) -> str:
    rows = []
    for name in m.units.tallies:
        u = m.usage(name)
        rows.append(
            [
                name,
                _quantity(u["dynamodb.write"]),
                _quantity(u["dynamodb.read"]),
                _quantity(u["lambda.requests"]),
                f"{u['lambda.gb_s']:.4f}",
                _quantity(u["sqs.requests"]),
                _quantity(u["sns.publishes"]),
                _quantity(u["apigw.requests"]),
                _quantity(sum(1 for c in m.units.tallies[name].calls if c.failed) / m.units.per.get(name, 1)),
                f"{pricing.cost(u) * 1000:.3f}",
            ]
        )
    return table(
        "What AWS bills for each unit of work (measured, billed by the published rules)",
        [
            "unit",
            "WRU",
            "RRU",
            "Lambda invocations",
            "GB-s",
            "SQS requests",
            "SNS publishes",
            "API requests",
            "failed calls",
            "USD per 1,000",
        ],
        rows,
        "WRU/RRU: DynamoDB request units from the real items' sizes (writes per started KB, twice in a "
        "transaction, every index copy again, a failed condition still billed; reads per started 4 KB, half "
        "when eventually consistent). GB-s: each invocation's CPU time in this process, rounded up to the "
        "millisecond, at the function's memory in template.yaml. SQS: the application's sends, SNS's "
        "deliveries to the channel queue, Lambda's receive and delete of each batch. Failed calls: a "
        "condition that did not hold (an effect already applied, a transaction cancelled), billed all the "
        "same. USD at list price, "
        "logs and KMS included. " + " ".join(m.units.notes),
    )


def life_table(m: Measured) -> str:
    tally = m.units.tallies["appointment's life"]
    by_kind: dict[str, float] = {}
    for call in tally.calls:
        for kind, wru in call.by_kind.items():
            by_kind[kind] = by_kind.get(kind, 0.0) + wru
    total = sum(by_kind.values()) or 1.0
    kinds = sorted(by_kind.items(), key=lambda kv: -kv[1])
    functions: dict[str, list[float]] = {}
    for i in tally.invocations:
        f = functions.setdefault(i.function, [0, 0.0, 0.0, 0.0])
        f[0] += 1
        f[1] += i.gb_seconds
    for call in tally.calls:
        name = call.function or "?"
        f = functions.setdefault(name, [0, 0.0, 0.0, 0.0])
        f[2] += call.wru
        f[3] += call.rru
    left = table(
        "An appointment's life: where the writes go (WRU by item written)",
        ["item (sort key)", "WRU", "share"],
        [[k, _quantity(v), f"{v / total:.0%}"] for k, v in kinds],
    )
    right = table(
        "An appointment's life: by function",
        ["function", "invocations", "GB-s", "WRU", "RRU"],
        [
            [name, int(f[0]), f"{f[1]:.4f}", _quantity(f[2]), _quantity(f[3])]
            for name, f in sorted(functions.items(), key=lambda kv: -kv[1][2])
        ],
        "The ticker's line is its marking each due job queued and its sending them to the jobs queue; its "
        "reading the due index every minute is in the month of idle.",
    )
    return left + "\n" + right


def bill_table(title: str, usage: pricing.Usage, note: str) -> str:
    listed = {line.meter.key: line for line in pricing.bill(usage)}
    free = {line.meter.key: line for line in pricing.bill(usage, free_tier=True)}
    rows = [
        [
            line.meter.label,
            _quantity(line.quantity),
            line.meter.unit,
            _price(line.meter),
            _money(line.cost),
            _money(free[key].cost),
        ]
        for key, line in listed.items()
    ]
    rows.append(
        ["total", "", "", "", _money(pricing.cost(usage)), _money(pricing.cost(usage, free_tier=True))]
    )
    return table(
        title, ["line", "quantity", "unit", "USD per unit", "USD list", "USD in the free tier"], rows, note
    )


def idle_table(m: Measured) -> str:
    rows = []
    for item in m.month.items:
        meter = pricing.METER[item.meter]
        rows.append(
            [
                item.what,
                _quantity(item.quantity),
                meter.unit,
                item.how,
                _price(meter),
                _money(item.quantity * meter.price),
            ]
        )
    usage = m.month.usage()
    rows.append(["total", "", "", "", "", _money(pricing.cost(usage))])
    return table(
        "A month of idle, from template.yaml (no visits, no messages)",
        ["what", "quantity", "unit", "counted as", "USD per unit", "USD list"],
        rows,
        f"Read from template.yaml with its parameters' defaults (X-Ray {'on' if m.month.traced else 'off'}, "
        f"WAF {'on' if m.waf else 'off'}). SQS mappings: "
        + ", ".join(f"{f} ({p})" for f, p in m.month.mappings)
        + ". The ticker's tick was measured as the mean of an hour's ticks with nothing due (its watermark written once in the hour). Alarms are billed per metric they "
        "evaluate (a metric-math alarm for each metric it reads); a custom metric is billed by the hours it "
        "has data: the one counted from the functions' error lines has none in a healthy hour, and is counted "
        f"here with {idle.ERROR_HOURS} hours of errors a month (0.30 USD were there an error in every hour).",
    )


@dataclass
class Business:
    name: str
    salons: int
    visits: int
    clients_per_salon: int
    campaigns_per_salon: int = 1


OPTIONS = (
    ("XRayTracing=true", {"XRayTracing": "true"}),
    ("PublicRateLimitPerIp=100 (WAF)", {"PublicRateLimitPerIp": "100"}),
)
SALON_5_CHAIRS = Business("a 5-chair salon", 1, 1_500, 2_000)
CHAIN_50 = Business("a 50-salon chain", 50, 75_000, 2_000)


def monthly(m: Measured, who: Business) -> tuple[pricing.Usage, str]:
    campaigns = who.salons * who.campaigns_per_salon
    messages = round(campaigns * who.clients_per_salon * m.units.sent_share)
    usage = (
        m.month.usage()
        .plus(m.usage("appointment's life"), who.visits)
        .plus(m.usage("campaign message"), messages)
    )
    note = (
        f"{who.visits:,} appointments' lives; {campaigns} campaign{'s' if campaigns > 1 else ''} a month, "
        f"each to {who.clients_per_salon:,} clients ({messages:,} messages sent: "
        f"all but the campaign's hold-out of {1 - m.units.sent_share:.0%}); one stack's month of idle. "
        "Not in it: the console's reads, the booking page's catalog and slots, the nightly sweeps, storage and backups (DynamoDB, logs), Cognito (free up to 10,000 "
        "monthly users), the SMS themselves (priced per message and country). The free tier is the "
        "always-free one (Lambda, SQS, SNS, CloudWatch, X-Ray, KMS requests); DynamoDB's on-demand requests "
        "and API Gateway have none."
    )
    return usage, note


def report() -> str:
    from regulars_local.emulator.dynamodb_local import Unavailable

    started = time.perf_counter()
    try:
        world = World()
    except Unavailable as exc:
        return f"### What AWS bills\n\nSkipped: {exc}\n"
    try:
        units = measure(world)
        tick = idle_tick(world)
        observed = world.meter.metrics
    finally:
        world.stop()
    m = Measured(units, idle.month(tick, observed), idle.access_log_bytes(), idle.waf_on())
    parts = [units_table(m), life_table(m), idle_table(m)]
    for who in (SALON_5_CHAIRS, CHAIN_50):
        usage, note = monthly(m, who)
        title = f"The monthly bill of {who.name} ({who.visits:,} visits a month), us-east-1"
        parts.append(bill_table(title, usage, note))
    rows = []
    for option, parameters in OPTIONS:
        other = Measured(
            units,
            idle.month(tick, observed, parameters=parameters),
            m.access_log_bytes,
            idle.waf_on(parameters=parameters),
        )
        row: list[object] = [option]
        for who in (SALON_5_CHAIRS, CHAIN_50):
            base, changed = monthly(m, who)[0], monthly(other, who)[0]
            row.append(f"{pricing.cost(changed) - pricing.cost(base):+,.2f}")
        rows.append(row)
    parts.append(
        table(
            "What the template's options add to a month (USD at list price)",
            ["deployed with", SALON_5_CHAIRS.name, CHAIN_50.name],
            rows,
            "The same measured work and the same template with one parameter changed: X-Ray records a trace "
            "an invocation; the web ACL sees every API request.",
        )
    )
    parts.append(f"Measured in {time.perf_counter() - started:.0f} s.\n")
    return "\n".join(parts)
