"""Cashback on the running local runtime: a paid visit credits the client and says so; the clock moved
to the warning's day before the bonus burns brings the warning; moved past it, the balance drops and
the ledger has the expiry."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo-runtime")]


def _now(rt) -> datetime:
    return datetime.fromisoformat(rt.get("/local/clock").json()["now"])


def _daylight(moment: datetime) -> datetime:
    """``moment``, or the next noon in Berlin if it falls outside 10:00-19:00 there: the shared clock
    may stand anywhere in the day, and a warning held by the quiet hours goes out when they end."""
    local = moment.astimezone(ZoneInfo("Europe/Berlin"))
    if 10 <= local.hour < 19:
        return moment
    noon = local.replace(hour=12, minute=0, second=0, microsecond=0)
    return noon if local.hour < 10 else noon + timedelta(days=1)


def _to(rt, moment: datetime) -> None:
    minutes = (moment - _now(rt)).total_seconds() / 60
    if minutes > 0:
        rt.advance(minutes)
    rt.drain()


def test_cashback_is_credited_then_warned_of_then_burns(demo_runtime):
    rt = demo_runtime
    token = rt.token("demo")
    original = rt.get("/v1/admin/salon", token=token).json()["settings"]
    # a short life, so that the shared clock moves three days rather than the default's two months
    short = {**original, "loyalty": {**original["loyalty"], "lifetime_days": 3, "warn_days_before": 2}}
    assert rt.request("PATCH", "/v1/admin/salon", token=token, json={"settings": short}).status_code == 200
    try:
        phone = f"+49151{uuid.uuid4().int % 10**8:08d}"
        # from the admin's list: the booking page's catalog may still show, for its cache's seconds, a
        # member another test added and took out of the book again
        staff_id = next(
            m["id"]
            for m in rt.get("/v1/admin/staff", token=token).json()
            if m["active"] and "manicure" in m["service_ids"]
        )
        start = _now(rt).replace(second=0, microsecond=0) - timedelta(minutes=_now(rt).minute % 5 + 50)
        for _ in range(24):  # a walk-in that began a little while ago
            visit = rt.post(
                "/v1/admin/appointments",
                token=token,
                json={
                    "service_id": "manicure",
                    "staff_id": staff_id,
                    "start": start.isoformat(),
                    "outside_hours": True,
                    "client": {"name": "Cash Back", "phone": phone},
                },
            )
            if visit.status_code == 201:
                break
            start -= timedelta(minutes=5)
        assert visit.status_code == 201, visit.text
        visit = visit.json()
        done = rt.post(
            f"/v1/admin/appointments/{visit['id']}/complete", token=token, json={"paid_amount": 4000}
        )
        assert done.status_code == 200, done.text
        rt.drain()
        assert rt.sms(phone, "you earned €2 bonus"), rt.get("/local/phone").json()["messages"][-3:]
        loyalty = rt.get(f"/v1/admin/clients/{visit['client_id']}/loyalty", token=token).json()
        assert loyalty["balance"] == 200 and loyalty["tier"]["name"] == "Base"
        expires = datetime.fromisoformat(loyalty["lots"][0]["expires_at"])

        _to(rt, _daylight(expires - timedelta(days=2) + timedelta(minutes=2)))
        warning = rt.sms(phone, "of your bonus at Studio Demo burns on")
        assert len(warning) == 1 and warning[0]["text"].startswith("Cash Back, €2 of your bonus")
        assert rt.get(f"/v1/admin/clients/{visit['client_id']}/loyalty", token=token).json()["balance"] == 200

        _to(rt, expires + timedelta(minutes=2))
        after = rt.get(f"/v1/admin/clients/{visit['client_id']}/loyalty", token=token).json()
        assert after["balance"] == 0 and after["lots"] == []
        ledger = rt.get(f"/v1/admin/clients/{visit['client_id']}/ledger", token=token).json()["entries"]
        assert [(e["kind"], e["amount"]) for e in ledger] == [("expiry", -200), ("accrual", 200)]
    finally:
        rt.request("PATCH", "/v1/admin/salon", token=token, json={"settings": original})
