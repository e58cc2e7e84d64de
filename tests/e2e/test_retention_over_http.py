"""Retention on the running local runtime with the demo salon, the clock moved forward by weeks.

The tests run in order on one runtime of their own (they move its clock two months on):

1. a visit is asked about two hours after it is completed; a 2-star answer alerts the manager and
   opens a task, a 5-star answer is shown the review links;
2. invitations back: on the service's interval for a newcomer, on a regular's own cadence, and
   none for a client who has a visit booked;
3. clients become at risk and lapsed on time, with the reason in words; three win-back waves go
   to a client who lapsed, and a booking stops them for another, who is won back.
"""

from __future__ import annotations

import re
import statistics
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from support.runtime import LocalRuntime, demo_launch

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("retention-runtime")]
MANAGER = "+4915199990001"
DAY = timedelta(days=1)


@pytest.fixture(scope="module")
def rt(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    # the demo salon, settled (regulars with bookings among them), on a runtime of its own: its clock moves
    with demo_launch(tmp_path_factory, "retention-runtime") as started:
        yield started


@pytest.fixture(scope="module")
def token(rt) -> str:
    return rt.token("demo", email="retention@example.com")


@pytest.fixture(scope="module")
def state() -> dict:
    """What one test leaves for the next (they share the runtime and its clock)."""
    return {}


def now(rt) -> datetime:
    return datetime.fromisoformat(rt.get("/local/clock").json()["now"])


def daylight(moment: datetime) -> datetime:
    """``moment``, or the next noon in Berlin if it falls outside 10:00-19:00 there: a check of what
    was sent made then cannot find a message still held by the quiet hours."""
    local = moment.astimezone(ZoneInfo("Europe/Berlin"))
    if 10 <= local.hour < 19:
        return moment
    noon = local.replace(hour=12, minute=0, second=0, microsecond=0)
    return noon if local.hour < 10 else noon + DAY


def to(rt, moment: datetime) -> None:
    """Move the clock to ``moment`` and settle. The steps are 17 hours, so that their ends fall at
    every hour of the day in turn: with whole days, a message held by the quiet hours would be looked
    at again at the same evening hour each day, and held again each time."""
    while (left := (moment - now(rt)).total_seconds() / 60) > 0:
        rt.advance(min(left, 17 * 60))
        rt.drain()
    for _ in range(2):  # a job a job scheduled for "now" is seen on the next tick
        rt.advance(1)
        rt.drain()


def history(rt, token: str, client_id: str) -> dict:
    answer = rt.get(f"/v1/admin/clients/{client_id}/history", token=token)
    assert answer.status_code == 200, answer.text
    return answer.json()


def sent(rt, token: str, client_id: str, kind: str) -> list[dict]:
    return [
        m
        for m in history(rt, token, client_id)["messages"]
        if m["kind"] == kind and m["status"] in ("sent", "delivered")
    ]


def walk_in(rt, token: str, service: str, *, name: str, consent: bool = True, paid: int = 3000) -> dict:
    """A new client's visit that began a little while ago, completed now."""
    phone = f"+49151{uuid.uuid4().int % 10**8:08d}"
    client = rt.post(
        "/v1/admin/clients", token=token, json={"name": name, "phone": phone, "marketing_consent": consent}
    ).json()
    catalog = rt.get("/v1/salons/demo/catalog").json()
    staff = [m["id"] for m in catalog["staff"] if service in m["service_ids"]]
    start = now(rt).replace(second=0, microsecond=0) - timedelta(minutes=now(rt).minute % 5 + 60)
    for _ in range(48):
        made = rt.post(
            "/v1/admin/appointments",
            token=token,
            json={
                "service_id": service,
                "staff_id": staff[_ % len(staff)],
                "start": start.isoformat(),
                "outside_hours": True,
                "client_id": client["id"],
            },
        )
        if made.status_code == 201:
            break
        start -= timedelta(minutes=5)
    assert made.status_code == 201, made.text
    done = rt.post(
        f"/v1/admin/appointments/{made.json()['id']}/complete", token=token, json={"paid_amount": paid}
    )
    assert done.status_code == 200, done.text
    return {**made.json(), "phone": phone}


def test_feedback_after_a_visit_alerts_the_manager_on_2_stars_and_shows_review_links_on_5(rt, token):
    original = rt.get("/v1/admin/salon", token=token).json()["settings"]
    rules = {
        **original,
        "feedback": {
            **original["feedback"],
            "manager_phones": [MANAGER],
            "review_links": [{"name": "Google", "url": "https://g.page/r/studio-demo/review"}],
        },
    }
    assert rt.request("PATCH", "/v1/admin/salon", token=token, json={"settings": rules}).status_code == 200
    unhappy = walk_in(rt, token, "manicure", name="Petra Unhappy")
    happy = walk_in(rt, token, "brows", name="Hanna Happy")
    rt.drain()
    to(rt, now(rt) + timedelta(minutes=125))
    links = {}
    for visit in (unhappy, happy):
        (asked,) = rt.sms(visit["phone"], "Tell us in one tap")
        links[visit["id"]] = re.search(r"feedback\.html\?token=(\S+)", rt.link_in(asked["text"])).group(1)

    page = rt.get(f"/v1/feedback/{links[unhappy['id']]}").json()
    assert page["service_name"] == "Manicure" and page["given"] is None
    answer = rt.post(
        f"/v1/feedback/{links[unhappy['id']]}", json={"rating": 2, "comment": "Chipped in a day"}
    )
    assert answer.status_code == 201 and answer.json()["review_links"] == []
    rt.drain()
    (alert,) = rt.sms(MANAGER, "Unhappy client: Petra Unhappy")
    assert "rated Manicure" in alert["text"] and "2/5" in alert["text"]
    tasks = rt.get("/v1/admin/tasks", token=token).json()["tasks"]
    assert any(t["client_id"] == unhappy["client_id"] and "Chipped in a day" in t["summary"] for t in tasks)
    me = history(rt, token, unhappy["client_id"])
    assert me["client"]["lifecycle"]["status"] == "at_risk"
    assert me["client"]["lifecycle"]["reason"] == "rated a visit 2/5: Chipped in a day"
    assert me["complaints"] and me["feedback"][0]["rating"] == 2

    answer = rt.post(f"/v1/feedback/{links[happy['id']]}", json={"rating": 5, "tip_amount": 500})
    assert answer.status_code == 201
    assert answer.json()["review_links"] == [{"name": "Google", "url": "https://g.page/r/studio-demo/review"}]


def _regular_with_a_booking(rt, token: str) -> tuple[str, dict, float]:
    """A demo client with three or more visits of the service of their next booking (soon), and
    consent to marketing: (client id, the booking, their own median interval for it in days)."""
    found = []
    for status in ("active", "won_back"):
        for c in rt.get(f"/v1/admin/retention/clients?status={status}&limit=500", token=token).json()[
            "clients"
        ]:
            if "next visit booked" in c["reason"]:
                found.append(c["client_id"])
    best = None
    for client_id in found:
        h = history(rt, token, client_id)
        if not (h["client"]["consents"].get("marketing") or {}).get("granted"):
            continue
        upcoming = [
            v
            for v in h["visits"]
            if v["status"] in ("booked", "confirmed") and datetime.fromisoformat(v["start"]) > now(rt)
        ]
        if len(upcoming) != 1:
            continue
        booking = upcoming[0]
        done = sorted(
            datetime.fromisoformat(v["start"])
            for v in h["visits"]
            if v["status"] == "completed" and v["service"] == booking["service"]
        )
        if len(done) >= 3 and (best is None or booking["start"] < best[1]["start"]):
            visits = [*done, datetime.fromisoformat(booking["start"])]  # with the visit about to be had
            gaps = [(b - a) / DAY for a, b in pairwise(visits)]
            best = (client_id, booking, statistics.median(gaps))
    assert best is not None
    return best


def test_invitations_on_the_service_interval_on_own_cadence_and_none_with_a_booking(rt, token, state):
    newcomer = walk_in(rt, token, "manicure", name="Nina Newcomer")  # manicure: every 21 days
    booked = walk_in(rt, token, "manicure", name="Bea Booked")
    again = rt.post(
        "/v1/admin/appointments",
        token=token,
        json={
            "service_id": "brows",
            "staff_id": "sofia",
            "client_id": booked["client_id"],
            "outside_hours": True,
            "start": (now(rt) + 30 * DAY).replace(hour=10, minute=0, second=0, microsecond=0).isoformat(),
        },
    )
    assert again.status_code == 201, again.text
    regular, booking, own_days = _regular_with_a_booking(rt, token)
    start = datetime.fromisoformat(booking["start"])
    to(rt, start + timedelta(minutes=30))
    done = rt.post(
        f"/v1/admin/appointments/{booking['id']}/complete", token=token, json={"paid_amount": 4000}
    )
    assert done.status_code == 200, done.text
    rt.drain()

    to(rt, daylight(datetime.fromisoformat(newcomer["start"]) + 22 * DAY))
    (invite,) = sent(rt, token, newcomer["client_id"], "repeat_invitation")
    assert "it's time for your Manicure at Studio Demo" in invite["text"]
    assert rt.link_in(invite["text"]).endswith("book.html?salon=demo&service=manicure")
    assert sent(rt, token, booked["client_id"], "repeat_invitation") == []

    to(rt, daylight(start + timedelta(days=own_days + 1.5)))
    mine = sent(rt, token, regular, "repeat_invitation")
    assert len(mine) == 1, history(rt, token, regular)["messages"][:5]
    when = datetime.fromisoformat(mine[0]["created_at"])
    assert abs((when - start) / DAY - own_days) <= 1.0  # their own rhythm (quiet hours may hold it till 9:00)
    assert "book.html?salon=demo&service=" in rt.link_in(mine[0]["text"])
    state["invited"] = regular


def test_at_risk_and_lapsed_on_time_and_three_winback_waves_stopped_by_a_booking(rt, token, state):
    candidates = []
    for status in ("active", "at_risk"):
        for c in rt.get(f"/v1/admin/retention/clients?status={status}&limit=500", token=token).json()[
            "clients"
        ]:
            if "booked" in c["reason"] or c["client_id"] == state.get("invited"):
                continue
            h = history(rt, token, c["client_id"])
            if (h["client"]["consents"].get("marketing") or {}).get("granted") and c["last_visit_at"]:
                candidates.append((datetime.fromisoformat(c["last_visit_at"]), c))
    candidates.sort(key=lambda x: x[0])
    (last_a, a), (last_b, b) = candidates[:2]  # the two to lapse first
    assert last_b - last_a < 20 * DAY

    # at risk: the reason says the cadence and the days since the last visit
    at_risk = rt.get("/v1/admin/retention/clients?status=at_risk&limit=500", token=token).json()["clients"]
    for c in at_risk:
        match = re.fullmatch(
            r"(usually every|.+ is due every) (\d+) days?; (\d+) days since the last visit", c["reason"]
        )
        if match:
            assert int(match.group(3)) >= 1.5 * int(match.group(2)) - 1

    to(rt, last_a + 90 * DAY + timedelta(hours=1))
    me = history(rt, token, a["client_id"])["client"]["lifecycle"]
    assert me["status"] == "lapsed" and me["reason"].startswith("no visit for 90 days (lapsed after 90 days)")
    lapsed = rt.get("/v1/admin/retention/clients?status=lapsed&limit=500", token=token).json()["clients"]
    assert a["client_id"] in {c["client_id"] for c in lapsed}
    to(
        rt, daylight(last_b + 91 * DAY + timedelta(hours=12))
    )  # past the quiet hours that may hold the first wave
    assert len(sent(rt, token, b["client_id"], "winback")) == 1, [
        (m["kind"], m["status"], m["skip_reason"], m["created_at"])
        for m in history(rt, token, b["client_id"])["messages"]
    ]
    booked = None
    day = (now(rt) + 5 * DAY).replace(hour=9, minute=0, second=0, microsecond=0)
    for slot in range(40):
        booked = rt.post(
            "/v1/admin/appointments",
            token=token,
            json={
                "service_id": "brows",
                "staff_id": "sofia",
                "client_id": b["client_id"],
                "outside_hours": True,
                "start": (day + slot * timedelta(hours=3)).isoformat(),
            },
        )
        if booked.status_code == 201:
            break
    assert booked.status_code == 201, booked.text
    rt.drain()
    assert history(rt, token, b["client_id"])["client"]["lifecycle"]["status"] == "won_back"

    to(rt, daylight(last_a + 122 * DAY))  # the third wave, 30 days on, past the quiet hours that may hold it
    waves = [
        m["kind"]
        for m in reversed(history(rt, token, a["client_id"])["messages"])
        if m["kind"].startswith("winback") and m["status"] in ("sent", "delivered")
    ]
    assert waves == ["winback", "winback_bonus", "winback"], [
        (m["kind"], m["status"], m["skip_reason"], m["created_at"])
        for m in history(rt, token, a["client_id"])["messages"]
        if m["kind"].startswith("winback")
    ]
    assert history(rt, token, a["client_id"])["bonus_balance"] >= 500
    b_waves = [m for m in history(rt, token, b["client_id"])["messages"] if m["kind"].startswith("winback")]
    assert len(b_waves) == 1  # the booking stopped the second and third

    stats = rt.get("/v1/admin/defections/stats", token=token).json()
    assert stats["by_type"].get("lapsed", 0) >= 1 and stats["total"] == sum(stats["by_type"].values())
