"""Erasure on DynamoDB Local reaches what a client's feedback left behind: the comment, the follow-up
task that names them, the manager's alert with their phone, a birthday kept in a job; the salon's
figures (visits, spend, the rating, the alert's count) stay. Another salon's admin cannot see or
erase the client."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import boto3
import pytest
from integration.test_feedback import MANAGER, SALON, _ask, visit  # noqa: F401 (a fixture)
from integration.test_retention import came, run_job
from regulars.analytics import service as analytics
from regulars.analytics.items import AnalyticsSnapshot
from regulars.app import jobs as worker
from regulars.app import messages as dispatch
from regulars.app.stream import PROFILED
from regulars.clients import repo as client_store
from regulars.clients.items import ReferralCode
from regulars.loyalty import checkout
from regulars.loyalty.items import LoyaltyAccount
from regulars.messaging.channels import push_devices
from regulars.messaging.contacts.items import TelegramLink
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.outbox.items import Message
from regulars.rights import repo as erasure
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.items import Job
from regulars.runtime.jobs.repo import JobRef
from regulars.salon import repo as catalog_store
from regulars.store import idempotency
from regulars.store.base import table_name
from regulars.store.items import IdempotencyRecord
from support.lambda_ import AdminApi, PublicApi, context_for, handler
from support.phones import prove
from support.salon import make_salon
from support.streams import stream_records
from support.traces import holding

pytestmark = pytest.mark.integration
PHONE = "+491705554000"


def _holding(ddb, needles: list[str]) -> list[dict]:
    return holding(ddb.get_paginator("scan").paginate(TableName=table_name()), needles)


def test_erasure_reaches_feedback_tasks_alerts_and_jobs_and_keeps_the_figures(visit, clock_at, ddb):  # noqa: F811
    admin = AdminApi(SALON)
    client_id = visit["client_id"]
    patched = admin.patch(
        f"/v1/admin/clients/{client_id}",
        {"email": "nora@example.com", "birthday": "1990-05-04", "notes": "Nora likes tea"},
    )
    assert patched.status == 200, patched.text
    token = _ask(visit, clock_at)
    given = PublicApi().post(f"/v1/feedback/{token}", {"rating": 2, "comment": "Nora waited 40 minutes"})
    assert given.status == 201, given.text
    (alert,) = [m for m in erasure.about(SALON, client_id) if m.kind == "manager_alert"]
    assert dispatch.dispatch(SALON, alert.message_id, clock_at).done
    needles = ["Nora", PHONE, PHONE[1:], "nora@example.com", "1990-05-04"]
    assert {i["type"]["S"] for i in _holding(ddb, needles)} >= {
        "Client",
        "PhoneIndex",
        "Feedback",
        "Task",
        "Message",
        "Appointment",
        "Job",
    }

    make_salon("salon-b", clock_at)
    other = AdminApi("salon-b")
    assert other.get(f"/v1/admin/clients/{client_id}/export").status == 404
    assert other.post(f"/v1/admin/clients/{client_id}/erase", {}).status == 404
    bad = admin.post(f"/v1/admin/clients/{client_id}/erase", {"reason": "x" * 501})
    assert bad.status == 422 and _holding(ddb, ["Nora"]), "bad input changes nothing"

    erased = admin.post(f"/v1/admin/clients/{client_id}/erase", {"reason": "asked at the desk"})
    assert erased.status == 200, erased.text
    assert erased.json["removed"]["feedback"] == 1 and erased.json["removed"]["tasks"] == 1
    left = _holding(ddb, needles)
    assert left == [], json.dumps(left, indent=1)[:3000]

    client = admin.get(f"/v1/admin/clients/{client_id}").json
    assert client["stats"]["visits"] == 1 and client["stats"]["total_spent"] == 4500
    (feedback,) = admin.get("/v1/admin/feedback").json["feedback"]
    assert (feedback["rating"], feedback["comment"]) == (2, None)
    (task,) = admin.get("/v1/admin/tasks").json["tasks"]
    assert task["summary"] == "unhappy feedback (client erased)"
    (alert,) = [m for m in erasure.about(SALON, client_id) if m.kind == "manager_alert"]
    # queued, not yet handed to a provider: it never goes out now, and it still counts
    assert (alert.status, alert.skip_reason, alert.text, alert.values) == (
        "skipped",
        "client erased",
        None,
        {},
    )
    (entry,) = [e for e in admin.get("/v1/admin/audit").json["entries"] if e["action"].startswith("client.")]
    assert (entry["action"], entry["client_id"], entry["detail"]["reason"]) == (
        "client.erased",
        client_id,
        "asked at the desk",
    )
    assert other.get("/v1/admin/audit").json["entries"] == []


# --- a client with something in every section ------------------------------------------------------
NAME, EMAIL, BIRTHDAY = "Noralie Quist", "noralie@example.com", "1991-07-13"
NORA_PHONE = "+491705554711"
WORDS = "moving to Hamburg next month"
COMMENT = "Noralie waited 40 minutes"
NOTES = "Noralie likes green tea"
EARLIER_TOKEN, EARLIER_CODE = "tg-earlier-key-0001", "EARLIER1"
WIDGET_KEY = {"Idempotency-Key": "widget-noralie-0001"}
WIDGET_BOOKING = {
    "service_id": "manicure",
    "staff_id": "marta",
    "start": "2026-11-23T15:00:00+01:00",
    "client": {"name": NAME, "phone": "+49 170 5554711", "email": EMAIL},
    "consents": {"marketing": True},
}


def _stream(table) -> None:
    records = [r for r in stream_records(table) if r["dynamodb"]["Keys"]["SK"]["S"].startswith("APPT#")]
    assert handler("stream_processor")({"Records": records}, context_for("stream_processor")) == {
        "batchItemFailures": []
    }


def _run_jobs(kind: str, at) -> None:
    for job in [j for j in Job.scan(Job.kind == kind) if j.status == "pending" and j.due_at <= at]:
        assert job_store.mark_queued(JobRef(job.salon_id, job.job_id), at)
        assert worker.run(JobRef(job.salon_id, job.job_id), at).done


@pytest.fixture
def nora(table, clock_at) -> dict:
    """Noralie: first booked through the widget (with consent to marketing), then a paid haircut
    (cashback), a late cancellation in her own words (a defection, a rebook invitation to come), an
    unhappy rating (a task, the manager's alert), a campaign with a bonus, her messages rendered, and
    a referral code and a Telegram link made under an earlier key."""
    make_salon(SALON, clock_at)
    rules = catalog_store.load_catalog(SALON).salon.settings.model_dump()
    rules["feedback"] = {**rules["feedback"], "manager_phones": [MANAGER]}
    catalog_store.update_salon(SALON, settings=rules)
    public = PublicApi()
    proof = prove(public, WIDGET_BOOKING["client"]["phone"], SALON)  # her phone proven: her consent counts
    widget = public.post(
        f"/v1/salons/{SALON}/appointments", WIDGET_BOOKING | {"phone_proof": proof}, headers=WIDGET_KEY
    )
    assert widget.status == 201, widget.text
    afternoon = widget.json["appointment"]["id"]
    admin = AdminApi(SALON)
    client_id = admin.get(f"/v1/admin/appointments/{afternoon}").json["client_id"]
    patched = admin.patch(
        f"/v1/admin/clients/{client_id}", {"birthday": BIRTHDAY, "notes": NOTES, "tags": ["vip"]}
    )
    assert patched.status == 200, patched.text
    haircut = admin.post(
        "/v1/admin/appointments",
        {
            "service_id": "haircut",
            "staff_id": "anna",
            "client_id": client_id,
            "start": "2026-11-23T08:00:00+01:00",
            "outside_hours": True,
        },
    )
    assert haircut.status == 201, haircut.text
    checkout.complete(SALON, haircut.json["id"], paid_amount=4500, now=clock_at, by="admin")
    cancelled = admin.post(f"/v1/admin/appointments/{afternoon}/cancel", {"reason": WORDS})
    assert cancelled.status == 200 and cancelled.json["late_cancellation"], cancelled.text
    _stream(table)
    token = _ask({"id": haircut.json["id"], "client_id": client_id}, clock_at)
    given = PublicApi().post(f"/v1/feedback/{token}", {"rating": 2, "comment": COMMENT})
    assert given.status == 201, given.text
    campaign = admin.post(
        "/v1/admin/campaigns",
        {
            "name": "Winter",
            "kind": "holiday_bonus",
            "filter": {"consent": {"purpose": "marketing"}},
            "messages": {"en": "{name}: {bonus} until {expires}"},
            "send_at": clock_at.isoformat(),
            "holdout_percent": 0,
            "offer": {"bonus_amount": 700, "bonus_lifetime_days": 14},
        },
    )
    assert campaign.status == 201, campaign.text
    _run_jobs("campaign-start", clock_at + timedelta(minutes=1))
    _run_jobs("campaign-batch", clock_at + timedelta(minutes=2))
    for message in [*outbox.for_client(SALON, client_id), *erasure.about(SALON, client_id)]:
        if message.status == "planned":
            dispatch.dispatch(SALON, message.message_id, clock_at + timedelta(minutes=3))
    TelegramLink(token=EARLIER_TOKEN, salon_id=SALON, client_id=client_id, created_at=clock_at).save()
    ReferralCode(salon_id=SALON, code=EARLIER_CODE, client_id=client_id).save()
    return {
        "client_id": client_id,
        "visits": {afternoon, haircut.json["id"]},
        "campaign_id": campaign.json["id"],
    }


def test_an_export_holds_every_section_with_real_data(nora):
    admin = AdminApi(SALON)
    exported = admin.get(f"/v1/admin/clients/{nora['client_id']}/export")
    assert exported.status == 200, exported.text
    data = exported.json
    client = data["client"]
    assert (client["name"], client["phone"], client["email"], client["birthday"], client["notes"]) == (
        NAME,
        NORA_PHONE,
        EMAIL,
        BIRTHDAY,
        NOTES,
    )
    consent = client["consents"]["marketing"]  # with its evidence: when, how, the words she agreed to
    assert consent["granted"] is True and consent["source"] == "widget" and consent["at"]
    assert "offers and news" in consent["text"]
    assert {v["appointment_id"] for v in data["visits"]} == nora["visits"]
    assert WORDS in {v["cancel_reason"] for v in data["visits"]}
    assert any(NAME.split()[0] in (m["text"] or "") for m in data["messages"])
    assert {e["source"] for e in data["ledger"]} == {"visit", "campaign"}
    lots = data["loyalty"]["lots"]
    assert sorted(int(lot["amount"]) for lot in lots) == [225, 700]  # 5 % of 45.00; the campaign's bonus
    assert int(data["loyalty"]["account"]["balance"]) == 925
    assert [(f["rating"], f["comment"]) for f in data["feedback"]] == [(2, COMMENT)]
    assert [t["kind"] for t in data["tasks"]] == ["unhappy_feedback"]
    assert [d["kind"] for d in data["defections"]] == ["late_cancellation"]
    assert [(c["campaign_id"], c["group"]) for c in data["campaigns"]] == [(nora["campaign_id"], "sent")]
    assert {m["kind"] for m in data["messages_about"]} >= {"manager_alert", "staff_appointment_booked"}
    assert [c["code"] for c in data["referral_codes"]] == [EARLIER_CODE]
    assert EARLIER_TOKEN not in json.dumps(data)  # a link token is a key, not her data
    (entry,) = [e for e in admin.get("/v1/admin/audit").json["entries"] if e["action"].startswith("client.")]
    assert (
        entry["action"] == "client.exported"
        and entry["detail"]["lots"] == 2
        and entry["detail"]["campaigns"] == 1
    )


def _gsi(item: dict) -> list[str]:
    return [item[k]["S"] for k in ("GSI1PK", "GSI2PK", "GSI3PK") if k in item]


def test_an_erasure_leaves_no_words_no_way_back_and_no_list_finds_her(nora, clock_at, ddb):
    client_id = nora["client_id"]
    admin = AdminApi(SALON)
    analytics.take_snapshot(SALON, clock_at)
    assert [t["name"] for t in AnalyticsSnapshot.find(salon_id=SALON).figures["top_clients"]] == [NAME]
    status = client_store.get(SALON, client_id).lifecycle["status"]
    listed = admin.get(f"/v1/admin/retention/clients?status={status}").json["clients"]
    assert [c["client_id"] for c in listed] == [client_id]
    needles = [
        "Noralie",
        "Quist",
        NORA_PHONE,
        NORA_PHONE[1:],
        EMAIL,
        BIRTHDAY,
        "green tea",
        "Hamburg",
        "40 minutes",
        EARLIER_TOKEN,
        EARLIER_CODE,
    ]
    held = {i["type"]["S"] for i in _holding(ddb, needles)}
    assert held >= {
        "AudienceChunk",
        "Client",
        "PhoneIndex",
        "Appointment",
        "Message",
        "Feedback",
        "Task",
        "Defection",
        "TelegramLink",
        "ReferralCode",
        "AnalyticsSnapshot",
    }, held
    (answer,) = [i for i in IdempotencyRecord.scan() if any(v in i.body for v in nora["visits"])]
    assert not any(w in answer.body for w in (NAME, NORA_PHONE, client_id))  # it names only her visit

    erased = admin.post(f"/v1/admin/clients/{client_id}/erase", {"reason": "asked by e-mail"})
    assert erased.status == 200, erased.text
    # the segment preview's packed profiles (the snapshot wrote them) lose her through the stream
    profiled = [
        r for r in stream_records(table_name()) if r["dynamodb"]["Keys"]["SK"]["S"].startswith(PROFILED)
    ]
    assert handler("stream_processor")({"Records": profiled}, context_for("stream_processor")) == {
        "batchItemFailures": []
    }
    left = _holding(ddb, needles)
    assert left == [], json.dumps(left, indent=1)[:3000]
    # the widget's stored answer (it names only her visit, and led back to her by its links) is gone
    assert list(IdempotencyRecord.scan()) == []
    # no list finds her: the lifecycle list she was in answers without her, the name search too
    after = admin.get(f"/v1/admin/retention/clients?status={status}")
    assert after.status == 200 and after.json["clients"] == [], after.text
    assert admin.get("/v1/admin/clients?q=Erased").json["clients"] == []
    raw = ddb.get_item(
        TableName=table_name(), Key={"PK": {"S": f"SALON#{SALON}"}, "SK": {"S": f"CLIENT#{client_id}"}}
    )
    assert _gsi(raw["Item"]) == [] and raw["Item"]["name"]["S"] == "Erased client"
    # nothing is left to write to her: the rebook invitation her late cancellation called for is cancelled;
    # what keeps the figures (her lifecycle checks, her lots' expiry) stays
    mine = [
        j
        for j in Job.scan()
        if j.payload.get("client_id") == client_id or j.payload.get("appointment_id") in nora["visits"]
    ]
    assert {j.kind for j in mine if j.status == "pending"} <= {
        "lifecycle-check",
        "lot-expiry",
        "cancellation-check",
    }
    assert {j.kind for j in mine if j.status == "cancelled"} >= {"rebook-invitation"}
    # the figures stay: her visits, spend and bonus; the defection and its reason; the campaign's member
    client = admin.get(f"/v1/admin/clients/{client_id}").json
    assert client["stats"]["visits"] == 1 and client["stats"]["total_spent"] == 4500
    (defection,) = admin.get("/v1/admin/defections?from=2026-11&to=2026-11").json["defections"]
    assert (defection["type"], defection["reason"], defection["detail"]) == (
        "late_cancellation",
        "moved_away",
        None,
    )
    assert int(LoyaltyAccount.find(salon_id=SALON, client_id=client_id).balance) == 925
    assert [t["name"] for t in AnalyticsSnapshot.find(salon_id=SALON).figures["top_clients"]] == [
        "Erased client"
    ]
    (entry,) = [e for e in admin.get("/v1/admin/audit").json["entries"] if e["action"].startswith("client.")]
    assert (
        entry["action"] == "client.erased"
        and entry["detail"]["links"] == 2
        and entry["detail"]["answers"] == 1
    )


def test_the_stored_booking_answer_keeps_a_keyed_digest_that_still_tells_a_replay(
    table, clock_at, monkeypatch
):
    make_salon(SALON, clock_at)
    public = PublicApi()
    first = public.post(f"/v1/salons/{SALON}/appointments", WIDGET_BOOKING, headers=WIDGET_KEY)
    assert first.status == 201, first.text
    (record,) = IdempotencyRecord.scan()
    # what the booking's digest is made of: anyone who reads the table can try every phone number of a
    # country against a plain hash of it; against a keyed one, not without the key
    made_of = {
        "service_id": "manicure",
        "staff_id": "marta",
        "start": "2026-11-23T14:00:00+00:00",
        "phone": NORA_PHONE,
        "name": NAME,
    }
    plain = hashlib.sha256(json.dumps(made_of, sort_keys=True, default=str).encode()).hexdigest()
    assert record.request_hash != plain and NORA_PHONE[1:] not in record.request_hash
    assert record.request_hash == idempotency.request_hash(made_of)
    again = public.post(f"/v1/salons/{SALON}/appointments", WIDGET_BOOKING, headers=WIDGET_KEY)
    assert (again.status, again.json) == (201, first.json)  # a replay compares equal
    other = public.post(
        f"/v1/salons/{SALON}/appointments",
        {**WIDGET_BOOKING, "client": {**WIDGET_BOOKING["client"], "name": "Someone Else"}},
        headers=WIDGET_KEY,
    )
    assert other.status == 422 and other.json["error"]["code"] == "idempotency_key_reused", other.text
    monkeypatch.setenv("MANAGE_LINK_SECRET", "another-deployment-key")
    assert idempotency.request_hash(made_of) != record.request_hash  # the key is the deployment's


@pytest.fixture
def sns(moto, monkeypatch):
    """SNS on moto's server, where the push endpoints live; the application's SNS client points at it."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_SNS", moto)
    push_devices._sns.cache_clear()
    yield boto3.client("sns", endpoint_url=moto, region_name="us-east-1")
    push_devices._sns.cache_clear()


def test_an_erasure_deletes_the_push_endpoints_at_sns_and_an_endpoint_gone_already_is_fine(
    table, clock_at, sns, monkeypatch
):
    make_salon(SALON, clock_at)
    application = sns.create_platform_application(
        Name="regulars-fcm", Platform="GCM", Attributes={"PlatformCredential": "{}"}
    )["PlatformApplicationArn"]
    monkeypatch.setenv("PUSH_PLATFORM_APPLICATION_ARN", application)  # a deployment with push

    def device(token: str) -> str:
        return sns.create_platform_endpoint(PlatformApplicationArn=application, Token=token)["EndpointArn"]

    admin = AdminApi(SALON)
    clients = [
        admin.post("/v1/admin/clients", {"name": f"Pia {n}", "phone": f"+49 170 555480{n}"}).json["id"]
        for n in range(2)
    ]
    older, current, gone = device("fcm-old"), device("fcm-now"), device("fcm-gone")
    client_store.update(SALON, clients[0], {"channels": {"push": {"endpoint_arn": current}}})
    outbox.plan(
        outbox.PlannedMessage(
            salon_id=SALON,
            message_id="push-before",
            kind="custom",
            purpose="transactional",
            recipient="client",
            client_id=clients[0],
            created_at=clock_at,
        )
    )
    Message(salon_id=SALON, message_id="push-before").update(
        [Message.channel.set("push"), Message.address.set(older), Message.status.set("sent")]
    )
    client_store.update(SALON, clients[1], {"channels": {"push": {"endpoint_arn": gone}}})
    sns.delete_endpoint(EndpointArn=gone)  # the device's token died and the endpoint was dropped

    for client_id in clients:
        erased = admin.post(f"/v1/admin/clients/{client_id}/erase", {})
        assert erased.status == 200, erased.text
    endpoints = sns.list_endpoints_by_platform_application(PlatformApplicationArn=application)["Endpoints"]
    assert endpoints == []
    assert [e["detail"]["push_endpoints"] for e in admin.get("/v1/admin/audit").json["entries"]] == [1, 2]


def test_a_list_still_answers_with_an_erased_client_left_in_its_index(table, clock_at, ddb):
    """A client erased before erasure took clients out of the lifecycle index is still in it: the list
    leaves them out instead of failing on a client with no phone."""
    make_salon(SALON, clock_at)
    admin = AdminApi(SALON)
    kept, gone = (
        admin.post("/v1/admin/clients", {"name": f"Ida {n}", "phone": f"+49 170 555490{n}"}).json["id"]
        for n in range(2)
    )
    assert admin.post(f"/v1/admin/clients/{gone}/erase", {}).status == 200
    key = {"PK": {"S": f"SALON#{SALON}"}, "SK": {"S": f"CLIENT#{gone}"}}
    ddb.update_item(
        TableName=table_name(),
        Key=key,
        UpdateExpression="SET GSI2PK = :pk, GSI2SK = :sk",
        ExpressionAttributeValues={
            ":pk": {"S": f"SALON#{SALON}#LIFECYCLE#new"},
            ":sk": {"S": f"2026-11-23T07:59:00Z#{gone}"},
        },
    )
    listed = admin.get("/v1/admin/retention/clients?status=new")
    assert listed.status == 200, listed.text
    assert [(c["client_id"], c["reason"]) for c in listed.json["clients"]] == [(kept, "no visit yet")]


def test_an_erased_client_who_lapses_is_counted_and_never_written_to(table, clock_at):
    make_salon(SALON, clock_at)
    admin = AdminApi(SALON)
    client_id = admin.post(
        "/v1/admin/clients", {"name": "Lea", "phone": "+49 170 5554950", "marketing_consent": True}
    ).json["id"]
    came(table, admin, client_id, clock_at - timedelta(days=91))
    assert admin.post(f"/v1/admin/clients/{client_id}/erase", {}).status == 200
    _, outcome = run_job(f"CLIENT#{client_id}", "lifecycle-check")
    assert outcome.done and client_store.get(SALON, client_id).lifecycle["status"] == "lapsed"
    assert "lapsed" in {d["type"] for d in admin.get("/v1/admin/defections").json["defections"]}  # counted
    assert job_store.jobs_of(SALON, f"WINBACK#{client_id}") == []  # no win-back waves, no bonus for nobody
