"""Feedback and tips on DynamoDB Local: asked for after a completed visit, one answer per visit; a
happy one sees the review links, an unhappy one alerts the manager, marks the client at risk and
opens a task the admin closes with a note."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from regulars.app import jobs as worker
from regulars.app import messages as dispatch
from regulars.booking import service as booking
from regulars.clients import repo as client_store
from regulars.core import links
from regulars.core.config import link_keys
from regulars.feedback import repo as feedback_store
from regulars.loyalty import checkout
from regulars.messaging.outbox import repo as outbox
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.repo import JobRef
from regulars.salon import repo as catalog_store
from support.lambda_ import AdminApi, PublicApi, context_for, handler
from support.salon import make_salon
from support.streams import stream_records
from support.tokens import altered

SALON = "salon-a"
MANAGER = "+4915199990000"


@pytest.fixture
def visit(table, clock_at):
    make_salon(SALON, clock_at)
    rules = catalog_store.load_catalog(SALON).salon.settings.model_dump()
    rules["feedback"] = {
        **rules["feedback"],
        "manager_phones": [MANAGER],
        "welcome": True,
        "thank_you": True,
        "review_links": [{"name": "Google", "url": "https://g.page/r/salon-a/review"}],
    }
    catalog_store.update_salon(SALON, settings=rules)
    catalog_store.forget(SALON)
    made = (
        AdminApi(SALON)
        .post(
            "/v1/admin/appointments",
            {
                "service_id": "haircut",
                "staff_id": "anna",
                "start": "2026-11-23T08:00:00+01:00",
                "outside_hours": True,
                "client": {"name": "Nora", "phone": "+49 170 5554000"},
            },
        )
        .json
    )
    checkout.complete(SALON, made["id"], paid_amount=4500, now=clock_at, by="admin")
    records = [r for r in stream_records(table) if r["dynamodb"]["Keys"]["SK"]["S"].startswith("APPT#")]
    handler("stream_processor")({"Records": records}, context_for("stream_processor"))
    return made


def _ask(visit, clock_at) -> str:
    (job,) = [j for j in job_store.jobs_of(SALON, f"APPT#{visit['id']}") if j.kind == "feedback-request"]
    assert job.due_at == clock_at + timedelta(minutes=120)
    assert job_store.mark_queued(JobRef(SALON, job.job_id), job.due_at)  # as the ticker does
    outcome = worker.run(JobRef(SALON, job.job_id), job.due_at)
    assert outcome.done, outcome.reason
    (request,) = [m for m in outbox.for_client(SALON, visit["client_id"]) if m.kind == "feedback_request"]
    url = request.values["feedback_link"]
    assert "/feedback.html?token=" in url
    assert request.status == "queued"  # routed by its job
    assert "how was your Haircut with Anna?" in outbox.get_item(SALON, request.message_id).text
    return parse_qs(urlsplit(url).query)["token"][0]


def test_an_unhappy_answer_alerts_the_manager_marks_the_client_and_opens_a_task(visit, clock_at):
    token = _ask(visit, clock_at)
    public = PublicApi()
    page = public.get(f"/v1/feedback/{token}")
    assert page.status == 200 and page.json["given"] is None and page.json["service_name"] == "Haircut"
    bad = public.post(f"/v1/feedback/{token}", {"rating": 0, "tip_amount": -1})
    assert bad.status == 422 and {f["field"] for f in bad.json["error"]["fields"]} == {"rating", "tip_amount"}
    given = public.post(
        f"/v1/feedback/{token}", {"rating": 2, "comment": "Waited 40 minutes", "tip_amount": 0}
    )
    assert given.status == 201, given.text
    assert given.json["review_links"] == [] and given.json["given"]["rating"] == 2
    again = public.post(f"/v1/feedback/{token}", {"rating": 5})
    assert again.status == 409 and again.json["error"]["code"] == "feedback_given"

    client = client_store.get(SALON, visit["client_id"])
    assert client.lifecycle["status"] == "at_risk"
    assert client.lifecycle["reason"] == "rated a visit 2/5: Waited 40 minutes"
    admin = AdminApi(SALON)
    (task,) = admin.get("/v1/admin/tasks").json["tasks"]
    assert (
        task["summary"] == "Call Nora back: rated a visit 2/5: Waited 40 minutes" and task["status"] == "open"
    )
    (item,) = admin.get("/v1/admin/feedback").json["feedback"]
    assert (item["rating"], item["mood"], item["comment"]) == (2, "unhappy", "Waited 40 minutes")
    alert = outbox.get_item(SALON, f"alert-{visit['id']}-0")
    assert dispatch.dispatch(SALON, alert.message_id, clock_at).done
    alert = outbox.get_item(SALON, alert.message_id)
    assert (alert.channel, alert.address) == ("sms", MANAGER)
    assert alert.text.startswith("Unhappy client: Nora (+491705554000) rated Haircut with Anna 2/5.")

    bad_close = admin.post(f"/v1/admin/tasks/{task['id']}/close", {"note": ""})
    assert bad_close.status == 422
    assert AdminApi("salon-b").post(f"/v1/admin/tasks/{task['id']}/close", {"note": "x"}).status == 404
    closed = admin.post(f"/v1/admin/tasks/{task['id']}/close", {"note": "Called; free manicure offered"})
    assert closed.status == 200 and closed.json["status"] == "closed"
    assert closed.json["closed_by"] == "admin:owner@example.com"
    assert admin.get("/v1/admin/tasks").json["tasks"] == []
    assert [t["note"] for t in admin.get("/v1/admin/tasks?status=closed").json["tasks"]] == [
        "Called; free manicure offered"
    ]


def test_an_unhappy_answer_cut_short_by_a_failure_is_followed_up_when_the_client_sends_it_again(
    visit, clock_at
):
    """DynamoDB refuses the follow-up task's write once (a throttle): the answer is kept and the request
    fails; the client's second try is told the answer was given, and the task, the client at risk and
    the manager's alert are all there, once."""
    from botocore.exceptions import ClientError
    from regulars.store.base import Entity

    token = _ask(visit, clock_at)
    client = Entity.connection().client
    refused: list[str] = []

    def throttle_the_task(params: dict, **_: object) -> None:
        if not refused and params.get("Item", {}).get("SK", {}).get("S", "").startswith("TASK#"):
            refused.append(params["Item"]["SK"]["S"])
            raise ClientError(
                {"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "throttled"}},
                "PutItem",
            )

    client.meta.events.register("provide-client-params.dynamodb.PutItem", throttle_the_task)
    try:
        first = PublicApi().post(
            f"/v1/feedback/{token}", {"rating": 1, "comment": "Too short", "tip_amount": 0}
        )
    finally:
        client.meta.events.unregister("provide-client-params.dynamodb.PutItem", throttle_the_task)
    assert refused and first.status == 500, first.text
    assert AdminApi(SALON).get("/v1/admin/tasks").json["tasks"] == []  # cut short before the task

    again = PublicApi().post(f"/v1/feedback/{token}", {"rating": 1, "comment": "Too short", "tip_amount": 0})
    assert (again.status, again.json["error"]["code"]) == (409, "feedback_given")
    once_more = PublicApi().post(
        f"/v1/feedback/{token}", {"rating": 1, "comment": "Too short", "tip_amount": 0}
    )
    assert once_more.status == 409
    (task,) = AdminApi(SALON).get("/v1/admin/tasks").json["tasks"]
    assert task["summary"] == "Call Nora back: rated a visit 1/5: Too short"
    answered = feedback_store.find(SALON, visit["id"])
    assert answered is not None and answered.rating == 1
    client_now = client_store.get(SALON, visit["client_id"])
    assert client_now.lifecycle["status"] == "at_risk"
    assert client_now.lifecycle["complaint"]["at"] == answered.created_at.isoformat()  # as of the answer
    alert = outbox.get_item(SALON, f"alert-{visit['id']}-0")  # its id is the visit's: planned once
    assert alert is not None and alert.created_at == answered.created_at


def test_a_happy_answer_is_shown_the_review_links_and_is_not_asked_again(visit, clock_at):
    token = _ask(visit, clock_at)
    given = PublicApi().post(f"/v1/feedback/{token}", {"rating": 5, "comment": "Perfect", "tip_amount": 500})
    assert given.status == 201
    assert given.json["review_links"] == [{"name": "Google", "url": "https://g.page/r/salon-a/review"}]
    assert AdminApi(SALON).get("/v1/admin/tasks").json["tasks"] == []
    assert client_store.get(SALON, visit["client_id"]).lifecycle["status"] == "new"
    assert AdminApi(SALON).get("/v1/admin/feedback").json["feedback"][0]["tip_amount"] == 500


def test_a_link_that_was_altered_or_is_for_something_else_is_refused(visit, clock_at):
    token = _ask(visit, clock_at)
    kid, body, signature = token.split(".")
    assert PublicApi().get(f"/v1/feedback/{kid}.{body}.{altered(signature)}").status == 403
    assert PublicApi().get(f"/v1/feedback/{kid}.{altered(body)}.{signature}").status == 403
    manage_token = links.manage_url(
        catalog_store.load_catalog(SALON).salon, booking.store.get(SALON, visit["id"]), keys=link_keys()
    )
    assert PublicApi().get(f"/v1/feedback/{manage_token.split('token=')[1]}").status == 403


def test_no_request_once_feedback_was_given(visit, clock_at):
    token = _ask(visit, clock_at)
    PublicApi().post(f"/v1/feedback/{token}", {"rating": 4})
    job_store.schedule(
        SALON,
        "feedback-request-again",
        kind="feedback-request",
        subject="S",
        due_at=clock_at,
        now=clock_at,
        payload={"appointment_id": visit["id"]},
    )
    job_store.mark_queued(JobRef(SALON, "feedback-request-again"), clock_at)
    assert (
        worker.run(JobRef(SALON, "feedback-request-again"), clock_at).reason == "feedback was given already"
    )


def test_a_new_client_is_welcomed_once_and_thanked_for_the_first_visit_only(visit, table, clock_at):
    kinds = [m.kind for m in outbox.for_client(SALON, visit["client_id"])]
    assert kinds.count("welcome") == 1 and kinds.count("thank_you") == 1
    thanks = outbox.get(SALON, f"thank-you-{visit['client_id']}")
    # checked out at 08:59 in Berlin: a thank-you is not routed in the quiet hours, it goes at 09:00
    assert thanks.status == "planned"
    assert dispatch.dispatch(SALON, thanks.message_id, clock_at).done
    assert outbox.get_item(SALON, thanks.message_id).text.startswith(
        "Thank you for your first visit to Salon salon-a, Nora."
    )
    # a second visit of the same client: neither again
    second = (
        AdminApi(SALON)
        .post(
            "/v1/admin/appointments",
            {
                "service_id": "haircut",
                "staff_id": "anna",
                "start": "2026-11-23T10:00:00+01:00",
                "outside_hours": True,
                "client_id": visit["client_id"],
            },
        )
        .json
    )
    checkout.complete(SALON, second["id"], paid_amount=4500, now=clock_at + timedelta(hours=2), by="admin")
    records = [r for r in stream_records(table) if r["dynamodb"]["Keys"]["SK"]["S"].startswith("APPT#")]
    handler("stream_processor")({"Records": records}, context_for("stream_processor"))
    kinds = [m.kind for m in outbox.for_client(SALON, visit["client_id"])]
    assert kinds.count("welcome") == 1 and kinds.count("thank_you") == 1
