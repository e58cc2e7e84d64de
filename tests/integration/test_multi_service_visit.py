"""Several services in one visit, over HTTP on DynamoDB Local: free times for the chain, booking it in
one transaction (all or nothing, idempotent), moving, cancelling and checking it out as one, and what
the stream makes of it (one reminder plan, one feedback request, cashback on the total, analytics)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from regulars.booking import locks_repo
from regulars.booking.items import Appointment, VisitPart
from regulars.clients import repo as client_store
from regulars.loyalty import repo as loyalty_store
from regulars.messaging.outbox import repo as outbox
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.subjects import Subject
from regulars.store.base import Entity, Tx
from support.lambda_ import AdminApi, context_for, handler
from support.streams import stream_records

pytestmark = pytest.mark.integration

SALON = "salon-a"
TUESDAY = "2026-11-24"


def t(hhmm: str, day: str = TUESDAY) -> str:
    return f"{day}T{hhmm}:00+01:00"


def chain(start: str, services: list[tuple[str, str | None]], phone: str = "0151 23456789") -> dict:
    return {
        "services": [{"service_id": s, **({"staff_id": st} if st else {})} for s, st in services],
        "start": start,
        "client": {"name": "Eva Weber", "phone": phone},
    }


def visits() -> list[Appointment]:
    return [
        i for i in Entity.query(f"SALON#{SALON}", Entity.sk.startswith("APPT#")) if isinstance(i, Appointment)
    ]


def parts() -> list[VisitPart]:
    return [
        i
        for i in Entity.query(f"SALON#{SALON}", Entity.sk.startswith("VISITPART#"))
        if isinstance(i, VisitPart)
    ]


def locks(staff_id: str) -> list[str]:
    far = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    return [f"{cell:%H:%M}" for cell in locks_repo.held(SALON, staff_id, *far)]


def slot_starts(public, query: str) -> dict[str, dict]:
    r = public.get(f"/v1/salons/{SALON}/slots?date={TUESDAY}&{query}")
    assert r.status == 200, r.text
    return {s["start"]: s for s in r.json["slots"]}


def run_stream(table) -> None:
    records = [r for r in stream_records(table) if r["dynamodb"]["Keys"]["SK"]["S"].startswith("APPT#")]
    assert handler("stream_processor")({"Records": records}, context_for("stream_processor")) == {
        "batchItemFailures": []
    }


@pytest.fixture
def admin(salon):
    return AdminApi(SALON)


def test_two_services_back_to_back_with_one_staff_member(salon, public):
    free = slot_starts(public, "service_ids=haircut,brows&staff_id=anna")
    assert t("12:15") not in free  # the brows would run into the 13:00 lunch break
    assert free[t("10:00")]["segments"] == [
        {"service_id": "haircut", "staff_id": "anna", "start": t("10:00"), "end": t("11:00")},
        {"service_id": "brows", "staff_id": "anna", "start": t("11:00"), "end": t("11:20")},
    ]
    r = public.post(
        f"/v1/salons/{SALON}/appointments",
        chain(t("10:00"), [("haircut", "anna"), ("brows", None)]),
        headers={"Idempotency-Key": "multi-0000001"},
    )
    assert r.status == 201, r.text
    a = r.json["appointment"]
    assert (a["start"], a["end"], a["service_id"], a["staff_id"]) == (
        t("10:00"),
        t("11:20"),
        "haircut",
        "anna",
    )
    assert [s["service_id"] for s in a["segments"]] == ["haircut", "brows"]
    (item,) = visits()
    assert int(item.price_amount) == 4500 + 1500
    assert parts() == []  # one staff member: the visit is in their book already
    assert len(locks("anna")) == 16  # 80 minutes of 5-minute cells
    single = slot_starts(public, "service_id=brows&staff_id=anna")
    assert t("11:00") not in single and t("11:15") not in single and t("11:30") in single


def test_across_staff_the_visit_is_in_both_books_once(salon, public, admin):
    r = public.post(
        f"/v1/salons/{SALON}/appointments", chain(t("10:00"), [("haircut", "anna"), ("manicure", None)])
    )
    assert r.status == 201, r.text
    segments = r.json["appointment"]["segments"]
    assert [(s["staff_id"], s["start"], s["end"]) for s in segments] == [
        ("anna", t("10:00"), t("11:00")),
        ("marta", t("11:00"), t("11:45")),
    ]
    assert len(locks("anna")) == 12 and locks("marta")[0] == "10:00" and len(locks("marta")) == 9  # UTC
    assert [(p.staff_id, f"{p.start:%H:%M}", f"{p.end:%H:%M}") for p in parts()] == [
        ("marta", "10:00", "10:45")
    ]
    assert t("11:00") not in slot_starts(public, "service_id=manicure&staff_id=marta")
    assert t("11:45") in slot_starts(public, "service_id=manicure&staff_id=marta")
    book = admin.get(f"/v1/admin/appointments?from={TUESDAY}").json["appointments"]
    assert [len(v["segments"]) for v in book] == [2]  # once, with both services
    marta_book = admin.get(f"/v1/admin/appointments?from={TUESDAY}&staff_id=marta").json["appointments"]
    assert [v["id"] for v in marta_book] == [book[0]["id"]]
    assert book[0]["price"] == {"amount": 7500, "currency": "EUR"}


def test_a_conflict_on_the_second_service_refuses_all_and_writes_nothing(salon, public):
    taken = public.post(
        f"/v1/salons/{SALON}/appointments",
        {
            "service_id": "manicure",
            "staff_id": "marta",
            "start": t("11:15"),
            "client": {"name": "Ida", "phone": "+49 170 1110001"},
        },
    )
    assert taken.status == 201
    assert t("10:00") not in slot_starts(public, "service_ids=haircut,manicure")
    r = public.post(
        f"/v1/salons/{SALON}/appointments", chain(t("10:00"), [("haircut", "anna"), ("manicure", "marta")])
    )
    assert (r.status, r.json["error"]["code"]) == (409, "slot_taken")
    # the same, when the second service's cell is taken after the free times were read: the
    # transaction refuses every part of it
    tx = Tx()
    locks_repo.stage(tx, SALON, "other", take={("marta", salon_time("16:15"))})
    tx.commit()
    r = public.post(
        f"/v1/salons/{SALON}/appointments", chain(t("15:00"), [("haircut", "anna"), ("manicure", "marta")])
    )
    assert (r.status, r.json["error"]["code"]) == (409, "slot_taken")
    assert len(visits()) == 1 and parts() == []
    assert locks("anna") == []
    assert client_store.client_id_by_phone(SALON, "+4915123456789") is None  # no client either


def salon_time(hhmm: str):
    from datetime import datetime

    return datetime.fromisoformat(t(hhmm))


def test_a_retry_with_the_same_key_answers_the_first_booking(salon, public):
    key = {"Idempotency-Key": "multi-retry-01"}
    body = chain(t("14:00"), [("haircut", None), ("manicure", None)])
    first = public.post(f"/v1/salons/{SALON}/appointments", body, headers=key)
    again = public.post(f"/v1/salons/{SALON}/appointments", body, headers=key)
    assert first.status == 201 and (first.status, first.text) == (again.status, again.text)
    assert len(visits()) == 1
    # "anyone": whoever did the haircut does the manicure if they can (marta), else someone who can
    assert [s["staff_id"] for s in first.json["appointment"]["segments"]] == ["marta", "marta"]
    other = public.post(
        f"/v1/salons/{SALON}/appointments",
        chain(t("14:00"), [("brows", None), ("manicure", None)]),
        headers=key,
    )
    assert (other.status, other.json["error"]["code"]) == (422, "idempotency_key_reused")


def test_bad_chains_are_refused_in_words(salon, public):
    def refused(body) -> tuple[int, str, list[str]]:
        r = public.post(f"/v1/salons/{SALON}/appointments", body)
        return r.status, r.json["error"]["code"], [f["field"] for f in r.json["error"]["fields"]]

    five = chain(
        t("10:00"), [("haircut", None), ("brows", None), ("manicure", None), ("a", None), ("b", None)]
    )
    assert refused(five) == (422, "too_many_services", ["services"])
    assert refused(chain(t("10:00"), [("haircut", None), ("haircut", None)]))[:2] == (
        422,
        "duplicate_service",
    )
    assert refused(chain(t("10:00"), [("haircut", None), ("manicure", "anna")])) == (
        422,
        "staff_mismatch",
        ["services.1.staff_id"],
    )
    both = chain(t("10:00"), [("haircut", None), ("brows", None)]) | {"service_id": "haircut"}
    assert refused(both)[:2] == (422, "one_of")
    assert refused(chain(t("12:30"), [("haircut", "anna"), ("brows", "anna")]))[:2] == (422, "not_a_slot")
    assert visits() == []


def test_moved_and_cancelled_as_one(salon, public, admin):
    booked = public.post(
        f"/v1/salons/{SALON}/appointments", chain(t("10:00"), [("haircut", "anna"), ("manicure", "marta")])
    ).json["appointment"]
    blocker = admin.post(
        "/v1/admin/appointments",
        {
            "service_id": "manicure",
            "staff_id": "marta",
            "start": t("16:15"),
            "client": {"name": "Ida", "phone": "+49 170 1110001"},
        },
    )
    assert blocker.status == 201
    url = f"/v1/admin/appointments/{booked['id']}"
    r = admin.post(f"{url}/move", {"start": t("15:30")})  # the manicure would meet Ida's at 16:15
    assert (r.status, r.json["error"]["code"]) == (409, "slot_taken")
    assert len(locks("anna")) == 12 and locks("anna")[0] == "09:00"  # nothing moved
    r = admin.post(f"{url}/move", {"start": t("14:00")})
    assert r.status == 200, r.text
    assert [(s["staff_id"], s["start"]) for s in r.json["segments"]] == [
        ("anna", t("14:00")),
        ("marta", t("15:00")),
    ]
    assert locks("anna")[0] == "13:00" and len(locks("anna")) == 12  # UTC
    assert [x for x in locks("marta") if x < "15:15"] == [
        "14:00",
        "14:05",
        "14:10",
        "14:15",
        "14:20",
        "14:25",
        "14:30",
        "14:35",
        "14:40",
    ]
    assert [(p.staff_id, f"{p.start:%H:%M}") for p in parts()] == [("marta", "14:00")]
    r = admin.post(f"{url}/move", {"start": t("15:00"), "staff_id": "marta"})
    assert (r.status, r.json["error"]["code"]) == (422, "multi_service_visit")
    cancelled = admin.post(f"{url}/cancel", {})
    assert cancelled.status == 200 and cancelled.json["status"] == "cancelled"
    assert locks("anna") == [] and len(locks("marta")) == 9  # only Ida's manicure holds time now
    assert t("14:00") in slot_starts(public, "service_ids=haircut,manicure")


def test_checkout_reminders_feedback_and_analytics_count_the_visit_once(salon, admin, table):
    made = admin.post(
        "/v1/admin/appointments",
        {
            "services": [
                {"service_id": "haircut", "staff_id": "anna"},
                {"service_id": "manicure", "staff_id": "marta"},
            ],
            "start": "2026-11-23T07:00:00+01:00",
            "outside_hours": True,
            "client": {"name": "Lena", "phone": "+49 170 5551000"},
        },
    )
    assert made.status == 201, made.text
    visit = made.json
    later = admin.post(
        "/v1/admin/appointments",
        {
            "services": [
                {"service_id": "haircut", "staff_id": "anna"},
                {"service_id": "brows", "staff_id": "anna"},
            ],
            "start": t("10:00"),
            "client_id": visit["client_id"],
        },
    ).json
    single = admin.post(
        "/v1/admin/appointments",
        {"service_id": "manicure", "staff_id": "marta", "start": t("10:00"), "client_id": visit["client_id"]},
    ).json
    done = admin.post(f"/v1/admin/appointments/{visit['id']}/complete", {"paid_amount": 7500})
    assert done.status == 200, done.text
    run_stream(table)
    run_stream(table)  # a record delivered twice changes nothing more
    client = visit["client_id"]
    ledger = [(e.entry_id, int(e.amount)) for e in loyalty_store.ledger(SALON, client)]
    assert ledger == [(f"accrual:visit:{visit['id']}", 375)]  # 5 % of the whole visit's 75.00

    def reminders(visit_id: str) -> list:
        return [j for j in job_store.jobs_of(SALON, Subject.VISIT.of(visit_id)) if j.kind == "reminder"]

    # as many reminders as a visit of one service gets: one plan per visit, not one per service
    assert len(reminders(later["id"])) == len(reminders(single["id"])) > 0
    asks = [
        j for j in job_store.jobs_of(SALON, Subject.VISIT.of(visit["id"])) if j.kind == "feedback-request"
    ]
    assert len(asks) == 1
    notices = [m.appointment_id for m in outbox.for_client(SALON, client) if m.kind == "appointment_booked"]
    assert sorted(notices) == sorted([later["id"], single["id"]])  # once per visit (the past one gets none)
    report = admin.get("/v1/admin/analytics?from=2026-11&to=2026-11").json
    assert report["figures"]["visits"]["value"] == 1
    assert report["figures"]["revenue"]["value"] == 7500
    assert report["figures"]["services_done"]["value"] == 2
    assert {(s["service_id"], s["count"]) for s in report["services"]} == {("haircut", 1), ("manicure", 1)}
    stats = client_store.get(SALON, client).stats
    assert stats.visits == 1 and stats.total_spent == 7500
    assert {e[1] for e in stats.visit_log} == {"haircut", "manicure"}  # each service's cadence sees it


def test_the_clients_manage_link_shows_moves_and_cancels_the_whole_visit(salon, public):
    from urllib.parse import parse_qs, urlsplit

    r = public.post(
        f"/v1/salons/{SALON}/appointments", chain(t("10:00"), [("haircut", "anna"), ("manicure", "marta")])
    )
    token = parse_qs(urlsplit(r.json["manage_url"]).query)["token"][0]
    view = public.get(f"/v1/manage/{token}").json["appointment"]
    assert view["service_name"] == "Haircut + Manicure"
    assert view["price"] == {"amount": 7500, "currency": "EUR"}
    assert [s["staff_id"] for s in view["segments"]] == ["anna", "marta"]
    # where it may move: the whole chain again, each with its staff member, its own time free to it
    offered = {x["start"] for x in public.get(f"/v1/manage/{token}/slots?date={TUESDAY}").json["slots"]}
    assert t("10:15") in offered and t("15:00") in offered and t("10:00") not in offered
    moved = public.post(f"/v1/manage/{token}/reschedule", {"start": t("15:00")})
    assert moved.status == 200, moved.text
    assert [(s["staff_id"], s["start"]) for s in moved.json["appointment"]["segments"]] == [
        ("anna", t("15:00")),
        ("marta", t("16:00")),
    ]
    assert locks("anna")[0] == "14:00" and locks("marta")[0] == "15:00"  # UTC
    assert public.post(f"/v1/manage/{token}/cancel", {"reason": "sick"}).status == 200
    assert locks("anna") == [] and locks("marta") == []
