"""The local runtime with the project's template: health, sign-in, the authorizer, gateway errors, controls."""

import base64
import json
import time
from pathlib import Path

import jwt
import pytest
from regulars_local.auth import CLIENT_ID, LocalIssuer

pytestmark = pytest.mark.xdist_group("runtime")

CONSOLE = Path(__file__).resolve().parents[2] / "console" / "dist"  # `make console` (make test builds it)


def error(response) -> dict:
    return response.json()["error"]


def invocations(runtime, function: str) -> int:
    return runtime.resources()["functions"][function]["invocations"]


def test_health(runtime):
    response = runtime.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["dynamodb"] in ("dynamodb-local", "moto")
    assert body["clock"].startswith("20")


def test_admin_route_without_a_token_is_401_and_the_function_is_not_called(runtime):
    before = invocations(runtime, "AdminApiFunction")
    response = runtime.get("/v1/admin/clients")
    assert response.status_code == 401
    assert error(response) == {"code": "unauthorized", "message": "Unauthorized", "fields": []}
    assert invocations(runtime, "AdminApiFunction") == before


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["custom:salon_id"] = "someone-elses-salon"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return ".".join([header, forged, signature])


def test_admin_route_with_a_bad_token_is_401(runtime):
    issuer = f"{runtime.base_url}/local/oidc"
    good = runtime.token("salon-bad-tokens")
    impostor = LocalIssuer(issuer).issue("salon-bad-tokens", "x@example.com")  # right claims, wrong key
    before = invocations(runtime, "AdminApiFunction")
    for token in ("not-a-jwt", _tampered(good), impostor):
        response = runtime.request("PATCH", "/v1/admin/clients/c1", token=token, json={})
        assert response.status_code == 401, token
        assert error(response)["code"] == "unauthorized"
    assert invocations(runtime, "AdminApiFunction") == before


def test_the_gateway_logs_each_call_also_after_the_functions_set_up_their_logging(runtime):
    runtime.get("/v1/salons/no-such-salon/catalog")  # the real function: it configures Powertools' Logger
    runtime.get("/v1/salons/no-such-salon-either/catalog")
    deadline = time.monotonic() + 10
    while "GET /v1/salons/no-such-salon-either/catalog -> " not in runtime.log():
        assert time.monotonic() < deadline, runtime.log()[-2000:]
        time.sleep(0.1)


def test_unknown_route_is_404_in_the_error_shape(runtime):
    for method, path in (
        ("GET", "/v1/nothing/here"),
        ("DELETE", "/v1/salons/s1/catalog"),
        ("GET", "/v1/admin"),
    ):
        response = runtime.request(method, path)
        assert response.status_code == 404, path
        assert response.headers["Content-Type"] == "application/json"
        body = error(response)
        assert body["code"] == "not_found"
        assert body["fields"] == []
        assert body["message"]


def test_cors_preflight_follows_the_template(runtime):
    response = runtime.request("OPTIONS", "/v1/salons/s1/catalog", headers={"Origin": "http://example.test"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]
    assert "PATCH" in response.headers["Access-Control-Allow-Methods"]


def test_sign_in_issues_tokens_that_verify_with_the_jwks(runtime):
    answer = runtime.post(
        "/local/auth/token", json={"email": "owner@demo.regulars.local", "password": "demo-password"}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["expires_in"] == 3600
    (key,) = runtime.get("/local/cognito/.well-known/jwks.json").json()["keys"]
    claims = jwt.decode(
        body["id_token"],
        jwt.PyJWK(key).key,
        algorithms=["RS256"],
        audience=CLIENT_ID,
        issuer=f"{runtime.base_url}/local/oidc",
    )
    assert claims["custom:salon_id"] == "demo"
    assert claims["custom:role"] == "owner"
    assert claims["token_use"] == "id"
    configuration = runtime.get("/local/cognito/.well-known/openid-configuration").json()
    assert configuration["issuer"] == f"{runtime.base_url}/local/oidc"


def test_sign_in_refuses_wrong_passwords_and_invalid_users(runtime):
    wrong = runtime.post("/local/auth/token", json={"email": "owner@demo.regulars.local", "password": "nope"})
    assert wrong.status_code == 401
    assert error(wrong)["code"] == "unauthorized"
    invalid = runtime.post(
        "/local/auth/users", json={"email": "a@example.com", "password": "short", "salon_id": "s"}
    )
    assert invalid.status_code == 400
    assert error(invalid)["fields"] == [{"field": "password", "reason": "at least 12 characters"}]
    assert runtime.post("/local/auth/token", data="not json").status_code == 400
    assert runtime.get("/local/auth/token").status_code == 405


def test_added_users_sign_in_with_their_salon_and_role(runtime):
    token = runtime.token("salon-added", "staff@salon-added.test", role="staff")
    claims = jwt.decode(token, options={"verify_signature": False})
    assert (claims["custom:salon_id"], claims["custom:role"], claims["email"]) == (
        "salon-added",
        "staff",
        "staff@salon-added.test",
    )


def test_clock_moves_forward_only(runtime):
    before = runtime.get("/local/clock").json()
    moved = runtime.post("/local/clock", json={"advance": "PT2H"})
    assert moved.status_code == 200
    assert moved.json()["offset_seconds"] == pytest.approx(before["offset_seconds"] + 7200)
    assert moved.json()["now"] > before["now"]
    assert runtime.advance(30)["offset_seconds"] == pytest.approx(before["offset_seconds"] + 7200 + 1800)
    for body in ({"advance_minutes": -5}, {"advance": "P1Y"}, {}, {"advance_minutes": "soon"}):
        response = runtime.post("/local/clock", json=body)
        assert response.status_code == 400, body
        assert error(response)["code"] == "invalid_input"


def test_a_page_of_another_site_cannot_act_on_the_runtime_nor_reach_it_by_another_name(runtime):
    before = runtime.get("/local/clock").json()["offset_seconds"]
    foreign = {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"}
    moved = runtime.post("/local/clock", json={"advance": "P1D"}, headers=foreign)
    added = runtime.post(
        "/local/auth/users",
        json={"email": "mallory@evil.example", "password": "a-long-password-1", "salon_id": "demo"},
        headers=foreign,
    )
    assert [(r.status_code, error(r)["code"]) for r in (moved, added)] == [(403, "cross_site")] * 2
    assert runtime.get("/local/clock").json()["offset_seconds"] == pytest.approx(before, abs=1)
    signed_in = runtime.post(
        "/local/auth/token", json={"email": "mallory@evil.example", "password": "a-long-password-1"}
    )
    assert signed_in.status_code == 401
    # an older browser names only the origin
    assert (
        runtime.post(
            "/local/clock", json={"advance": "P1D"}, headers={"Origin": "https://evil.example"}
        ).status_code
        == 403
    )
    # the console opened at localhost signs in at the discovery document's 127.0.0.1: its own loopback
    # name, another site to the browser; the sign-in's routes answer it (here: not a form, 400)
    port = runtime.base_url.rsplit(":", 1)[1]
    console = {"Origin": f"http://localhost:{port}", "Sec-Fetch-Site": "cross-site"}
    assert runtime.post("/local/oidc/token", json={}, headers=console).status_code == 400
    # the runtime's own pages (the phone view) and scripts (no browser: no Sec-Fetch-Site) may
    assert runtime.post(
        "/local/clock", json={"advance": "PT1M"}, headers={"Sec-Fetch-Site": "same-origin"}
    ).ok
    # a name made to resolve to 127.0.0.1 (DNS rebinding) is not one of the runtime's
    rebound = runtime.get("/local/clock", headers={"Host": f"evil.example:{port}"})
    assert (rebound.status_code, error(rebound)["code"]) == (403, "unknown_host")
    assert runtime.get("/health", headers={"Host": f"localhost:{port}"}).status_code == 200


def test_phone_and_drain(runtime):
    assert runtime.get("/local/phone").json() == {"messages": []}
    counts = runtime.drain()
    assert set(counts) >= {"records", "delivered", "failed", "filtered"}


def test_swagger_ui_is_served_locally(runtime):
    page = runtime.get("/docs")
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    assert "/docs/swagger-ui-bundle.js" in page.text and "/openapi.json" in page.text
    bundle = runtime.get("/docs/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    assert bundle.headers["Content-Type"].startswith("text/javascript")
    assert runtime.get("/docs/swagger-ui.css").headers["Content-Type"].startswith("text/css")
    assert runtime.get("/docs/../package.json").status_code == 404


def test_openapi_document(runtime):
    response = runtime.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["paths"]


def test_the_console_and_the_client_pages_are_served(runtime):
    page = runtime.get("/")
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    assert page.content == (CONSOLE / "index.html").read_bytes()
    # the console's own routes are its page (the browser routes them), as CloudFront answers in AWS
    assert runtime.get("/clients/01abc").content == page.content
    for asset in sorted((CONSOLE / "assets").glob("*.js"))[:1]:
        served = runtime.get(f"/assets/{asset.name}")
        assert served.headers["Content-Type"].startswith("text/javascript")
    assert runtime.get("/config.js").headers["Content-Type"].startswith("text/javascript")
    # the client's pages, built from web/ beside the console, at the same URLs; embed.js as a classic script
    booking = runtime.get("/book.html")
    assert booking.status_code == 200 and booking.content == (CONSOLE / "book.html").read_bytes()
    assert b"/assets/book-" in booking.content
    assert runtime.get("/embed.js").headers["Content-Type"].startswith("text/javascript")
    assert runtime.get("/no-such-file.css").status_code == 404
    assert runtime.get("/v1/no-such-route").headers["Content-Type"].startswith("application/json")
