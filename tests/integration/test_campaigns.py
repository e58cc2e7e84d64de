"""Campaigns through the admin API on DynamoDB Local: a retried request makes one campaign, bad input
is refused with the field and changes nothing, a cancelled campaign sends nothing, a batch delivered
twice credits and plans once, and another salon's admin reaches none of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from regulars.app import jobs as worker
from regulars.app import stream
from regulars.campaigns import service
from regulars.campaigns.items import Campaign
from regulars.clients import repo as client_store
from regulars.loyalty.items import LedgerEntry
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.outbox.items import Message
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.items import Job
from regulars.runtime.jobs.repo import JobRef
from support.lambda_ import AdminApi
from support.salon import make_salon

pytestmark = pytest.mark.integration
SALON = "salon-a"


@pytest.fixture
def admin(table, clock_at):
    make_salon(SALON, clock_at)
    make_salon("salon-b", clock_at)
    return AdminApi(SALON)


def _clients(admin, n: int, *, consent: bool = True, first: int = 0) -> list[str]:
    ids = []
    for i in range(first, first + n):
        made = admin.post(
            "/v1/admin/clients",
            {"name": f"Client {i}", "phone": f"+49170555{i:04d}", "marketing_consent": consent},
        )
        assert made.status == 201, made.text
        ids.append(made.json["id"])
    return ids


def _campaign(at, **extra) -> dict:
    return {
        "name": "Winter",
        "kind": "other",
        "filter": {"consent": {"purpose": "marketing"}},
        "messages": {"en": "Hi {name}, see you at {salon}: {link}"},
        "send_at": at.isoformat(),
        **extra,
    }


def _jobs(kind: str) -> list[Job]:
    return [j for j in Job.scan(Job.kind == kind)]


def _image(item: Message) -> dict:
    """The item as a stream record's image carries it (DynamoDB JSON)."""
    return item.serialize()


def _run(kind: str, at) -> list[worker.Outcome]:
    outcomes = []
    for job in [j for j in _jobs(kind) if j.status == "pending" and j.due_at <= at]:
        ref = JobRef(job.salon_id, job.job_id)
        assert job_store.mark_queued(ref, at)
        outcomes.append(worker.run(ref, at))
    return outcomes


def test_a_retried_create_makes_one_campaign_and_a_key_reused_for_another_is_refused(admin, clock_at):
    body = _campaign(clock_at + timedelta(days=1))
    key = {"Idempotency-Key": "campaign-winter-0001"}
    first = admin.post("/v1/admin/campaigns", body, headers=key)
    again = admin.post("/v1/admin/campaigns", body, headers=key)
    assert first.status == again.status == 201, (first.text, again.text)
    assert again.json["id"] == first.json["id"]
    other = admin.post("/v1/admin/campaigns", {**body, "name": "Spring"}, headers=key)
    assert other.status == 409 and other.json["error"]["code"] == "idempotency_key_reused", other.text
    assert [c["id"] for c in admin.get("/v1/admin/campaigns").json["campaigns"]] == [first.json["id"]]
    assert len(_jobs(service.START)) == 1
    # the same key in another salon is that salon's own
    elsewhere = AdminApi("salon-b").post("/v1/admin/campaigns", body, headers=key)
    assert elsewhere.status == 201 and len(_jobs(service.START)) == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"messages": {"en": "Hi {nmae}"}}, "messages.en"),
        ({"messages": {"en": "Hi {name"}}, "messages.en"),
        ({"messages": {"en": "{bonus} for you"}}, "messages.en"),
        ({"kind": "holiday_bonus"}, "offer.bonus_amount"),
        ({"kind": "early_access"}, "filter.tiers"),
        ({"send_at": "2020-01-01T10:00:00+01:00"}, "send_at"),
        ({"holdout_percent": 80}, "holdout_percent"),
        ({"segment_id": "nope"}, None),
    ],
)
def test_a_bad_campaign_is_refused_with_its_field_and_changes_nothing(admin, clock_at, change, field):
    answer = admin.post("/v1/admin/campaigns", {**_campaign(clock_at + timedelta(hours=2)), **change})
    assert 400 <= answer.status < 500, answer.text
    if field is not None:
        assert answer.status == 422 and field in {f["field"] for f in answer.json["error"]["fields"]}, (
            answer.text
        )
    assert list(Campaign.scan()) == [] and _jobs(service.START) == []


def test_a_cancelled_campaign_sends_nothing_and_a_started_one_cannot_be_cancelled(admin, clock_at):
    _clients(admin, 3)
    later = admin.post("/v1/admin/campaigns", _campaign(clock_at + timedelta(hours=3))).json
    cancelled = admin.post(f"/v1/admin/campaigns/{later['id']}/cancel")
    assert cancelled.status == 200 and cancelled.json["status"] == "cancelled", cancelled.text
    assert _run(service.START, clock_at + timedelta(hours=4)) == []  # its start was withdrawn
    assert [m for m in Message.scan() if m.kind == "campaign"] == []

    now_ = admin.post("/v1/admin/campaigns", _campaign(clock_at)).json
    (started,) = _run(service.START, clock_at + timedelta(minutes=1))
    assert started.done, started.reason
    refused = admin.post(f"/v1/admin/campaigns/{now_['id']}/cancel")
    assert refused.status == 409 and refused.json["error"]["code"] == "campaign_started", refused.text


def test_a_batch_delivered_twice_credits_and_plans_once_and_the_holdout_gets_nothing(admin, clock_at):
    clients = _clients(admin, 24)
    _clients(admin, 3, consent=False, first=100)
    made = admin.post(
        "/v1/admin/campaigns",
        _campaign(
            clock_at,
            kind="holiday_bonus",
            holdout_percent=25,
            offer={"bonus_amount": 700, "bonus_lifetime_days": 14},
            messages={"en": "{name}: {bonus} until {expires}"},
        ),
    )
    assert made.status == 201, made.text
    (started,) = _run(service.START, clock_at + timedelta(minutes=1))
    assert started.done, started.reason
    (batch,) = _jobs(service.BATCH)
    (outcome,) = _run(service.BATCH, clock_at + timedelta(minutes=2))
    assert outcome.done, outcome.reason
    # the queue may deliver a job again: its work is keyed on the campaign and the client
    assert service.batch(job_store.get(SALON, batch.job_id), clock_at + timedelta(minutes=3)).done
    view = admin.get(f"/v1/admin/campaigns/{made.json['id']}").json
    assert view["audience"] == len(clients) and view["status"] == "sent"
    held = {c for c, g in batch.payload["members"] if g == "holdout"}
    sent = set(clients) - held
    assert held and sent and view["holdout_group"] == len(held)
    messages = [m for m in Message.scan() if m.kind == "campaign"]
    assert sorted(m.client_id for m in messages) == sorted(sent)
    assert all(m.purpose == "marketing" and "7" in m.text for m in messages)
    # routed by the batch itself: written once, queued on its channel, no dispatch through the stream
    assert {(m.status, m.channel, m.route) for m in messages} == {("queued", "sms", 1)}
    # a consent withdrawn between the routing and the write (the opt-out found no message to
    # withdraw): the stream checks it again as the queued message comes through, and does not send it
    first = messages[0]
    client_store.modify(SALON, first.client_id, lambda c: {"consents": {}})
    stream.on_message(None, outbox.from_image(_image(first)), clock_at + timedelta(minutes=4))
    assert outbox.get(SALON, first.message_id).status == "skipped"
    credits = [e for e in LedgerEntry.scan() if e.source == "campaign"]
    assert sorted(e.client_id for e in credits) == sorted(sent) and {int(e.amount) for e in credits} == {700}


def test_another_salon_reaches_none_of_the_campaigns_or_segments(admin, clock_at):
    segment = admin.post("/v1/admin/segments", {"name": "All", "filter": {"visits_min": 0}}).json
    campaign = admin.post("/v1/admin/campaigns", _campaign(clock_at + timedelta(days=1))).json
    other = AdminApi("salon-b")
    for method, url in (
        ("GET", f"/v1/admin/campaigns/{campaign['id']}"),
        ("GET", f"/v1/admin/campaigns/{campaign['id']}/report"),
        ("POST", f"/v1/admin/campaigns/{campaign['id']}/cancel"),
        ("GET", f"/v1/admin/segments/{segment['id']}/preview"),
        ("DELETE", f"/v1/admin/segments/{segment['id']}"),
    ):
        assert other.request(method, url).status == 404, (method, url)
    assert other.get("/v1/admin/campaigns").json["campaigns"] == []
    assert other.get("/v1/admin/segments").json["segments"] == []
    assert admin.get(f"/v1/admin/campaigns/{campaign['id']}").json["status"] == "scheduled"
