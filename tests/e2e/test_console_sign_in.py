"""The console's sign-in in AWS: Cognito's managed login by the authorization code flow with PKCE.

Chromium drives the real console against the local runtime; the managed login domain is played at the
browser's network boundary (Playwright routes): it sends the browser back with a code, and its token
endpoint answers only to the verifier whose hash the console sent first. The ID token it returns is a
real one of the local issuer, so the console's API calls that follow are authorised as in AWS."""

from __future__ import annotations

import base64
import hashlib
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from e2e.test_browser import browser, page  # noqa: F401 - the browser fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("demo-runtime")]

DOMAIN = "https://regulars-test.auth.eu-central-1.amazoncognito.com"
CLIENT_ID = "console-client-id"


def test_in_aws_the_console_signs_in_through_managed_login_with_pkce(demo_runtime, page):  # noqa: F811
    issued = demo_runtime.token("demo")
    seen: dict[str, dict[str, list[str]]] = {}

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
        body = (
            {"id_token": issued, "access_token": "a", "token_type": "Bearer"}
            if ok
            else {"error": "invalid_grant"}
        )
        route.fulfill(
            status=200 if ok else 400,
            content_type="application/json",
            body=json.dumps(body),
            headers={"Access-Control-Allow-Origin": "*"},
        )

    page.route(
        "**/config.js",
        lambda route: route.fulfill(
            content_type="text/javascript",
            body=(
                f'window.REGULARS_SIGN_IN = {{ cognito: {{ domain: "{DOMAIN}", clientId: "{CLIENT_ID}" }} }};'
            ),
        ),
    )
    page.route(f"{DOMAIN}/oauth2/authorize?*", authorize)
    page.route(f"{DOMAIN}/oauth2/token", token)

    page.goto(f"{demo_runtime.base_url}/")
    assert page.is_visible("#sign-in") and not page.is_visible("#password")  # no password on this page
    page.click("#sign-in button[type=submit]")
    page.wait_for_selector("#app:not(.hidden)")
    assert page.inner_text("#salon") == "Studio Demo"

    asked = seen["authorize"]
    assert (asked["response_type"], asked["client_id"], asked["code_challenge_method"]) == (
        ["code"],
        [CLIENT_ID],
        ["S256"],
    )
    assert asked["redirect_uri"] == [f"{demo_runtime.base_url}/"] and asked["scope"] == ["openid email"]
    assert seen["token"]["grant_type"] == ["authorization_code"]
    assert "code=" not in page.url  # the code does not stay in the address bar or the history
    assert page.evaluate("sessionStorage.getItem('regulars.token')") == issued
    assert page.evaluate("sessionStorage.getItem('regulars.pkce')") is None
