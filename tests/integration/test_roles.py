"""Roles: every admin route, for every role, is refused exactly where the policy table says so, and
before the route reads its input; a user the salon's team does not hold reaches nothing."""

from __future__ import annotations

import re

import pytest
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router
from regulars.app import http as apps
from regulars.http.auth import operation
from regulars.team.policy import OPERATIONS, Role, allows
from support import cognito as user_pools
from support.lambda_ import AdminApi, api_event
from support.salon import make_salon

pytestmark = pytest.mark.integration
cognito, pool = user_pools.cognito, user_pools.pool  # fixtures: a moto server, a fresh user pool per test


def admin_routes() -> list[tuple[str, str, str | None]]:
    """(method, path, operation) of every route the admin function serves, as its resolver has them."""
    app = apps.admin_app()
    assert isinstance(app, apps.AdminResolver)
    return app.declarations()


def test_the_matrix_covers_every_admin_operation_of_the_api_document():
    served = {(method, re.sub(r"<(\w+)>", r"{\1}", path)) for method, path, _ in admin_routes()}
    documented = {
        (method.upper(), path)
        for path, item in apps.openapi_document()["paths"].items()
        if path.startswith("/v1/admin/")
        for method in item
    }
    assert served == documented
    assert len(served) >= 50


def _url(path: str) -> str:
    return re.sub(r"<\w+>", "x", path)


def _call(api: AdminApi, method: str, path: str):
    return api.request(method, _url(path), body={} if method in ("POST", "PUT", "PATCH") else None)


def test_every_role_is_refused_exactly_what_the_table_refuses(table, clock_at, pool):
    make_salon("salon-a", clock_at)
    callers = {
        role: AdminApi(
            "salon-a",
            f"{role.value}@salon-a.example",
            role.value,
            staff_id="anna" if role is Role.STAFF else None,
        )
        for role in Role
    }
    wrong = []
    for method, path, op in admin_routes():
        for role, api in callers.items():
            r = _call(api, method, path)
            refused = r.status == 403
            if refused != (not allows(role, op)) or r.status >= 500:
                wrong.append((role.value, method, path, op, r.status, r.text[:200]))
            elif refused:
                assert r.json["error"]["code"] == "forbidden" and r.json["error"]["fields"] == []
    assert wrong == []


def test_a_user_the_team_does_not_hold_reaches_nothing(table, clock_at, pool):
    make_salon("salon-a", clock_at)
    outsider = AdminApi("salon-a", "gone@salon-a.example", "owner", member=False)  # a valid token, no member
    for method, path, _ in admin_routes():
        r = _call(outsider, method, path)
        assert (r.status, r.json["error"]["code"]) == (403, "not_a_member"), (method, path, r.text)
    nobody = AdminApi(None)
    assert {_call(nobody, m, p).status for m, p, _ in admin_routes()} == {401}


def test_the_desk_and_staff_never_export_erase_adjust_bonus_or_change_settings():
    for role in (Role.RECEPTION, Role.STAFF):
        for op in (
            "clients.export",
            "clients.erase",
            "loyalty.adjust",
            "salon.update",
            "services.update",
            "staff.update",
            "campaigns.create",
            "segments.save",
            "audit.read",
            "team.invite",
        ):
            assert not allows(role, op), (role, op)
    assert not allows(Role.MANAGER, "clients.erase") and not allows(Role.MANAGER, "team.change_role")
    assert all(allows(Role.OWNER, op) for op in OPERATIONS)


def test_a_route_that_declares_no_known_operation_is_refused_to_everyone(table, clock_at):
    """Deny by default: a route added without an operation, or with one the table lacks, is 403 even
    for the owner; a path that is no route stays a 404."""
    make_salon("salon-a", clock_at)
    owner = AdminApi("salon-a")
    owner.get("/v1/admin/me")  # on the team
    router = Router()

    @router.get("/v1/admin/forgotten")
    def forgotten() -> dict:
        return {"reached": True}

    @router.get("/v1/admin/unknown")
    @operation("clients.teleport")
    def unknown() -> dict:
        return {"reached": True}

    @router.get("/v1/admin/known")
    @operation("salon.read")
    def known() -> dict:
        return {"reached": True}

    app = apps._resolver(apps.AdminResolver)
    app.include_router(router)
    assert isinstance(app, APIGatewayRestResolver)

    def status(path: str) -> int:
        event = api_event(
            "GET", path, resource="/v1/admin/{proxy+}", path_params={"proxy": path[10:]}, claims=owner.claims
        )
        return app.resolve(event, None)["statusCode"]

    assert (status("/v1/admin/forgotten"), status("/v1/admin/unknown"), status("/v1/admin/known")) == (
        403,
        403,
        200,
    )
    assert status("/v1/admin/nothing-here") == 404


def test_a_refused_caller_learns_nothing_of_the_input_and_changes_nothing(table, clock_at, pool):
    make_salon("salon-a", clock_at)
    owner = AdminApi("salon-a")
    client = owner.post("/v1/admin/clients", {"name": "Olga", "phone": "+49 170 1110001"}).json
    desk = AdminApi("salon-a", "desk@salon-a.example", "reception")
    bad = desk.post(f"/v1/admin/clients/{client['id']}/loyalty/adjustments", {"amount": "lots", "extra": 1})
    assert (bad.status, bad.json["error"]["code"]) == (403, "forbidden")
    good = desk.post(
        f"/v1/admin/clients/{client['id']}/loyalty/adjustments", {"amount": 10_000_000, "reason": "x"}
    )
    assert good.status == 403
    assert owner.get(f"/v1/admin/clients/{client['id']}/ledger").json["entries"] == []
    assert owner.get("/v1/admin/audit").json["entries"] == []
