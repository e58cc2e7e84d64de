"""Retention analytics on the running local runtime: the messages the demo and the other tests sent
and the bonus they moved went through the change stream's filters into the report, whose counts
equal a recount of the table's own message and ledger items."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from e2e.conftest import aws_client

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo-runtime")]

SALON_TZ = ZoneInfo("Europe/Berlin")


def _month(text: str) -> str:
    return datetime.fromisoformat(text).astimezone(SALON_TZ).strftime("%Y-%m")


def _recount(rt) -> tuple[Counter, Counter, Counter]:
    """(messages, their cost in micros) by channel and purpose, and bonus moved by ledger kind."""
    stack = rt.resources()
    ddb = aws_client("dynamodb", stack["dynamodb"]["endpoint"])
    count, cost, bonus = Counter(), Counter(), Counter()
    for page in ddb.get_paginator("scan").paginate(TableName=stack["table"]):
        for item in page["Items"]:
            if not item["PK"]["S"].startswith("SALON#demo"):
                continue
            kind = item.get("type", {}).get("S")
            if kind == "Message" and item.get("sent_at") and item["status"]["S"] in ("sent", "delivered"):
                key = (item["channel"]["S"], item["purpose"]["S"])
                count[key] += 1
                cost[key] += int(item.get("cost_amount", {}).get("N", "0"))
            elif kind == "LedgerEntry":
                bonus[item["kind"]["S"]] += int(item["amount"]["N"])
    return count, cost, bonus


def test_the_report_counts_what_the_table_holds(demo_runtime):
    rt = demo_runtime
    token = rt.token("demo")
    now = datetime.fromisoformat(rt.get("/local/clock").json()["now"])
    period = f"from=2025-01&to={now.astimezone(SALON_TZ).year + 1}-01"
    for _ in range(5):  # what is still being sent settles between two equal recounts
        rt.drain()
        before = _recount(rt)
        answer = rt.get(f"/v1/admin/analytics?{period}", token=token)
        if _recount(rt) == before:
            break
    assert answer.status_code == 200, answer.text
    report = answer.json()
    count, cost, bonus = before
    assert sum(count.values()) > 10
    assert {(r["channel"], r["purpose"]): r["count"] for r in report["messages"]} == dict(count)
    assert {(r["channel"], r["purpose"]): r["cost_micros"] for r in report["messages"]} == dict(cost)
    assert report["figures"]["messages_sent"]["value"] == sum(count.values())
    assert report["figures"]["bonus_spent"]["value"] == -bonus["redemption"]
    assert report["figures"]["bonus_burned"]["value"] == -bonus["expiry"]
    assert report["figures"]["bonus_issued"]["value"] == bonus["accrual"] + max(0, bonus["adjustment"])


def test_a_bad_period_is_refused_and_another_salon_sees_its_own(demo_runtime):
    rt = demo_runtime
    token = rt.token("demo")
    backwards = rt.get("/v1/admin/analytics?from=2026-05&to=2026-01", token=token)
    assert backwards.status_code == 422 and backwards.json()["error"]["fields"][0]["field"] == "from"
    too_long = rt.get("/v1/admin/analytics?from=2020-01&to=2026-01", token=token)
    assert too_long.status_code == 422
    shape = rt.get("/v1/admin/analytics?from=2026-13", token=token)
    assert shape.status_code == 422
    other = rt.get("/v1/admin/analytics?from=2025-01&to=2026-12", token=rt.token("elsewhere"))
    assert other.status_code in (200, 404)
    if other.status_code == 200:
        assert other.json()["figures"]["visits"]["value"] == 0
