"""Erasure on DynamoDB Local reaches what a client's feedback left behind: the comment, the follow-up
task that names them, the manager's alert with their phone, a birthday kept in a job; the salon's
figures (visits, spend, the rating, the alert's count) stay. Another salon's admin cannot see or
erase the client."""

from __future__ import annotations

import json

import pytest
from integration.test_feedback import MANAGER, SALON, _ask, visit  # noqa: F401 (a fixture)
from regulars.notifications import dispatch
from regulars.store import erasure
from regulars.store.base import table_name
from support.lambda_ import AdminApi, PublicApi

pytestmark = pytest.mark.integration
PHONE = "+491705554000"


def _holding(ddb, needles: list[str]) -> list[dict]:
    found = []
    for page in ddb.get_paginator("scan").paginate(TableName=table_name()):
        found += [i for i in page["Items"] if any(n in json.dumps(i, ensure_ascii=False) for n in needles)]
    return found


def test_erasure_reaches_feedback_tasks_alerts_and_jobs_and_keeps_the_figures(visit, clock_at, ddb):  # noqa: F811
    admin = AdminApi(SALON)
    client_id = visit["client_id"]
    patched = admin.patch(f"/v1/admin/clients/{client_id}", {"email": "nora@example.com", "birthday": "1990-05-04",
                                                             "notes": "Nora likes tea"})
    assert patched.status == 200, patched.text
    token = _ask(visit, clock_at)
    given = PublicApi().post(f"/v1/feedback/{token}", {"rating": 2, "comment": "Nora waited 40 minutes"})
    assert given.status == 201, given.text
    (alert,) = [m for m in erasure.about(SALON, client_id) if m.kind == "manager_alert"]
    assert dispatch.dispatch(SALON, alert.message_id, clock_at).done
    needles = ["Nora", PHONE, PHONE[1:], "nora@example.com", "1990-05-04"]
    assert {i["type"]["S"] for i in _holding(ddb, needles)} >= {"Client", "PhoneIndex", "Feedback", "Task", "Message",
                                                           "Appointment", "Job"}

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
    assert (alert.status, alert.skip_reason, alert.text, alert.values) == ("skipped", "client erased", None, {})
    (entry,) = admin.get("/v1/admin/audit").json["entries"]
    assert (entry["action"], entry["client_id"], entry["detail"]["reason"]) == ("client.erased", client_id,
                                                                              "asked at the desk")
    assert other.get("/v1/admin/audit").json["entries"] == []
