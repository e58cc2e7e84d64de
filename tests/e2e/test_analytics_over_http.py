"""Retention analytics on the running local runtime: the messages the demo, this test's bookings and
the other tests sent and the bonus they moved went through the change stream's filters into the
report, whose counts equal a recount of the table's own message and ledger items."""

from __future__ import annotations

import time
import uuid
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from support.runtime import aws_client

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


def _book_new_clients(rt, now: datetime, n: int) -> list[str]:
    """``n`` new clients book a visit some days ahead; each is told at once, whatever the hour."""
    phones: list[str] = []
    for ahead in range(3, 30):
        day = (now + timedelta(days=ahead)).date().isoformat()
        for slot in rt.get(f"/v1/salons/demo/slots?service_id=manicure&date={day}").json()["slots"]:
            if len(phones) == n:
                return phones
            phone = f"+49152{uuid.uuid4().int % 10**8:08d}"
            body = {
                "service_id": "manicure",
                "staff_id": slot["staff_id"],
                "start": slot["start"],
                "client": {"name": "Ada Report", "phone": phone},
                "phone_proof": rt.prove(phone),
            }
            made = rt.post("/v1/salons/demo/appointments", json=body)
            if made.status_code == 201:  # another test may have taken the slot since the list was read
                phones.append(phone)
    raise AssertionError(f"the demo salon had fewer than {n} free slots in four weeks")


def _told(rt, phones: list[str], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if set(phones) <= {m["to"] for m in rt.get("/local/phone").json()["messages"]}:
            return True
        time.sleep(0.3)
    return False


def test_the_report_counts_what_the_table_holds(demo_runtime):
    rt = demo_runtime
    token = rt.token("demo")
    now = datetime.fromisoformat(rt.get("/local/clock").json()["now"])
    phones = _book_new_clients(rt, now, 4)
    rt.drain()
    assert _told(rt, phones)
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
    assert sum(count.values()) >= len(phones) and bonus["accrual"] > 0
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
