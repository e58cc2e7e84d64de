"""From the retention desk: a client invited back (the win-back message in their language, with a bonus
credited once) and a call to make opened as a follow-up; each once per Idempotency-Key, refused with a
reason in words where it may not happen, and confined to the caller's salon."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from regulars.loyalty import repo as loyalty_store
from regulars.messaging.outbox import repo as outbox
from regulars.store.audit import trail
from support.lambda_ import AdminApi
from support.salon import make_salon

pytestmark = pytest.mark.integration
SALON = "salon-a"


@pytest.fixture
def admin(table, clock_at) -> AdminApi:
    make_salon(SALON, clock_at)
    make_salon("salon-b", clock_at)
    return AdminApi(SALON)


def _client(admin: AdminApi, phone: str, consent: bool, locale: str = "en") -> str:
    made = admin.post(
        "/v1/admin/clients",
        {"name": "Olga Petrova", "phone": phone, "marketing_consent": consent, "locale": locale},
    )
    assert made.status == 201, made.text
    return made.json["id"]


def test_a_client_is_invited_back_with_a_bonus_once_however_often_the_request_comes(admin, clock_at):
    client = _client(admin, "+49 170 5557001", True, locale="ru")
    url = f"/v1/admin/clients/{client}/invitations"
    body = {"offer": "Маникюр со скидкой 10 %", "bonus_amount": 500, "bonus_lifetime_days": 14}
    first = admin.post(url, body, headers={"Idempotency-Key": "invite-olga-1"})
    assert first.status == 201, first.text
    again = admin.post(url, body, headers={"Idempotency-Key": "invite-olga-1"})
    assert again.status == 201 and again.json == first.json
    assert first.json["kind"] == "winback_bonus" and first.json["bonus_amount"] == 500
    expires = datetime.fromisoformat(first.json["bonus_expires_at"])
    assert abs(expires - (clock_at + timedelta(days=14))) < timedelta(minutes=2)

    (message,) = [m for m in outbox.for_client(SALON, client) if m.kind == "winback_bonus"]
    assert message.purpose == "marketing" and message.values["amount"] == 500
    assert message.values["offer"] == "Маникюр со скидкой 10 % "
    lots = loyalty_store.lots(SALON, client)
    assert [(lot.amount, lot.source) for lot in lots] == [(500, "invitation")]
    (entry,) = [
        e
        for e in trail(SALON, clock_at - timedelta(days=1), clock_at + timedelta(days=1))
        if e.action == "client.invited"
    ]
    assert entry.client_id == client and entry.detail["bonus_amount"] == 500

    # the same key for another invitation is refused; without a bonus the plain win-back text goes
    other = admin.post(url, {**body, "bonus_amount": 900}, headers={"Idempotency-Key": "invite-olga-1"})
    assert (other.status, other.json["error"]["code"]) == (409, "idempotency_key_reused")
    plain = admin.post(url, {}, headers={"Idempotency-Key": "invite-olga-2"})
    assert plain.status == 201 and plain.json["kind"] == "winback" and plain.json["bonus_amount"] == 0
    assert len(loyalty_store.lots(SALON, client)) == 1


def test_an_invitation_is_refused_where_it_may_not_go_and_changes_nothing(admin, clock_at):
    silent = _client(admin, "+49 170 5557002", False)
    key = {"Idempotency-Key": "invite-refused-1"}
    refused = admin.post(f"/v1/admin/clients/{silent}/invitations", {"bonus_amount": 500}, headers=key)
    assert (refused.status, refused.json["error"]["code"]) == (409, "no_marketing_consent")
    assert outbox.for_client(SALON, silent) == [] and loyalty_store.lots(SALON, silent) == []

    bad = admin.post(
        f"/v1/admin/clients/{silent}/invitations", {"bonus_amount": -1, "bonus_lifetime_days": 0}, headers=key
    )
    assert bad.status == 422
    assert {f["field"] for f in bad.json["error"]["fields"]} >= {"bonus_amount", "bonus_lifetime_days"}

    # another salon's admin cannot invite, nor open a task about, this salon's client
    client = _client(admin, "+49 170 5557003", True)
    other = AdminApi("salon-b")
    assert other.post(f"/v1/admin/clients/{client}/invitations", {}, headers=key).status == 404
    assert other.post("/v1/admin/tasks", {"client_id": client, "summary": "call her"}).status == 404
    assert outbox.for_client(SALON, client) == []
    # a stylist may do neither
    stylist = AdminApi(SALON, email="anna@example.com", role="staff", staff_id="anna")
    assert stylist.post(f"/v1/admin/clients/{client}/invitations", {}, headers=key).status == 403
    # nor may anyone without a key, which keeps its retry from sending it twice
    keyless = admin.post(f"/v1/admin/clients/{client}/invitations", {"bonus_amount": 500})
    assert keyless.status == 422 and keyless.json["error"]["fields"][0]["field"] == "idempotency-key"
    assert outbox.for_client(SALON, client) == [] and loyalty_store.lots(SALON, client) == []


def test_a_call_to_make_is_opened_once_and_closed_with_a_note(admin):
    client = _client(admin, "+49 170 5557004", False)
    body = {"client_id": client, "summary": "Ask how the colour held up"}
    opened = admin.post("/v1/admin/tasks", body, headers={"Idempotency-Key": "call-olga-1"})
    assert opened.status == 201, opened.text
    assert admin.post("/v1/admin/tasks", body, headers={"Idempotency-Key": "call-olga-1"}).json == opened.json
    assert (opened.json["kind"], opened.json["status"], opened.json["summary"]) == (
        "call_back",
        "open",
        "Ask how the colour held up",
    )
    reused = admin.post(
        "/v1/admin/tasks", {**body, "summary": "Something else"}, headers={"Idempotency-Key": "call-olga-1"}
    )
    assert (reused.status, reused.json["error"]["code"]) == (409, "idempotency_key_reused")
    short = admin.post("/v1/admin/tasks", {"client_id": client, "summary": "  "})
    assert short.status == 422 and short.json["error"]["fields"][0]["field"] == "summary"
    unknown = admin.post("/v1/admin/tasks", {"client_id": "nobody", "summary": "call them"})
    assert unknown.status == 404
    tasks = admin.get("/v1/admin/tasks").json["tasks"]
    assert [t["id"] for t in tasks] == [opened.json["id"]]
    closed = admin.post(f"/v1/admin/tasks/{opened.json['id']}/close", {"note": "Called, all fine"})
    assert closed.json["status"] == "closed"
