"""The bonus ledger on DynamoDB Local: cashback once per visit, checkout within the cap from the
soonest-burning lots, concurrent redemptions, refunds, burning with one warning, tiers, birthdays and
referrals, the admin API; and a property-based run of random operations against the real table."""

from __future__ import annotations

import contextlib
import threading
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from regulars.app import jobs as worker
from regulars.clients import birthdays as client_birthdays
from regulars.clients.model import Client
from regulars.core.errors import Conflict
from regulars.loyalty import birthdays as loyalty_birthdays
from regulars.loyalty import burning, checkout, credits, rules, tiers
from regulars.loyalty import repo as loyalty_store
from regulars.loyalty import service as loyalty
from regulars.messaging.outbox import repo as outbox
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.repo import JobRef
from regulars.salon import repo as catalog_store
from regulars.store.audit import trail
from support.lambda_ import AdminApi, context_for, handler
from support.salon import make_salon
from support.streams import stream_records

SALON = "salon-a"


def _visit(admin, start: str, phone: str = "+49 170 5551000", **extra) -> dict:
    who = (
        {"client_id": extra.pop("client_id")}
        if "client_id" in extra
        else {"client": {"name": "Lena", "phone": phone}}
    )
    made = admin.post(
        "/v1/admin/appointments",
        {"service_id": "haircut", "staff_id": "anna", "start": start, "outside_hours": True, **who, **extra},
    )
    assert made.status == 201, made.text
    return made.json


def _stream(table, times: int = 1) -> None:
    records = [r for r in stream_records(table) if r["dynamodb"]["Keys"]["SK"]["S"].startswith("APPT#")]
    for _ in range(times):
        assert handler("stream_processor")({"Records": records}, context_for("stream_processor")) == {
            "batchItemFailures": []
        }


def _ledger(client_id: str) -> list[tuple[str, int]]:
    return sorted((e.entry_id, int(e.amount)) for e in loyalty_store.ledger(SALON, client_id))


def _balance(client_id: str, now) -> int:
    return loyalty.standing(SALON, client_id, now).balance


def _stored_balance(client_id: str) -> int:
    account = loyalty_store.account(SALON, client_id)
    return int(account.balance) if account else 0


@pytest.fixture
def admin(table, clock_at):
    make_salon(SALON, clock_at)
    return AdminApi(SALON)


def test_a_paid_visit_credits_cashback_once_however_often_the_record_comes(admin, table, clock_at):
    visit = _visit(admin, "2026-11-23T08:00:00+01:00")
    done = admin.post(f"/v1/admin/appointments/{visit['id']}/complete", {"paid_amount": 4500})
    assert done.status == 200, done.text
    _stream(table, times=5)
    client = visit["client_id"]
    assert _ledger(client) == [(f"accrual:visit:{visit['id']}", 225)]  # 5 % of 45.00
    assert _balance(client, clock_at) == 225 == _stored_balance(client)
    (lot,) = loyalty_store.lots(SALON, client)
    assert lot.expires_at.date() == (clock_at + timedelta(days=60)).date()
    earned = [m for m in outbox.for_client(SALON, client) if m.kind == "bonus_earned"]
    assert len(earned) == 1 and earned[0].values["amount"] == 225


def test_a_visit_paid_far_above_its_price_is_put_in_the_audit_trail_once(admin, clock_at):
    """The desk enters surcharges all day, so a checkout above the price is not refused; one above
    twice the price (the cashback and the tier follow it) is audited, with the price and what was paid."""
    desk = AdminApi(SALON, email="desk@example.com", role="reception")
    usual, inflated = _visit(admin, "2026-11-23T08:00:00+01:00"), _visit(admin, "2026-11-23T07:00:00+01:00")
    assert desk.post(f"/v1/admin/appointments/{usual['id']}/complete", {"paid_amount": 9000}).status == 200
    for _ in range(2):  # the same checkout again: the same answer, one entry
        done = desk.post(f"/v1/admin/appointments/{inflated['id']}/complete", {"paid_amount": 900_000})
        assert done.status == 200, done.text
    entries = [e for e in trail(SALON, clock_at - timedelta(days=1), clock_at + timedelta(days=1))]
    (entry,) = [e for e in entries if e.action == "loyalty.paid_above_price"]
    assert (entry.by, entry.client_id, entry.detail) == (
        "admin:desk@example.com",
        inflated["client_id"],
        {"appointment_id": inflated["id"], "price": 4500, "paid_amount": 900_000, "bonus_amount": 0},
    )


def _credit(client_id: str, amount: int, source_id: str, at, lifetime: int = 60) -> None:
    assert credits.credit(
        SALON,
        client_id,
        amount=amount,
        source="campaign",
        source_id=source_id,
        lifetime_days=lifetime,
        at=at,
        now=at,
        announce=None,
    )


def test_checkout_pays_within_the_cap_from_the_soonest_burning_lots(admin, table, clock_at):
    visit = _visit(admin, "2026-11-23T08:00:00+01:00")
    client = visit["client_id"]
    _credit(client, 1000, "late", clock_at, lifetime=90)
    _credit(client, 800, "soon", clock_at, lifetime=10)
    url = f"/v1/admin/appointments/{visit['id']}/complete"
    over_cap = admin.post(url, {"paid_amount": 3000, "bonus_amount": 1500})  # 1500 of 4500 is 33 %
    assert over_cap.status in (400, 422) and over_cap.json["error"]["fields"][0]["field"] == "bonus_amount"
    assert "at most 30%" in over_cap.json["error"]["fields"][0]["reason"]
    done = admin.post(url, {"paid_amount": 3150, "bonus_amount": 1350})
    assert done.status == 200, done.text
    assert done.json["bonus_amount"] == 1350
    taken = loyalty_store.entry(SALON, client, f"redemption:visit:{visit['id']}")
    assert taken.lots == [
        {"lot_id": "campaign-soon", "amount": 800},
        {"lot_id": "campaign-late", "amount": 550},
    ]
    _stream(table)
    # the money part earns cashback (5 % of 31.50), the bonus part does not
    assert dict(_ledger(client))[f"accrual:visit:{visit['id']}"] == 157
    assert _balance(client, clock_at) == 1800 - 1350 + 157 == _stored_balance(client)
    again = admin.post(url, {"paid_amount": 3150, "bonus_amount": 1350})  # the same request: nothing more
    assert again.status == 200 and _stored_balance(client) == 607


def test_a_bill_cannot_take_more_bonus_than_there_is(admin, clock_at):
    visit = _visit(admin, "2026-11-23T08:00:00+01:00")
    _credit(visit["client_id"], 100, "small", clock_at)
    r = admin.post(
        f"/v1/admin/appointments/{visit['id']}/complete", {"paid_amount": 4000, "bonus_amount": 500}
    )
    assert r.status == 409 and r.json["error"]["code"] == "not_enough_bonus"
    assert admin.get(f"/v1/admin/appointments/{visit['id']}").json["status"] == "booked"


def test_twenty_concurrent_redemptions_never_spend_more_than_the_balance(admin, clock_at):
    visit = _visit(admin, "2026-11-23T08:00:00+01:00")
    client = visit["client_id"]
    for n in range(5):
        _credit(client, 1000, f"c{n}", clock_at, lifetime=30 + n)
    spent, refused = [], []

    def redeem(n: int) -> None:
        try:
            spent.append(
                -loyalty.adjust(
                    SALON, client, amount=-700, reason="test", key=f"k{n}", now=clock_at, by="test"
                )
            )
        except (rules.NotEnoughBonus, Conflict):
            refused.append(n)

    threads = [threading.Thread(target=redeem, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(spent) <= 5000 and len(spent) == 7  # 7 x 700 = 4900 fit, the 8th would not
    assert _stored_balance(client) == 5000 - sum(spent) == _balance(client, clock_at) >= 0
    assert sum(int(e.amount) for e in loyalty_store.ledger(SALON, client)) == _stored_balance(client)


def test_a_refund_takes_back_what_is_left_of_the_cashback_and_returns_what_was_redeemed(
    admin, table, clock_at
):
    visit = _visit(admin, "2026-11-23T08:00:00+01:00")
    client = visit["client_id"]
    _credit(client, 1000, "before", clock_at)
    admin.post(f"/v1/admin/appointments/{visit['id']}/complete", {"paid_amount": 4000, "bonus_amount": 500})
    _stream(table)
    assert _stored_balance(client) == 500 + 200
    refunded = admin.post(f"/v1/admin/appointments/{visit['id']}/refund", {"reason": "complaint"})
    assert refunded.status == 200 and refunded.json["refunded_at"]
    assert _stored_balance(client) == 1000 == _balance(client, clock_at)
    kinds = {e.entry_id: (e.kind, int(e.amount)) for e in loyalty_store.ledger(SALON, client)}
    assert kinds[f"reversal:visit:{visit['id']}"] == ("reversal", -200)
    assert kinds[f"reversal:redemption:{visit['id']}"] == ("reversal", 500)
    assert admin.post(f"/v1/admin/appointments/{visit['id']}/refund", {}).status == 200  # twice is once
    assert _stored_balance(client) == 1000
    _stream(table)  # a late delivery of the completion credits nothing after the refund
    assert _stored_balance(client) == 1000


def test_a_refund_takes_back_cashback_already_spent_from_the_bonus_left_and_no_more(admin, table, clock_at):
    """Visit A earns 500 (5 % of 10,000), spent on visit B; A refunded: its spent 500 comes off the
    bonus the client has left (200 of a gift), what is beyond that is let go."""
    a = _visit(admin, "2026-11-23T08:00:00+01:00")
    client = a["client_id"]
    b = _visit(admin, "2026-11-23T09:00:00+01:00", client_id=client)
    admin.post(f"/v1/admin/appointments/{a['id']}/complete", {"paid_amount": 10_000})
    _stream(table)
    assert _stored_balance(client) == 500
    admin.post(f"/v1/admin/appointments/{b['id']}/complete", {"paid_amount": 1500, "bonus_amount": 500})
    _credit(client, 200, "gift", clock_at)
    _stream(table)
    balance = _stored_balance(client)  # the gift and B's own cashback (75)
    assert balance == 200 + 75
    for _ in range(2):  # a refund twice is once
        assert admin.post(f"/v1/admin/appointments/{a['id']}/refund", {"reason": "complaint"}).status == 200
    kinds = {e.entry_id: (e.kind, int(e.amount)) for e in loyalty_store.ledger(SALON, client)}
    assert kinds[f"reversal:visit:{a['id']}"] == ("reversal", 0)  # nothing of A's lot was left
    assert kinds[f"clawback:visit:{a['id']}"] == ("reversal", -balance)  # all there was, not 500
    assert _stored_balance(client) == 0 == _balance(client, clock_at)


def _run_due(now) -> list[str]:
    from regulars.runtime.jobs import ticker

    sent = []
    while ticker.tick(now, lambda refs: sent.extend(refs) or []).late:  # a long jump takes several ticks
        pass
    outcomes = []
    for ref in sent:
        outcome = worker.run(JobRef(ref.salon_id, ref.job_id), now)
        if outcome is not None:
            outcomes.append(f"{ref.job_id.split('-')[0]}:{outcome.reason}")
    return outcomes


def test_bonus_burns_at_its_moment_after_one_warning_per_day(admin, clock_at):
    visit = _visit(admin, "2026-11-23T08:00:00+01:00")
    client = visit["client_id"]
    job_store.advance_watermark(clock_at - timedelta(minutes=1), clock_at)
    _credit(client, 300, "a", clock_at, lifetime=20)
    _credit(client, 200, "b", clock_at, lifetime=20)
    expiry = clock_at + timedelta(days=20)
    # the ticker has read the days between (its catch-up over missed days is tested with the jobs):
    # here each run reads the hour of the moment that matters, not the three weeks before it
    job_store.advance_watermark(expiry - timedelta(days=7) - timedelta(minutes=2), clock_at)
    warned = _run_due(expiry - timedelta(days=7) + timedelta(minutes=1))
    assert warned == ["burn:warned of 500"]
    (warning,) = [m for m in outbox.for_client(SALON, client) if m.kind == "bonus_burn_warning"]
    assert warning.values["amount"] == 500
    # the balance shown drops at the moment itself, before any job has run
    assert _balance(client, expiry - timedelta(seconds=1)) == 500 and _balance(client, expiry) == 0
    assert _stored_balance(client) == 500
    job_store.advance_watermark(expiry - timedelta(minutes=2), clock_at)
    assert sorted(_run_due(expiry + timedelta(minutes=1))) == ["lot:200 burned", "lot:300 burned"]
    assert _stored_balance(client) == 0
    assert sorted(e.kind for e in loyalty_store.ledger(SALON, client)) == [
        "accrual",
        "accrual",
        "expiry",
        "expiry",
    ]


def test_lots_burning_on_one_day_of_the_salons_calendar_get_one_warning_and_one_line(admin, clock_at):
    """In Berlin, 00:30 and 02:30 on 13 December are one day; in UTC the first is still the 12th."""
    client = _visit(admin, "2026-11-23T08:00:00+01:00")["client_id"]
    first = datetime(2026, 11, 23, 0, 30, tzinfo=ZoneInfo("Europe/Berlin")).astimezone(UTC)
    _credit(client, 300, "a", first, lifetime=20)
    _credit(client, 200, "b", first + timedelta(hours=2), lifetime=20)
    warnings = [j for j in job_store.jobs_of(SALON, f"LOYALTY#{client}") if j.kind == "burn-warning"]
    assert [(j.payload["day"], j.status) for j in warnings] == [("2026-12-13", "pending")]
    assert loyalty.liability(SALON, clock_at).by_day == [{"date": "2026-12-13", "amount": 500}]
    job_store.advance_watermark(warnings[0].due_at - timedelta(minutes=2), clock_at)
    assert _run_due(warnings[0].due_at + timedelta(minutes=1)) == ["burn:warned of 500"]


@contextlib.contextmanager
def _clock_at(moment):
    """Run the application's clock at ``moment`` (the stream processor reads it)."""
    from regulars.core import clock

    saved = clock.offset()
    clock.set_offset(moment - datetime.now(UTC))
    try:
        yield moment
    finally:
        clock.set_offset(saved)


def test_the_third_visit_moves_the_client_up_and_says_so(admin, table, clock_at):
    for n, day in enumerate(("2026-11-24", "2026-11-25", "2026-11-26")):
        visit = _visit(admin, f"{day}T10:00:00+01:00")
        with _clock_at(clock_at + timedelta(days=n + 1, hours=2)) as later:
            checkout.complete(SALON, visit["id"], paid_amount=1000, now=later, by="admin")
            _stream(table)
            if n == 1:
                assert loyalty.standing(SALON, visit["client_id"], later).tier.name == "Base"
    standing = loyalty.standing(SALON, visit["client_id"], clock_at + timedelta(days=4))
    assert (standing.tier.name, standing.visits_12m, standing.spend_12m) == ("Silver", 3, 3000)
    # a client list's tiers in one read: this client's, and the first tier for one with no account yet
    listed = admin.get(f"/v1/admin/loyalty/tiers?ids={visit['client_id']},nobody-yet").json["tiers"]
    assert (listed[visit["client_id"]]["name"], listed["nobody-yet"]["name"]) == ("Silver", "Base")
    assert admin.get("/v1/admin/loyalty/tiers?ids=a;b").status == 422
    # each visit earned at the tier it was paid in: 5 %, 5 %, 5 % (the third made Silver)
    assert [a for _, a in _ledger(visit["client_id"])] == [50, 50, 50]
    ups = [m for m in outbox.for_client(SALON, visit["client_id"]) if m.kind == "tier_up"]
    assert [m.values["tier"] for m in ups] == ["Silver"]
    # a year after the first of them, the tier is reviewed and falls back
    review = [j for j in job_store.jobs_of(SALON, f"LOYALTY#{visit['client_id']}") if j.kind == "tier-review"]
    assert min(j.due_at for j in review).date() == date(2027, 11, 24)
    first = min(review, key=lambda j: j.due_at)
    with _clock_at(first.due_at):
        assert tiers.tier_review(first, first.due_at).reason == "Silver -> Base"


def test_history_arriving_at_once_moves_the_tier_without_telling_the_client(admin, table, clock_at):
    """Three visits of past weeks, reaching the stream together (an import): the client is Silver,
    and no one is told of a move that happened long ago."""
    for day in ("2026-10-05", "2026-10-19", "2026-11-02"):
        start = datetime.fromisoformat(f"{day}T10:00:00+01:00")
        with _clock_at(start - timedelta(days=3)):
            visit = _visit(admin, start.isoformat())
        checkout.complete(SALON, visit["id"], paid_amount=1000, by="admin", now=start + timedelta(hours=2))
    _stream(table)
    assert loyalty.standing(SALON, visit["client_id"], clock_at).tier.name == "Silver"
    assert [m for m in outbox.for_client(SALON, visit["client_id"]) if m.kind == "tier_up"] == []


def test_a_referral_pays_both_once_after_the_first_paid_visit_and_never_to_oneself(admin, table, clock_at):
    from support.lambda_ import PublicApi

    old = _visit(admin, "2026-11-23T12:00:00+01:00", phone="+49 170 5552000")
    code = admin.get(f"/v1/admin/clients/{old['client_id']}/loyalty").json["referral_code"]
    public = PublicApi()

    def book_with_code(day: str, n: int, name: str, phone: str):
        slot = public.get(f"/v1/salons/salon-a/slots?service_id=haircut&date={day}").json["slots"][n]
        booking = {"service_id": "haircut", "staff_id": slot["staff_id"], "start": slot["start"]}
        client = {"name": name, "phone": phone}
        return public.post(
            "/v1/salons/salon-a/appointments", booking | {"client": client, "referral_code": code}
        )

    friend = book_with_code("2026-11-24", 0, "Friend", "+49 170 5552001").json
    assert book_with_code("2026-11-24", 0, "Lena", "+49 170 5552000").status == 201
    from regulars.clients import repo as client_store

    friend_id = client_store.client_id_by_phone(SALON, "+491705552001")
    assert client_store.get(SALON, friend_id).referred_by == old["client_id"]
    assert (
        client_store.get(SALON, old["client_id"]).referred_by is None
    )  # an existing client is never referred
    with _clock_at(clock_at + timedelta(days=1, hours=3)) as later:
        checkout.complete(SALON, friend["appointment"]["id"], paid_amount=4500, now=later, by="admin")
        _stream(table, times=3)
    assert dict(_ledger(friend_id))[f"accrual:referral:referee-{friend_id}"] == 500
    assert dict(_ledger(old["client_id"]))[f"accrual:referral:referrer-{friend_id}"] == 500
    # the visit that earned it refunded: both bonuses come off, as its cashback does
    with _clock_at(clock_at + timedelta(days=1, hours=4)) as later:
        checkout.refund(SALON, friend["appointment"]["id"], now=later, by="admin")
    assert dict(_ledger(friend_id))[f"reversal:referral:referee-{friend_id}"] == -500
    assert dict(_ledger(old["client_id"]))[f"reversal:referral:referrer-{friend_id}"] == -500
    # a friend's visit checked out at a token sum earns no referral
    token = book_with_code("2026-11-25", 0, "Token", "+49 170 5552002").json
    token_id = client_store.client_id_by_phone(SALON, "+491705552002")
    with _clock_at(clock_at + timedelta(days=2, hours=3)) as later:
        checkout.complete(SALON, token["appointment"]["id"], paid_amount=1, now=later, by="admin")
        _stream(table, times=2)
    assert [e for e, _ in _ledger(token_id) if "referral" in e] == []
    assert f"accrual:referral:referrer-{token_id}" not in dict(_ledger(old["client_id"]))


def test_a_birthday_bonus_once_a_year_and_the_next_one_planned(admin, clock_at):
    client = admin.post(
        "/v1/admin/clients", {"name": "Bea", "phone": "+49 170 5553000", "birthday": "1990-11-30"}
    ).json
    (job,) = job_store.jobs_of(SALON, f"LOYALTY#{client['id']}")
    assert job.job_id == f"birthday-{client['id']}-2026"
    assert job.due_at.isoformat() == "2026-11-27T09:00:00+00:00"  # 3 days before, 10:00 in Berlin
    outcome = loyalty_birthdays.birthday(job, job.due_at)
    assert outcome.done and _stored_balance(client["id"]) == 500
    assert not loyalty_birthdays.birthday(job, job.due_at).done  # a redelivered job credits nothing more
    assert _stored_balance(client["id"]) == 500
    jobs = {j.job_id for j in job_store.jobs_of(SALON, f"LOYALTY#{client['id']}")}
    assert f"birthday-{client['id']}-2027" in jobs
    (greeting,) = [m for m in outbox.for_client(SALON, client["id"]) if m.kind == "birthday_greeting"]
    assert greeting.purpose == "marketing"


def test_with_the_programme_off_a_birthday_brings_no_bonus_and_next_years_is_still_planned(admin, clock_at):
    client = admin.post(
        "/v1/admin/clients", {"name": "Ida", "phone": "+49 170 5553001", "birthday": "1990-11-30"}
    ).json
    (job,) = job_store.jobs_of(SALON, f"LOYALTY#{client['id']}")
    assert admin.patch("/v1/admin/salon", {"settings": {"loyalty": {"enabled": False}}}).status == 200
    catalog_store.forget(SALON)
    outcome = loyalty_birthdays.birthday(job, job.due_at)
    assert (outcome.done, outcome.reason) == (False, "the bonus programme is off")
    assert _stored_balance(client["id"]) == 0 and outbox.for_client(SALON, client["id"]) == []
    jobs = {j.job_id for j in job_store.jobs_of(SALON, f"LOYALTY#{client['id']}")}
    assert f"birthday-{client['id']}-2027" in jobs


def test_visits_checked_out_at_nothing_paid_do_not_move_the_tier(admin, table, clock_at):
    client = None
    for n, day in enumerate(("2026-11-24", "2026-11-25", "2026-11-26")):
        visit = _visit(admin, f"{day}T10:00:00+01:00", **({"client_id": client} if client else {}))
        client = visit["client_id"]
        with _clock_at(clock_at + timedelta(days=n + 1, hours=2)):
            checkout.complete(
                SALON, visit["id"], paid_amount=0, now=clock_at + timedelta(days=n + 1, hours=2), by="admin"
            )
            _stream(table)
    standing = loyalty.standing(SALON, client, clock_at + timedelta(days=4))
    assert (standing.tier.name, standing.visits_12m) == ("Base", 0)  # Silver is three paid visits


def test_the_admin_sees_the_balance_the_ledger_and_the_liability_and_adjusts_with_a_reason(admin, clock_at):
    visit = _visit(admin, "2026-11-23T08:00:00+01:00")
    client = visit["client_id"]
    url = f"/v1/admin/clients/{client}/loyalty/adjustments"
    bad = admin.post(url, {"amount": 0, "reason": ""}, headers={"Idempotency-Key": "adj-00000000"})
    assert bad.status == 422 and {f["field"] for f in bad.json["error"]["fields"]} == {"amount", "reason"}
    keyless = admin.post(url, {"amount": 1500, "reason": "credited twice on a retry?"})
    assert keyless.status == 422 and keyless.json["error"]["fields"][0]["field"] == "idempotency-key"
    credited = admin.post(
        url,
        {"amount": 1500, "reason": "goodwill after a late start"},
        headers={"Idempotency-Key": "adj-00000001"},
    )
    assert credited.status == 201
    (entry,) = credited.json["entries"]
    assert (entry["kind"], entry["amount"], entry["by"], entry["reason"]) == (
        "accrual",
        1500,
        "admin:owner@example.com",
        "goodwill after a late start",
    )
    assert (
        admin.post(
            url,
            {"amount": 1500, "reason": "goodwill after a late start"},
            headers={"Idempotency-Key": "adj-00000001"},
        ).status
        == 201
    )
    # the key sent again with another amount is refused, not lost in silence
    reused = admin.post(
        url, {"amount": 2500, "reason": "goodwill"}, headers={"Idempotency-Key": "adj-00000001"}
    )
    assert (reused.status, reused.json["error"]["code"]) == (409, "idempotency_key_reused")
    debit = admin.post(
        url, {"amount": -400, "reason": "correction"}, headers={"Idempotency-Key": "adj-00000002"}
    )
    assert debit.json["entries"][0]["kind"] == "adjustment" and debit.json["entries"][0]["amount"] == -400
    # a debit's retry answers as the first time
    again = admin.post(
        url, {"amount": -400, "reason": "correction"}, headers={"Idempotency-Key": "adj-00000002"}
    )
    assert again.status == 201 and [e["amount"] for e in again.json["entries"]].count(-400) == 1
    too_much = admin.post(
        url, {"amount": -5000, "reason": "correction"}, headers={"Idempotency-Key": "adj-00000003"}
    )
    assert too_much.status == 409
    view = admin.get(f"/v1/admin/clients/{client}/loyalty").json
    assert (
        view["balance"] == 1100 and view["tier"]["name"] == "Base" and view["next_tier"]["name"] == "Silver"
    )
    assert view["referral_url"].endswith(f"/book.html?salon={SALON}&ref={view['referral_code']}")
    summary = admin.get("/v1/admin/loyalty").json
    assert summary == {"outstanding": 1100, "burning_30_days": 0, "burning_by_day": [], "currency": "EUR"}
    # another salon's admin sees none of it
    make_salon("salon-b", clock_at)
    other = AdminApi("salon-b")
    assert other.get(f"/v1/admin/clients/{client}/loyalty").status == 404
    assert (
        other.post(url, {"amount": 100, "reason": "steal"}, headers={"Idempotency-Key": "adj-0004"}).status
        == 404
    )
    assert other.get("/v1/admin/loyalty").json["outstanding"] == 0
    # a debit of the whole balance, sent again (its answer lost): the same answer, not "not enough bonus"
    emptied = {"amount": -1100, "reason": "closing the account"}
    for _ in range(2):
        answer = admin.post(url, emptied, headers={"Idempotency-Key": "adj-00000003"})
        assert answer.status == 201, answer.text
    assert admin.get(f"/v1/admin/clients/{client}/loyalty").json["balance"] == 0


class LedgerMachine(RuleBasedStateMachine):
    """Random accruals, redemptions, expiries, reversals and clock moves against the real table."""

    def __init__(self):
        super().__init__()
        self.now = self.start
        self.n = 0
        self.redemptions: list[str] = []

    start = None  # set by the test
    client = "c1"  # each example its own client (set by the test): what one example did never
    # decides what the next one may do, so an example replayed draws the same data

    @rule(amount=st.integers(1, 3000), lifetime=st.integers(1, 40))
    def accrue(self, amount, lifetime):
        self.n += 1
        credits.credit(
            SALON,
            self.client,
            amount=amount,
            source="campaign",
            source_id=f"s{self.n}",
            lifetime_days=lifetime,
            at=self.now,
            now=self.now,
            announce=None,
        )

    @rule(amount=st.integers(1, 4000))
    def redeem(self, amount):
        self.n += 1
        try:
            loyalty.adjust(
                SALON, self.client, amount=-amount, reason="redeem", key=f"r{self.n}", now=self.now, by="t"
            )
            self.redemptions.append(f"r{self.n}")
        except rules.NotEnoughBonus:
            assert amount > rules.balance(loyalty_store.lots(SALON, self.client), self.now)

    @rule(days=st.integers(0, 15))
    def move_clock_and_burn(self, days):
        self.now += timedelta(days=days, minutes=1)
        for lot in loyalty_store.lots(SALON, self.client):
            if lot.expires_at <= self.now:
                job = job_store.get(SALON, f"lot-expiry-{self.client}-{lot.lot_id}")
                burning.expire(job, self.now)

    @rule(data=st.data())
    def reverse_a_redemption(self, data):
        if not self.redemptions:
            return
        key = data.draw(st.sampled_from(self.redemptions))
        taken = loyalty_store.entry(SALON, self.client, f"adjustment:{key}")
        returned = [
            (loyalty_store.lot_item(SALON, self.client, moved["lot_id"]), int(moved["amount"]))
            for moved in taken.lots
        ]
        returned = [(lot, amount) for lot, amount in returned if lot.expires_at > self.now]
        if returned:
            with contextlib.suppress(loyalty_store.AlreadyRecorded):
                loyalty_store.give_back(
                    SALON,
                    self.client,
                    returned,
                    entry_id=f"reversal:{key}",
                    source="manual",
                    source_id=key,
                    by="t",
                    now=self.now,
                )

    @invariant()
    def balance_is_the_sum_of_open_lots_and_never_negative(self):
        from regulars.loyalty.items import Lot
        from regulars.store.base import Entity

        items = [
            i
            for i in Entity.query(
                f"SALON#{SALON}", Entity.sk.startswith(f"LOT#{self.client}#"), consistent_read=True
            )
            if isinstance(i, Lot)
        ]
        stored = _stored_balance(self.client)
        assert stored >= 0
        assert stored == sum(int(i.remaining) for i in items)
        assert all(0 <= int(i.remaining) <= int(i.amount) for i in items)
        assert stored == sum(int(e.amount) for e in loyalty_store.ledger(SALON, self.client, limit=1000))
        assert rules.balance(loyalty_store.lots(SALON, self.client), self.now) <= stored


def test_random_sequences_keep_the_ledger_exact(table, clock_at):
    make_salon(SALON, clock_at)
    from regulars.clients import repo as client_store

    counter = iter(range(10**6))

    class Machine(LedgerMachine):
        start = clock_at

        def __init__(self):
            super().__init__()
            example = next(counter)
            self.n = example * 1000  # each example its own sources and client in the shared table
            self.client = f"prop{example}"
            client_store.create(
                SALON,
                Client(id=self.client, name="Prop", phone=f"+49151{example:08d}", created_at=clock_at),
            )

    Machine.TestCase.settings = settings(
        max_examples=12, stateful_step_count=12, deadline=None, suppress_health_check=list(HealthCheck)
    )
    Machine.TestCase().runTest()


def test_a_birthday_early_in_january_is_greeted_in_december_and_next_year_too(admin, clock_at):
    from regulars.clients import repo as client_store

    salon = credits.settings_of(SALON)[0]
    year, when = client_birthdays.next_birthday(
        date(1990, 1, 2), salon, 7, clock_at.replace(month=12, day=27)
    )
    assert (year, when.date()) == (2028, date(2027, 12, 26))  # the birthday of 2 January 2028
    client = client_store.create(
        SALON,
        Client(id="jan", name="Jan", phone="+4915100007777", birthday=date(1990, 1, 2), created_at=clock_at),
    )
    client_birthdays.schedule_birthday(SALON, client, clock_at)
    (job,) = job_store.jobs_of(SALON, "LOYALTY#jan")
    assert job.due_at.date() == date(2026, 12, 30)  # the salon's default: 3 days before
    assert loyalty_birthdays.birthday(job, job.due_at).done
    birthdays = {j.job_id for j in job_store.jobs_of(SALON, "LOYALTY#jan") if j.kind == "birthday"}
    assert birthdays == {"birthday-jan-2027", "birthday-jan-2028"}


def test_refunds_in_either_order_leave_the_same_balance(admin, table, clock_at):
    """Y's cashback is spent on X; refunding Y, then X, must not bring Y's cashback back."""
    first = _visit(admin, "2026-11-23T08:00:00+01:00")
    client = first["client_id"]
    admin.post(f"/v1/admin/appointments/{first['id']}/complete", {"paid_amount": 10_000})
    _stream(table)
    assert _stored_balance(client) == 500
    second = _visit(admin, "2026-11-23T09:30:00+01:00", client_id=client)
    done = admin.post(
        f"/v1/admin/appointments/{second['id']}/complete", {"paid_amount": 1500, "bonus_amount": 500}
    )
    assert done.status == 200, done.text
    _stream(table)
    assert _stored_balance(client) == 75  # 500 spent, 5 % of 15.00 earned
    assert admin.post(f"/v1/admin/appointments/{first['id']}/refund", {}).status == 200
    assert admin.post(f"/v1/admin/appointments/{second['id']}/refund", {}).status == 200
    assert _stored_balance(client) == 0 == _balance(client, clock_at)
    assert sum(int(e.amount) for e in loyalty_store.ledger(SALON, client)) == 0
