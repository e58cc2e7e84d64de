"""The console's sign-in, by the authorization code flow with PKCE through oidc-client-ts.

Locally it goes through the local runtime's sign-in pages, as a person does (in the language they
chose). In AWS the authority is Cognito: its discovery document, managed login and token endpoint
are played at the browser's network boundary (Playwright routes) with Cognito's shapes (no
end_session_endpoint; /logout with client_id and logout_uri); the token endpoint answers only to the
verifier whose hash the console sent, with a real ID token of the local issuer, so the API calls that
follow are authorised as in AWS."""

from __future__ import annotations

import base64
import hashlib
import json
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo-runtime")]

REGION = "eu-central-1"
AUTHORITY = f"https://cognito-idp.{REGION}.amazonaws.com/{REGION}_TestPool"
DOMAIN = f"https://regulars-test.auth.{REGION}.amazoncognito.com"
CLIENT_ID = "console-client-id"


def test_locally_the_owner_signs_in_through_the_sign_in_pages_in_their_language(demo_runtime, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    page = context.new_page()
    page.goto(f"{demo_runtime.base_url}/")
    page.select_option("select[aria-label]", "ru")
    page.click("#sign-in")
    page.wait_for_url("**/local/oidc/authorize**")
    assert page.get_attribute("html", "lang") == "ru"
    page.fill("input[name=email]", "owner@demo.regulars.local")
    page.fill("input[name=password]", "wrong password")
    page.click("button[type=submit]")
    assert "Неверный адрес электронной почты или пароль." in page.inner_text("body")
    page.fill("input[name=password]", "demo-password")
    page.click("button[type=submit]")
    page.wait_for_selector("header.top")
    assert page.inner_text(".salon-name") == "Studio Demo"
    assert "code=" not in page.url  # the code does not stay in the address bar or the history
    assert page.get_attribute("html", "lang") == "ru"

    page.click("header.top button:has-text('Выйти')")
    page.wait_for_selector("#sign-in")
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('oidc.user'))") == []
    context.close()


def test_in_aws_the_console_signs_in_through_cognito_managed_login_with_pkce(demo_runtime, browser):
    issued = demo_runtime.token("demo")
    seen: dict[str, dict[str, list[str]]] = {}
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    home = f"{demo_runtime.base_url}/"

    def json_answer(route, body, status=200):
        route.fulfill(
            status=status,
            content_type="application/json",
            body=json.dumps(body),
            headers={"Access-Control-Allow-Origin": "*"},
        )

    def discovery(route):  # Cognito's: the managed login domain's endpoints, no end_session_endpoint
        json_answer(
            route,
            {
                "issuer": AUTHORITY,
                "authorization_endpoint": f"{DOMAIN}/oauth2/authorize",
                "token_endpoint": f"{DOMAIN}/oauth2/token",
                "userinfo_endpoint": f"{DOMAIN}/oauth2/userInfo",
                "jwks_uri": f"{AUTHORITY}/.well-known/jwks.json",
                "response_types_supported": ["code", "token"],
                "scopes_supported": ["openid", "email", "phone", "profile"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            },
        )

    def authorize(route):
        seen["authorize"] = query = parse_qs(urlsplit(route.request.url).query)
        # the user signs in there (password, then the TOTP code) and is sent back with a code
        route.fulfill(
            status=302,
            headers={"Location": f"{query['redirect_uri'][0]}?code=the-code&state={query['state'][0]}"},
        )

    def token(route):
        seen["token"] = form = parse_qs(route.request.post_data or "")
        verifier = form["code_verifier"][0].encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
        ok = challenge == seen["authorize"]["code_challenge"][0] and form["code"] == ["the-code"]
        body = {
            "id_token": issued,
            "access_token": "a",
            "refresh_token": "the-refresh-token",
            "token_type": "Bearer",
            "expires_in": 3600,
        }
        json_answer(route, body if ok else {"error": "invalid_grant"}, 200 if ok else 400)

    def logout(route):
        seen["logout"] = parse_qs(urlsplit(route.request.url).query)
        route.fulfill(status=302, headers={"Location": seen["logout"]["logout_uri"][0]})

    config = {"api": "", "auth": {"authority": AUTHORITY, "clientId": CLIENT_ID, "domain": DOMAIN}}
    page.route(
        "**/config.js",
        lambda route: route.fulfill(
            content_type="text/javascript", body=f"window.REGULARS_CONFIG = {json.dumps(config)};"
        ),
    )
    page.route(f"{AUTHORITY}/.well-known/openid-configuration", discovery)
    page.route(f"{DOMAIN}/oauth2/authorize?*", authorize)
    page.route(f"{DOMAIN}/oauth2/token", token)
    page.route(f"{DOMAIN}/logout?*", logout)

    def revoke(route):  # at sign-out, the refresh token is revoked
        seen["revoke"] = parse_qs(route.request.post_data or "")
        route.fulfill(status=200, headers={"Access-Control-Allow-Origin": "*"})

    page.route(f"{DOMAIN}/oauth2/revoke", revoke)

    page.goto(home)
    page.click("#sign-in")
    page.wait_for_selector("header.top")
    assert page.inner_text(".salon-name") == "Studio Demo"  # the API took the ID token
    asked = seen["authorize"]
    assert (asked["response_type"], asked["client_id"], asked["code_challenge_method"]) == (
        ["code"],
        [CLIENT_ID],
        ["S256"],
    )
    assert asked["redirect_uri"] == [home] and asked["scope"] == ["openid email"]
    assert seen["token"]["grant_type"] == ["authorization_code"]
    assert "code=" not in page.url

    page.click("header.top button.secondary")  # sign out: Cognito's /logout, then back home
    page.wait_for_selector("#sign-in")
    assert seen["logout"]["client_id"] == [CLIENT_ID] and seen["logout"]["logout_uri"] == [home]
    assert seen["revoke"]["token"] == ["the-refresh-token"] and seen["revoke"]["client_id"] == [CLIENT_ID]
    context.close()
