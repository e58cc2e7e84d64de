"""The team: an owner invites colleagues through the admin API (the user pool, played by moto, sends
the invitation), the invited user signs in with what the pool sent and can do what the role allows
and nothing else; role changes and removals hold from the next request and are in the audit trail."""

from __future__ import annotations

import sys

import pytest
from support import cognito as user_pools
from support.lambda_ import AdminApi
from support.salon import make_salon

pytestmark = pytest.mark.integration
cognito, pool = user_pools.cognito, user_pools.pool  # fixtures: a moto server, a fresh user pool per test

TUESDAY = "2026-11-24"


@pytest.fixture
def owner(table, clock_at, pool):
    make_salon("salon-a", clock_at)
    return AdminApi("salon-a", "owner@salon-a.example")


def join(pool, owner: AdminApi, email: str, role: str, **extra) -> AdminApi:
    """Invite ``email`` as ``role`` and sign in as them with the pool's invitation."""
    invited = owner.post("/v1/admin/team", {"email": email, "role": role, **extra})
    assert invited.status == 201, invited.text
    user = pool.accept_invitation(email.lower())
    assert (user.sub, user.role, user.salon_id) == (invited.json["user_id"], role, owner.salon_id)
    return AdminApi.with_claims(pool.claims(user))


def actions(owner: AdminApi) -> list[tuple[str, str]]:
    return [(e["action"], e["by"]) for e in owner.get("/v1/admin/audit").json["entries"]]


def test_an_invited_reception_user_works_the_desk_and_nothing_more(owner, pool):
    desk = join(pool, owner, "Desk@Salon-A.example", "reception")
    me = desk.get("/v1/admin/me").json
    assert (me["salon_id"], me["email"], me["role"], me["staff_id"]) == (
        "salon-a",
        "desk@salon-a.example",
        "reception",
        None,
    )
    assert "appointments.complete" in me["operations"] and "clients.export" not in me["operations"]

    # the desk books a new client and checks the visit out
    visit = desk.post(
        "/v1/admin/appointments",
        {
            "service_id": "haircut",
            "staff_id": "anna",
            "start": f"{TUESDAY}T10:00:00+01:00",
            "client": {"name": "Olga Ivanova", "phone": "+49 170 2220001"},
        },
    )
    assert visit.status == 201, visit.text
    client_id = visit.json["client_id"]
    owner.request("POST", "/v1/admin/appointments/" + visit.json["id"] + "/confirm")
    from regulars.core import clock

    saved = clock.offset()
    clock.advance(clock.now().replace(day=24, hour=11) - clock.now())  # Tuesday, after the visit
    try:
        done = desk.post(f"/v1/admin/appointments/{visit.json['id']}/complete", {"paid_amount": 4500})
    finally:
        clock.set_offset(saved)
    assert (done.status, done.json["status"]) == (200, "completed"), done.text

    # and cannot export, erase, adjust bonus or change settings: nothing happens
    refused = [
        desk.get(f"/v1/admin/clients/{client_id}/export"),
        desk.post(f"/v1/admin/clients/{client_id}/erase", {"reason": "asked"}),
        desk.post(
            f"/v1/admin/clients/{client_id}/loyalty/adjustments", {"amount": 10_000_000, "reason": "gift"}
        ),
        desk.patch("/v1/admin/salon", {"name": "Desk's salon"}),
        desk.patch("/v1/admin/services/haircut", {"price_amount": 1}),
        desk.post("/v1/admin/team", {"email": "friend@example.com", "role": "owner"}),
    ]
    assert [(r.status, r.json["error"]["code"]) for r in refused] == [(403, "forbidden")] * len(refused)
    assert owner.get(f"/v1/admin/clients/{client_id}").json["erased_at"] is None
    assert all(
        e["kind"] != "adjustment" and e["source"] != "manual"
        for e in owner.get(f"/v1/admin/clients/{client_id}/ledger").json["entries"]
    )
    assert owner.get("/v1/admin/salon").json["name"] == "Salon salon-a"
    assert pool.users.find("friend@example.com") is None
    assert actions(owner) == [("team.invited", "admin:owner@salon-a.example")]


def test_inviting_again_is_idempotent_and_an_email_of_another_salon_is_refused(owner, pool, clock_at):
    first = owner.post("/v1/admin/team", {"email": "maria@salon-a.example", "role": "manager"})
    again = owner.post("/v1/admin/team", {"email": "Maria@salon-a.example", "role": "manager"})
    assert (first.status, again.status) == (201, 200)
    assert again.json["user_id"] == first.json["user_id"]
    other_role = owner.post("/v1/admin/team", {"email": "maria@salon-a.example", "role": "reception"})
    assert (other_role.status, other_role.json["error"]["code"]) == (409, "member_exists")
    team = owner.get("/v1/admin/team").json["members"]
    assert sorted((m["email"], m["role"]) for m in team) == [
        ("maria@salon-a.example", "manager"),
        ("owner@salon-a.example", "owner"),
    ]
    make_salon("salon-b", clock_at)
    elsewhere = AdminApi("salon-b", "owner@salon-b.example").post(
        "/v1/admin/team", {"email": "maria@salon-a.example", "role": "owner"}
    )
    assert (elsewhere.status, elsewhere.json["error"]["code"]) == (409, "email_in_another_salon")
    assert pool.users.find("maria@salon-a.example").salon_id == "salon-a"
    assert AdminApi("salon-b").get("/v1/admin/team").json["members"][0]["email"] == "owner@example.com"
    assert len(actions(owner)) == 1


def test_a_staff_user_sees_only_their_own_book(owner, pool):
    for staff_id, hour in (("anna", "10"), ("marta", "11")):
        r = owner.post(
            "/v1/admin/appointments",
            {
                "service_id": "haircut",
                "staff_id": staff_id,
                "start": f"{TUESDAY}T{hour}:00:00+01:00",
                "client": {"name": f"Client of {staff_id}", "phone": f"+49 170 33300{hour}"},
            },
        )
        assert r.status == 201, r.text
    missing = owner.post("/v1/admin/team", {"email": "anna@salon-a.example", "role": "staff"})
    unknown = owner.post(
        "/v1/admin/team", {"email": "anna@salon-a.example", "role": "staff", "staff_id": "zoe"}
    )
    assert [r.json["error"]["fields"][0]["field"] for r in (missing, unknown)] == ["staff_id", "staff_id"]
    anna = join(pool, owner, "anna@salon-a.example", "staff", staff_id="anna")
    book = anna.get(f"/v1/admin/appointments?from={TUESDAY}&days=7")
    assert [a["staff_id"] for a in book.json["appointments"]] == ["anna"]
    everyone = owner.get(f"/v1/admin/appointments?from={TUESDAY}&days=7").json["appointments"]
    martas = next(a for a in everyone if a["staff_id"] == "marta")
    assert anna.get(f"/v1/admin/appointments?from={TUESDAY}&staff_id=marta").status == 403
    assert anna.get(f"/v1/admin/appointments/{martas['id']}").status == 403
    assert anna.post(f"/v1/admin/appointments/{martas['id']}/no-show").status == 403
    assert anna.get(f"/v1/admin/appointments/{book.json['appointments'][0]['id']}").status == 200
    assert anna.get(f"/v1/admin/clients/{martas['client_id']}").status == 403
    assert anna.get("/v1/admin/me").json["staff_id"] == "anna"


def test_a_role_change_holds_at_once_is_audited_and_the_last_owner_stays(owner, pool):
    maria = join(pool, owner, "maria@salon-a.example", "manager")
    assert maria.get("/v1/admin/loyalty").status == 200
    changed = owner.patch(f"/v1/admin/team/{maria.user_id}", {"role": "reception"})
    assert (changed.status, changed.json["role"]) == (200, "reception")
    assert maria.get("/v1/admin/loyalty").status == 403  # the same token: the member decides
    assert pool.users.find("maria@salon-a.example").role == "reception"  # the claim follows
    entry = owner.get("/v1/admin/audit").json["entries"][0]
    assert (entry["action"], entry["by"]) == ("team.role_changed", "admin:owner@salon-a.example")
    assert entry["detail"] == {
        "user_id": maria.user_id,
        "email": "maria@salon-a.example",
        "role": "reception",
        "previous": "manager",
    }

    for refused in (
        owner.patch(f"/v1/admin/team/{owner.user_id}", {"role": "manager"}),
        owner.delete(f"/v1/admin/team/{owner.user_id}"),
    ):
        assert (refused.status, refused.json["error"]["code"]) == (409, "last_owner")
    assert owner.patch(f"/v1/admin/team/{maria.user_id}", {"role": "owner"}).status == 200
    assert owner.patch(f"/v1/admin/team/{owner.user_id}", {"role": "manager"}).status == 200
    assert owner.get("/v1/admin/team").status == 403  # a manager now
    assert (
        maria.patch(f"/v1/admin/team/{maria.user_id}", {"role": "staff", "staff_id": "anna"}).json["error"][
            "code"
        ]
        == "last_owner"
    )


def test_a_removed_user_is_refused_from_the_next_request(owner, pool):
    desk = join(pool, owner, "desk@salon-a.example", "reception")
    assert desk.get("/v1/admin/clients").status == 200
    assert owner.delete(f"/v1/admin/team/{desk.user_id}").status == 204
    gone = desk.get("/v1/admin/clients")  # the ID token is still valid: the membership is not
    assert (gone.status, gone.json["error"]["code"]) == (403, "not_a_member")
    assert pool.users.find("desk@salon-a.example") is None  # signed out and deleted from the pool
    assert owner.delete(f"/v1/admin/team/{desk.user_id}").status == 404
    assert [a for a, _ in actions(owner)] == ["team.removed", "team.invited"]
    # the e-mail is free again: invited anew, it is a new user
    assert (
        owner.post("/v1/admin/team", {"email": "desk@salon-a.example", "role": "reception"}).json["user_id"]
        != desk.user_id
    )


def test_settings_bonus_and_campaign_changes_are_audited_with_who(owner, clock_at):
    client = owner.post("/v1/admin/clients", {"name": "Olga", "phone": "+49 170 4440001"}).json
    owner.patch("/v1/admin/salon", {"name": "Studio A", "settings": {"loyalty": {"enabled": False}}})
    owner.patch("/v1/admin/services/haircut", {"price_amount": 5000})
    owner.post("/v1/admin/staff", {"id": "zoe", "name": "Zoe"})
    owner.post(
        f"/v1/admin/clients/{client['id']}/loyalty/adjustments",
        {"amount": 500, "reason": "sorry"},
        headers={"Idempotency-Key": "adjust-once-1"},
    )
    owner.post(
        f"/v1/admin/clients/{client['id']}/loyalty/adjustments",
        {"amount": 500, "reason": "sorry"},
        headers={"Idempotency-Key": "adjust-once-1"},
    )  # a retry: audited once
    segment = owner.post("/v1/admin/segments", {"name": "Everyone", "filter": {}}).json
    campaign = owner.post(
        "/v1/admin/campaigns",
        {
            "name": "Hello",
            "segment_id": segment["id"],
            "messages": {"en": "Hello {name}"},
            "send_at": "2026-12-01T10:00:00",
        },
    )
    assert campaign.status == 201, campaign.text
    owner.post(f"/v1/admin/campaigns/{campaign.json['id']}/cancel")
    entries = {e["action"]: e for e in owner.get("/v1/admin/audit").json["entries"]}
    assert sorted(entries) == [
        "campaign.cancelled",
        "campaign.created",
        "loyalty.adjusted",
        "salon.updated",
        "segment.saved",
        "service.updated",
        "staff.created",
    ]
    assert {e["by"] for e in entries.values()} == {"admin:owner@salon-a.example"}
    assert entries["salon.updated"]["detail"]["fields"] == ["name", "settings"]
    assert entries["salon.updated"]["detail"]["settings"] == [
        "loyalty",
        "protection",
    ]  # given whole: the test salon's protection is back to the defaults
    assert entries["service.updated"]["detail"]["changes"] == {"price_amount": [4500, 5000]}
    assert entries["loyalty.adjusted"]["client_id"] == client["id"]
    assert entries["loyalty.adjusted"]["detail"]["amount"] == 500
    assert [e["action"] for e in owner.get("/v1/admin/audit").json["entries"]].count("loyalty.adjusted") == 1


def test_create_salon_invites_the_first_owner(table, pool, monkeypatch, capsys):
    import create_salon
    from regulars.team import service

    argv = [
        "create_salon.py",
        "--table",
        table,
        "--user-pool",
        pool.pool_id,
        "--id",
        "new-salon",
        "--name",
        "New",
        "--timezone",
        "Europe/Berlin",
        "--currency",
        "eur",
        "--country",
        "de",
        "--admin-email",
        "Boss@New.example",
    ]
    monkeypatch.setattr(sys, "argv", argv)
    create_salon.main()
    (owner,) = service.team("new-salon")
    assert (owner.email, owner.role.value, owner.added_by) == ("boss@new.example", "owner", "admin:setup")
    user = pool.accept_invitation("boss@new.example")
    assert (user.sub, user.salon_id, user.role) == (owner.user_id, "new-salon", "owner")
    me = AdminApi.with_claims(pool.claims(user)).get("/v1/admin/me").json
    assert (me["role"], me["salon_id"]) == ("owner", "new-salon")
    create_salon.main()  # run again: nothing changes
    assert "was on the team already" in capsys.readouterr().out
    assert [m.user_id for m in service.team("new-salon")] == [owner.user_id]
