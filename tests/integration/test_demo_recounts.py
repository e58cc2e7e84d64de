"""The demo salon's figures agree with recounts from its raw items: defection statistics, the
retention analytics and their snapshot, then a campaign (its preview, its holdout and its report).

The demo is loaded into DynamoDB Local once for the module, its change stream goes through the real
stream function in Lambda-sized batches, and the checks that fell due run as the job worker runs
them. The defection statistics the admin API gives are compared with a count made here, straight
from the appointment items, by type, staff member, service and month. The campaign test comes last:
it books and completes visits, which the defection count must not see."""

from __future__ import annotations

import os
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import boto3
import pytest
from regulars.app import jobs as worker
from regulars.booking.items import Appointment
from regulars.campaigns.items import CampaignMember
from regulars.clients.items import Client
from regulars.core import clock
from regulars.loyalty.items import LedgerEntry, LoyaltyAccount
from regulars.messaging.outbox.items import Message
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.items import Job
from regulars.runtime.jobs.repo import JobRef
from regulars.salon import repo as catalog_store
from regulars.store.base import bind_table
from regulars_local.demo import SALON_ID, load_demo
from regulars_local.emulator import dynamodb_local
from support.lambda_ import AdminApi, PublicApi, context_for, handler
from support.moments import moment
from support.streams import stream_records

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("demo_data")]

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
CLIENTS = 50  # the demo's generator at a sixth of its size: every kind of client, a sixth of the settle
BERLIN = ZoneInfo("Europe/Berlin")
DAY = timedelta(days=1)
CHECKS = ("cancellation-check", "lifecycle-check")


@pytest.fixture(scope="module")
def settled(dynamodb):
    """The demo, loaded and settled once for the module, in a table of its own."""
    client = dynamodb_local.client(dynamodb.endpoint)
    table = f"regulars-demo-{uuid.uuid4().hex[:6]}"
    dynamodb_local.create_table(client, table)
    bind_table(table)
    catalog_store._cache.clear()
    saved = clock.offset()
    clock.set_offset(
        NOW - timedelta(minutes=5) - datetime.now(UTC)
    )  # jobs it schedules for "now" are due by NOW
    try:
        load_demo(NOW, clients=CLIENTS)
        records = [r for r in stream_records(table) if r["dynamodb"]["Keys"]["SK"]["S"].startswith("APPT#")]
        stream = handler("stream_processor")
        for start in range(0, len(records), 25):  # as Lambda delivers them
            # the clock held five minutes before NOW however long the machine takes: what the stream
            # schedules for "now" is due by NOW
            clock.set_offset(NOW - timedelta(minutes=5) - datetime.now(UTC))
            assert stream({"Records": records[start : start + 25]}, context_for("stream_processor")) == {
                "batchItemFailures": []
            }
        for _ in range(3):  # what the checks schedule for "now" runs on the next round
            due = [
                j for j in Job.scan(Job.kind.is_in(*CHECKS) & (Job.status == "pending") & (Job.due_at <= NOW))
            ]
            for job in due:
                ref = JobRef(job.salon_id, job.job_id)
                assert job_store.mark_queued(ref, NOW)
                worker.run(ref, NOW)
        yield table
    finally:
        clock.set_offset(saved)
        client.delete_table(TableName=table)


@pytest.fixture
def demo(settled):
    """The settled demo's table, bound for this test."""
    bind_table(settled)
    catalog_store._cache.clear()
    return settled


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
            again = [
                b
                for b in by_client[a.client_id]
                if b.appointment_id != a.appointment_id
                and a.updated_at <= b.created_at <= a.updated_at + 14 * DAY
            ]
            if not again:
                out.append(("cancelled_not_rebooked", a.staff_id, a.service_id, _month(a.updated_at)))
    for mine in by_client.values():
        done = sorted((a for a in mine if a.status == "completed"), key=lambda a: a.start)
        sittings: list[Appointment] = []
        for a in done:  # visits within 16 hours of each other are one sitting
            if sittings and a.start - sittings[-1].start < timedelta(hours=16):
                continue
            sittings.append(a)
        upcoming = sorted(
            (a for a in mine if a.status in ("booked", "confirmed") and a.start > NOW), key=lambda a: a.start
        )
        ends = [a.created_at for a in sittings[1:]] + [upcoming[0].created_at if upcoming else NOW]
        for before, end in zip(sittings, ends, strict=False):
            for kind, days in (("lapsed", 90), ("lost", 180)):
                if end - before.start >= days * DAY:
                    out.append((kind, before.staff_id, before.service_id, _month(before.start + days * DAY)))
    return out


def test_the_demo_defection_statistics_equal_a_recount_from_the_visits(demo):
    expected = recount()
    stats = AdminApi(SALON_ID).get("/v1/admin/defections/stats?from=2024-01&to=2026-12").json
    assert stats["by_type"] == dict(Counter(e[0] for e in expected))
    assert stats["total"] == len(expected) > 50
    # every kind of defection is among them, at this size too
    assert set(stats["by_type"]) == {
        "no_show",
        "late_cancellation",
        "cancelled_not_rebooked",
        "lapsed",
        "lost",
    }
    assert stats["by_staff"] == dict(Counter(e[1] for e in expected))
    assert stats["by_service"] == dict(Counter(e[2] for e in expected))
    assert {m: v["total"] for m, v in stats["by_month"].items()} == dict(Counter(e[3] for e in expected))
    for month, figures in stats["by_month"].items():
        assert figures["by_type"] == dict(Counter(e[0] for e in expected if e[3] == month))
    assert sum(stats["by_reason"].values()) == stats["total"]
    listed = (
        AdminApi(SALON_ID).get("/v1/admin/defections?from=2024-01&to=2026-12&limit=1000").json["defections"]
    )
    assert Counter(d["type"] for d in listed) == Counter(e[0] for e in expected)

    # (the settled demo also shows a status list paged through: every client once, in order)
    admin = AdminApi(SALON_ID)
    whole = admin.get("/v1/admin/retention/clients?status=lost&limit=500").json
    assert whole["next_cursor"] is None and len(whole["clients"]) > 10
    seen, cursor = [], None
    while True:
        page = admin.get(
            "/v1/admin/retention/clients?status=lost&limit=15" + (f"&cursor={cursor}" if cursor else "")
        ).json
        seen += [c["client_id"] for c in page["clients"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [c["client_id"] for c in whole["clients"]]


# --- retention analytics ---------------------------------------------------------------------------
PERIOD = ("2023-01", "2026-12")


def _day(at: datetime):
    return at.astimezone(BERLIN).date()


def recount_analytics() -> dict[str, Counter]:
    """The analytics tallies, counted here from the raw appointments and ledger entries alone."""
    mine: dict[str, list[Appointment]] = defaultdict(list)
    for a in Appointment.scan(Appointment.salon_id == SALON_ID):
        mine[a.client_id].append(a)
    n: dict[str, Counter] = defaultdict(Counter)
    for visits in mine.values():
        done = sorted((a for a in visits if a.status == "completed"), key=lambda a: a.start)
        for i, a in enumerate(done):
            month = _month(a.start)
            earlier_days = [b for b in done[:i] if _day(b.start) < _day(a.start)]
            kind = "repeat" if earlier_days else ("first" if i == 0 else "same_day")
            n["visits"][month] += 1
            n["revenue"][month] += int(a.paid_amount or 0)
            n[kind][month] += 1
            if earlier_days and not [b for b in done[:i] if _day(b.start) == _day(a.start)]:
                n["intervals"][month] += 1
                n["interval_days"][month] += (_day(a.start) - _day(earlier_days[-1].start)).days
            if earlier_days and a.created_at <= earlier_days[-1].start + 7 * DAY:
                n["rebooked"][_month(earlier_days[-1].start)] += 1
            confirmed = any(h.get("action") == "confirmed" for h in a.history)
            n["confirmed:completed" if confirmed else "unconfirmed:completed"][month] += 1
        for month in {_month(a.start) for a in done}:
            n["clients_visited"][month] += 1
        repeat_months = {
            _month(a.start)
            for i, a in enumerate(done)
            if [b for b in done[:i] if _day(b.start) < _day(a.start)]
        }
        for month in repeat_months:
            n["returning"][month] += 1
        if done:
            first = done[0]
            n["cohort"][_month(first.start)] += 1
            back = [a for a in done if _day(a.start) > _day(first.start)]
            if back:
                gap = (_day(back[0].start) - _day(first.start)).days
                n["returned"][_month(first.start)] += 1
                for days in (30, 60, 90):
                    n[f"returned_{days}"][_month(first.start)] += int(gap <= days)
            last = done[-1]
            for b in visits:
                if (
                    b.status in ("booked", "confirmed")
                    and _day(b.start) > _day(last.start)
                    and b.created_at <= last.start + 7 * DAY
                    and b.start > NOW
                ):
                    n["rebooked"][_month(last.start)] += 1
                    break
        for a in visits:
            if a.status == "no_show":
                n["no_show"][_month(a.start)] += 1
                confirmed = any(h.get("action") == "confirmed" for h in a.history)
                n["confirmed:no_show" if confirmed else "unconfirmed:no_show"][_month(a.start)] += 1
            elif a.status == "cancelled":
                n["cancelled"][_month(a.start)] += 1
                n["late_cancellation"][_month(a.start)] += int(a.late_cancellation)
    for e in LedgerEntry.scan(LedgerEntry.salon_id == SALON_ID):
        n[f"bonus:{e.kind}"][_month(e.created_at)] += int(e.amount)
    return n


def _share(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def test_the_analytics_report_equals_a_recount_from_the_raw_items(demo):
    ledger = [
        r
        for r in stream_records(demo)
        if r["dynamodb"]["Keys"]["SK"]["S"].startswith("LEDGER#") and r["eventName"] == "INSERT"
    ]
    assert ledger
    stream = handler("stream_processor")
    for start in range(0, len(ledger), 25):
        batch = {"Records": ledger[start : start + 25]}
        assert stream(batch, context_for("stream_processor")) == {"batchItemFailures": []}
    assert stream({"Records": ledger[:25]}, context_for("stream_processor")) == {
        "batchItemFailures": []
    }  # again

    n = recount_analytics()
    admin = AdminApi(SALON_ID)
    with moment(NOW):
        answer = admin.get(f"/v1/admin/analytics?from={PERIOD[0]}&to={PERIOD[1]}")
    assert answer.status == 200, answer.text
    report = answer.json
    f = {k: v["value"] for k, v in report["figures"].items()}
    assert all(v["definition"] for v in report["figures"].values())
    total = Counter({k: sum(c.values()) for k, c in n.items()})
    completed, no_show = total["visits"], total["no_show"]
    assert f["visits"] == completed > 250
    assert f["revenue"] == total["revenue"]
    assert f["new_clients"] == total["first"] == total["cohort"]
    assert f["repeat_visit_rate"] == _share(total["repeat"], completed)
    assert f["average_visit_interval_days"] == round(total["interval_days"] / total["intervals"], 2)
    assert f["no_show_rate"] == _share(no_show, completed + no_show)
    assert f["late_cancellation_rate"] == _share(
        total["late_cancellation"], completed + no_show + total["late_cancellation"]
    )
    assert f["cancellation_rate"] == _share(total["cancelled"], completed + no_show + total["cancelled"])
    assert f["no_show_rate_confirmed"] == _share(
        total["confirmed:no_show"], total["confirmed:no_show"] + total["confirmed:completed"]
    )
    assert f["no_show_rate_unconfirmed"] == _share(
        total["unconfirmed:no_show"], total["unconfirmed:no_show"] + total["unconfirmed:completed"]
    )
    assert f["rebooking_rate"] == _share(total["rebooked"], completed)
    assert f["clients_visited"] == total["clients_visited"]
    assert f["returning_clients"] == total["returning"]
    assert f["bonus_issued"] == total["bonus:accrual"] + max(0, total["bonus:adjustment"])
    assert f["bonus_spent"] == -total["bonus:redemption"]
    assert f["bonus_burned"] == -total["bonus:expiry"]
    monthly = {m["month"]: m for m in report["monthly"]}
    for month, count in n["visits"].items():
        assert (monthly[month]["visits"], monthly[month]["revenue"]) == (count, n["revenue"][month]), month
    cohorts = {c["month"]: c for c in report["cohorts"]}
    assert {m: c["clients"] for m, c in cohorts.items()} == dict(n["cohort"])
    for month, c in cohorts.items():
        assert c["returned"] == n["returned"][month]
        assert [w["returned"] for w in c["windows"]] == [n[f"returned_{d}"][month] for d in (30, 60, 90)]
    oldest, newest = min(cohorts), max(cohorts)
    assert oldest <= "2025-06" and cohorts[oldest]["windows"][2]["complete"]
    assert newest >= "2026-10" and not cohorts[newest]["windows"][2]["complete"]  # 90 days have not passed


def test_the_snapshot_equals_a_recount_of_the_clients(demo):
    with moment(NOW):
        first = AdminApi(SALON_ID).get("/v1/admin/analytics?from=2026-11&to=2026-11").json
        assert _run("analytics-snapshot", NOW)  # the first report asked for it
        report = AdminApi(SALON_ID).get("/v1/admin/analytics?from=2026-11&to=2026-11").json
    assert first["snapshot"] is None
    snap = report["snapshot"]
    clients = [c for c in Client.scan(Client.salon_id == SALON_ID) if c.erased_at is None]
    # every bonus account, read as raw items: one made by an ADD of its balance has no entity type
    scan = boto3.client("dynamodb", endpoint_url=os.environ["AWS_ENDPOINT_URL_DYNAMODB"]).get_paginator(
        "scan"
    )
    balances = {
        raw["SK"]["S"].removeprefix("LOYALTY#"): int(LoyaltyAccount.from_raw_data(raw).balance or 0)
        for page in scan.paginate(
            TableName=demo,
            FilterExpression="PK = :pk AND begins_with(SK, :sk)",
            ExpressionAttributeValues={":pk": {"S": f"SALON#{SALON_ID}"}, ":sk": {"S": "LOYALTY#"}},
        )
        for raw in page["Items"]
    }
    assert sum(balances.values()) > 0
    assert snap["clients"] == len(clients)
    assert snap["lifecycle"] == dict(Counter(c.lifecycle_status or "none" for c in clients))
    assert snap["bonus_liability"] == sum(balances.get(c.client_id, 0) for c in clients)
    spenders = sorted((int(c.total_spent or 0) for c in clients if c.total_spent), reverse=True)
    groups = Counter()
    for c in clients:
        spent = int(c.total_spent or 0)
        above = sum(1 for x in spenders if x > spent) / len(spenders) if spent else None
        groups[
            "none"
            if above is None
            else "top"
            if above < 0.1
            else "high"
            if above < 0.3
            else "middle"
            if above < 0.6
            else "low"
        ] += 1
    assert {g: v["clients"] for g, v in snap["ltv_groups"].items() if v["clients"]} == dict(groups)
    top = sorted(clients, key=lambda c: (-int(c.total_spent or 0), c.client_id))[:10]
    assert [t["client_id"] for t in snap["top_clients"]] == [c.client_id for c in top]


# --- a campaign (last: it adds visits) ---------------------------------------------------------------
FILTER = {"visits_min": 2, "days_since_visit_min": 20, "monetary_scores": [3, 4, 5]}


def _quintile(values: list[int], v: int) -> int:
    """The share of visited clients with less spend, in fifths (1..5)."""
    below = sum(1 for x in values if x < v) / len(values)
    return 1 + min(4, int(below * 5))


def recount_segment(at: datetime) -> tuple[set[str], set[str]]:
    """(in the segment, of them with marketing consent) from the raw appointments and clients."""
    done: dict[str, list[Appointment]] = defaultdict(list)
    for a in Appointment.scan(Appointment.salon_id == SALON_ID):
        if a.status == "completed":
            done[a.client_id].append(a)
    clients = {c.client_id: c for c in Client.scan(Client.salon_id == SALON_ID)}
    spend = {cid: sum(int(a.paid_amount or 0) for a in visits) for cid, visits in done.items()}
    spends = list(spend.values())
    chosen = set()
    for cid, visits in done.items():
        last = max(a.start for a in visits)
        if len(visits) >= 2 and (at - last).days >= 20 and _quintile(spends, spend[cid]) >= 3:
            chosen.add(cid)
    consenting = {cid for cid in chosen if (clients[cid].consents or {}).get("marketing", {}).get("granted")}
    return chosen, consenting


def _run(kind: str, at: datetime) -> list:
    outcomes = []
    for job in [j for j in job_store_all(kind) if j.status == "pending"]:
        ref = JobRef(SALON_ID, job.job_id)
        assert job_store.mark_queued(ref, at)
        outcomes.append(worker.run(ref, at))
    return outcomes


def job_store_all(kind: str):
    from regulars.runtime.jobs.items import Job

    return list(Job.scan(Job.kind == kind))


def settle_stream(table, visits: set[str]) -> None:
    """Run the stream function over the changes of ``visits``."""
    records = [
        r for r in stream_records(table) if r["dynamodb"]["Keys"]["SK"]["S"] in {f"APPT#{v}" for v in visits}
    ]
    assert records
    stream = handler("stream_processor")
    for start in range(0, len(records), 25):
        assert stream({"Records": records[start : start + 25]}, context_for("stream_processor")) == {
            "batchItemFailures": []
        }


def test_a_campaign_on_the_demo_counts_as_a_recount_does(demo):
    admin = AdminApi(SALON_ID)
    with moment(NOW):
        preview = admin.post("/v1/admin/segments/preview", FILTER)
    assert preview.status == 200, preview.text
    chosen, consenting = recount_segment(NOW)
    assert preview.json["count"] == len(chosen) > 10
    assert preview.json["reachable"] == len(consenting)
    assert {c["client_id"] for c in preview.json["sample"]} <= chosen

    with moment(NOW):
        segment = admin.post(
            "/v1/admin/segments", {"name": "Regulars who spend, a while away", "filter": FILTER}
        )
        assert segment.status == 201, segment.text
        made = admin.post(
            "/v1/admin/campaigns",
            {
                "name": "Winter offer",
                "kind": "personal_offer",
                "segment_id": segment.json["id"],
                "messages": {
                    "en": "Hi {name}, {bonus} to spend until {expires}: {link}",
                    "ru": "{name}, вам {bonus} до {expires}: {link}",
                },
                "offer": {"bonus_amount": 500, "bonus_lifetime_days": 30},
                "send_at": NOW.isoformat(),
                "holdout_percent": 20,
            },
            # the key names the campaign, so its members' groups are the same every run
            headers={"Idempotency-Key": "demo-winter-offer"},
        )
    assert made.status == 201, made.text
    campaign_id = made.json["id"]
    (started,) = _run("campaign-start", NOW)
    assert started.done, started.reason
    assert all(o.done for o in _run("campaign-batch", NOW))
    view = admin.get(f"/v1/admin/campaigns/{campaign_id}").json
    assert view["status"] == "sent" and view["audience"] == len(consenting)
    members = {m.client_id: m.group for m in CampaignMember.scan(CampaignMember.campaign_id == campaign_id)}
    assert set(members) == consenting
    held = {c for c, g in members.items() if g == "holdout"}
    sent = set(members) - held
    assert (view["holdout_group"], view["sent_group"]) == (len(held), len(sent)) and held and sent
    assert 0.05 < len(held) / len(members) < 0.40

    messages = [x for x in Message.scan(Message.campaign_id == campaign_id)]
    assert {x.client_id for x in messages} == sent and len(messages) == len(sent)  # the holdout gets nothing
    links = {x.text.rsplit(" ", 1)[-1] for x in messages}
    assert len(links) == 1 and all(x.purpose == "marketing" and "5" in x.text for x in messages)
    (link,) = links  # one short link for the salon's booking page, in every member's text
    assert PublicApi().get(urlsplit(link).path).headers["location"].endswith("/book.html?salon=demo")
    credited = {e.client_id for e in LedgerEntry.scan(LedgerEntry.source == "campaign")}
    assert credited == sent

    # three days on, some members of each group book; a week on they come and pay
    booked_at = NOW + 3 * DAY
    visit_at = (NOW + 10 * DAY).replace(hour=5, minute=30)  # before opening: the demo's book is empty then
    chosen_clients = sorted(sent)[:12] + sorted(held)[:5]
    made_visits = []
    for n, client_id in enumerate(chosen_clients):
        start = visit_at + n * DAY
        with moment(booked_at):
            v = admin.post(
                "/v1/admin/appointments",
                {
                    "service_id": "manicure",
                    "staff_id": "marta",
                    "start": start.isoformat(),
                    "client_id": client_id,
                    "outside_hours": True,
                },
            )
        assert v.status == 201, v.text
        made_visits.append((v.json["id"], client_id, start))
    for n, (visit_id, client_id, start) in enumerate(made_visits):
        if n % 3 == 2:
            continue  # not every booking is a visit
        with moment(start + timedelta(hours=1)):
            balance = LoyaltyAccount.find(salon_id=SALON_ID, client_id=client_id, consistent=True)
            use = min(int(balance.balance or 0), 500) if balance and client_id in sent else 0
            done = admin.post(
                f"/v1/admin/appointments/{visit_id}/complete",
                {"paid_amount": 2500 + 100 * n, "bonus_amount": use},
            )
            assert done.status == 200, done.text
    with moment(visit_at + 18 * DAY):
        ours = {v for v, _, _ in made_visits}
        settle_stream(demo, ours)
        settle_stream(demo, ours)  # a stream delivered twice counts once
        report = admin.get(f"/v1/admin/campaigns/{campaign_id}/report").json

    window_end = NOW + 30 * DAY
    expected = {g: {"bookings": 0, "visits": 0, "revenue": 0, "bonus_spent": 0} for g in ("sent", "holdout")}
    for a in Appointment.scan(Appointment.salon_id == SALON_ID):
        group = "holdout" if a.client_id in held else "sent" if a.client_id in sent else None
        if group is None:
            continue
        if NOW <= a.created_at < window_end:
            expected[group]["bookings"] += 1
        if a.status == "completed" and NOW <= a.start < window_end:
            expected[group]["visits"] += 1
            expected[group]["revenue"] += int(a.paid_amount or 0)
            expected[group]["bonus_spent"] += int(a.bonus_amount or 0)
    for group in ("sent", "holdout"):
        got = {k: report["groups"][group][k] for k in ("bookings", "visits", "revenue", "bonus_spent")}
        assert got == expected[group], group
    assert expected["sent"]["bookings"] == min(12, len(sent)) and expected["holdout"]["bookings"] == min(
        5, len(held)
    )
    per = {g: expected[g]["revenue"] / report["groups"][g]["members"] for g in ("sent", "holdout")}
    assert report["incremental"]["revenue"]["value"] == pytest.approx(
        (per["sent"] - per["holdout"]) * len(sent), abs=0.01
    )
    low, high = report["incremental"]["revenue"]["low"], report["incremental"]["revenue"]["high"]
    assert low <= report["incremental"]["revenue"]["value"] <= high
    assert set(report["definitions"]) >= {"bookings", "revenue", "incremental", "roi"}
    # the bonus members paid with is off the revenue already: the cost is the messages' alone
    assert report["cost"] == report["messages"]["cost"]
    too_few = len(held) < 30
    assert all(x is None or x["too_few"] == too_few for x in report["incremental"].values())
