"""The local OpenID Connect provider (the console's sign-in, as Cognito's managed login in AWS): the
authorization code flow with PKCE over HTTP against the runtime, as oidc-client-ts drives it."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import uuid
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from regulars_local.auth import CLIENT_ID

pytestmark = pytest.mark.xdist_group("runtime")

PASSWORD = "local-test-password"


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authority(runtime) -> str:
    return f"{runtime.base_url}/local/oidc"


def authorize(runtime, challenge: str, headers=None, **overrides):
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": f"{runtime.base_url}/",
        "scope": "openid email",
        "state": "the-state",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
        **overrides,
    }
    params = {k: v for k, v in params.items() if v is not None}
    return runtime.get(f"/local/oidc/authorize?{urlencode(params)}", headers=headers, allow_redirects=False)


def pending(page) -> str:
    assert page.status_code == 200, page.text
    return re.search(r'name="request" value="([^"]+)"', page.text).group(1)


def post_form(runtime, fields: dict[str, str], headers=None):
    return runtime.post("/local/oidc/authorize", data=fields, headers=headers, allow_redirects=False)


def query(response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    return {k: v[0] for k, v in parse_qs(urlsplit(response.headers["Location"]).query).items()}


def code_for(runtime, email: str, password: str, challenge: str, **overrides) -> str:
    page = authorize(runtime, challenge, **overrides)
    as_a_browser = {"Origin": runtime.base_url, "Sec-Fetch-Site": "same-origin"}  # the page sends it
    answer = post_form(
        runtime, {"request": pending(page), "email": email, "password": password}, as_a_browser
    )
    back = query(answer)
    assert back["state"] == overrides.get("state", "the-state")
    return back["code"]


def redeem(runtime, code: str, verifier: str, **overrides):
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": f"{runtime.base_url}/",
        "client_id": CLIENT_ID,
        "code_verifier": verifier,
        **overrides,
    }
    return runtime.post("/local/oidc/token", data=form)


def user(runtime, role: str = "owner") -> str:
    email = f"{role}-{uuid.uuid4().hex[:8]}@salon-oidc.test"
    added = runtime.post(
        "/local/auth/users",
        json={"email": email, "password": PASSWORD, "salon_id": "salon-oidc", "role": role},
    )
    assert added.status_code == 201, added.text
    return email


def test_the_discovery_document_names_the_issuer_of_the_tokens_the_api_accepts(runtime):
    metadata = runtime.get("/local/oidc/.well-known/openid-configuration").json()
    base = authority(runtime)
    assert metadata["issuer"] == base
    assert metadata["authorization_endpoint"] == f"{base}/authorize"
    assert metadata["token_endpoint"] == f"{base}/token"
    assert metadata["jwks_uri"] == f"{base}/jwks"
    assert metadata["end_session_endpoint"] == f"{base}/logout"
    assert metadata["response_types_supported"] == ["code"]
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert set(metadata["grant_types_supported"]) == {"authorization_code", "refresh_token"}
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256"]
    assert {"openid", "email"} <= set(metadata["scopes_supported"])
    # the password endpoint's tokens have the same issuer, and verify with the provider's keys
    token = runtime.post("/local/auth/token", json={"email": user(runtime), "password": PASSWORD}).json()
    (key,) = runtime.get("/local/oidc/jwks").json()["keys"]
    claims = jwt.decode(
        token["id_token"], jwt.PyJWK(key).key, algorithms=["RS256"], audience=CLIENT_ID, issuer=base
    )
    assert claims["token_use"] == "id"


def test_the_code_flow_with_pkce_signs_in_to_the_admin_api(runtime):
    email = user(runtime, "manager")
    verifier, challenge = pkce()
    code = code_for(runtime, email, PASSWORD, challenge, nonce="the-nonce")
    answer = redeem(runtime, code, verifier)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Cache-Control"] == "no-store"
    tokens = answer.json()
    assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 3600
    assert tokens["refresh_token"]
    claims = jwt.decode(tokens["id_token"], options={"verify_signature": False})
    assert (claims["iss"], claims["aud"], claims["nonce"]) == (authority(runtime), CLIENT_ID, "the-nonce")
    me = runtime.get("/v1/admin/me", token=tokens["id_token"])
    assert me.status_code == 200, me.text
    assert (me.json()["email"], me.json()["salon_id"], me.json()["role"]) == (email, "salon-oidc", "manager")
    # the access token is Cognito's kind: the API's authorizer takes ID tokens only
    assert jwt.decode(tokens["access_token"], options={"verify_signature": False})["token_use"] == "access"
    assert runtime.get("/v1/admin/me", token=tokens["access_token"]).status_code == 401
    # a code is good once
    again = redeem(runtime, code, verifier)
    assert (again.status_code, again.json()["error"]) == (400, "invalid_grant")


def test_a_code_needs_its_own_verifier_client_and_redirect_uri(runtime):
    email = user(runtime)
    verifier, challenge = pkce()
    for wrong in (
        {"code_verifier": pkce()[0]},
        {"redirect_uri": f"{runtime.base_url}/other"},
    ):
        code = code_for(runtime, email, PASSWORD, challenge)
        refused = redeem(runtime, code, verifier, **wrong)
        assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant"), wrong
        # and the code is spent: the right verifier cannot use it afterwards
        assert redeem(runtime, code, verifier).json()["error"] == "invalid_grant"
    code = code_for(runtime, email, PASSWORD, challenge)
    other_client = redeem(runtime, code, verifier, client_id="someone-else")
    assert (other_client.status_code, other_client.json()["error"]) == (401, "invalid_client")
    assert redeem(runtime, code, verifier, code_verifier="short").json()["error"] == "invalid_request"
    assert redeem(runtime, code, verifier).status_code == 200
    not_a_form = runtime.post("/local/oidc/token", json={"grant_type": "authorization_code"})
    assert (not_a_form.status_code, not_a_form.json()["error"]) == (400, "invalid_request")


def test_the_authorization_request_is_refused_without_a_redirect_to_another_origin(runtime):
    _, challenge = pkce()
    for foreign in ("https://evil.example/", "http://127.0.0.1:1/", "//evil.example/", "javascript:alert(1)"):
        page = authorize(runtime, challenge, redirect_uri=foreign)
        assert page.status_code == 400 and "Location" not in page.headers, foreign
        assert "redirect_uri" in page.text
    unknown_client = authorize(runtime, challenge, client_id="someone-else")
    assert unknown_client.status_code == 400 and "Location" not in unknown_client.headers
    # with the client and the redirect known, other errors go back to the console, with its state
    for broken, error in (
        ({"code_challenge": None}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "email"}, "invalid_scope"),
        ({"prompt": "none"}, "login_required"),
    ):
        back = query(authorize(runtime, challenge, **broken))
        assert (back["error"], back["state"]) == (error, "the-state"), broken


def test_the_page_is_accessible_and_refuses_a_form_from_another_site(runtime):
    _, challenge = pkce()
    page = authorize(runtime, challenge)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    # a browser names the form's origin only if the page's referrer policy lets it (no-referrer: "null")
    assert page.headers["Referrer-Policy"] == "same-origin"
    html = page.text
    assert '<html lang="en">' in html and 'name="viewport"' in html and ":focus-visible" in html
    assert '<label for="email">' in html and '<label for="password">' in html
    assert not re.search(r"(src|href)=\"https?:", html)  # nothing from elsewhere
    forged = post_form(
        runtime,
        {"request": pending(page), "email": "owner@demo.regulars.local", "password": "demo-password"},
        headers={"Origin": "https://evil.example"},
    )
    assert forged.status_code == 403 and "Location" not in forged.headers
    expired = post_form(runtime, {"request": "no-such-request", "email": "a@b.c", "password": "x"})
    assert expired.status_code == 400


def test_a_wrong_password_and_an_unknown_user_get_the_same_words_beside_the_password(runtime):
    email = user(runtime)
    _, challenge = pkce()
    answers = []
    for who, password in ((email, "not-the-password"), ("nobody-here@salon-oidc.test", PASSWORD)):
        page = authorize(runtime, challenge)
        answer = post_form(runtime, {"request": pending(page), "email": who, "password": password})
        assert answer.status_code == 200 and "Location" not in answer.headers
        error = re.search(r'<p class="error" id="password-error">([^<]+)</p>', answer.text).group(1)
        assert 'aria-describedby="password-error"' in answer.text and 'aria-invalid="true"' in answer.text
        assert f'value="{who}"' in answer.text
        answers.append(error)
    assert answers[0] == answers[1] == "The e-mail or password is incorrect."
    page = authorize(runtime, challenge)
    empty = post_form(runtime, {"request": pending(page), "email": "", "password": ""})
    assert "Enter your e-mail address." in empty.text and "Enter your password." in empty.text


@pytest.mark.parametrize(
    ("how", "lang", "label", "incorrect"),
    [
        ({"lang": "ru"}, "ru", "Электронная почта", "Неверный адрес электронной почты или пароль."),
        (
            {"ui_locales": "es-ES en"},
            "es",
            "Correo electrónico",
            "El correo electrónico o la contraseña no son correctos.",
        ),
        ({"headers": {"Accept-Language": "de;q=1, ru;q=0.8, en;q=0.5"}}, "ru", "Пароль", "Неверный"),
    ],
)
def test_the_form_speaks_russian_and_spanish(runtime, how, lang, label, incorrect):
    _, challenge = pkce()
    page = authorize(runtime, challenge, **how)
    assert f'<html lang="{lang}">' in page.text and label in page.text
    answer = post_form(
        runtime, {"request": pending(page), "email": user(runtime), "password": "wrong-password"}
    )
    assert f'<html lang="{lang}">' in answer.text and incorrect in answer.text


def test_an_invited_user_chooses_a_new_password_before_the_code(runtime):
    owner = runtime.token("salon-oidc-team")
    email = f"desk-{uuid.uuid4().hex[:8]}@salon-oidc-team.test"
    invited = runtime.post("/v1/admin/team", token=owner, json={"email": email, "role": "reception"})
    assert invited.status_code == 201, invited.text
    (invitation,) = [
        i for i in runtime.get("/local/auth/mailbox").json()["invitations"] if i["email"] == email
    ]
    verifier, challenge = pkce()
    page = authorize(runtime, challenge, lang="es")
    key = pending(page)
    asked = post_form(runtime, {"request": key, "email": email, "password": invitation["temporary_password"]})
    assert asked.status_code == 200 and "Elige una contraseña nueva" in asked.text
    assert 'autocomplete="new-password"' in asked.text and "Al menos 12 caracteres" in asked.text
    assert invitation["temporary_password"] not in asked.text  # kept on the server, not in the page
    mismatch = post_form(
        runtime, {"request": key, "new_password": "a-long-new-password", "new_password_again": "x"}
    )
    assert "Las dos contraseñas no coinciden." in mismatch.text
    short = post_form(runtime, {"request": key, "new_password": "short", "new_password_again": "short"})
    assert re.search(r'<p class="error" id="new_password-error">Al menos 12 caracteres', short.text)
    done = post_form(
        runtime,
        {
            "request": key,
            "new_password": "the-desks-new-password",
            "new_password_again": "the-desks-new-password",
        },
    )
    tokens = redeem(runtime, query(done)["code"], verifier).json()
    me = runtime.get("/v1/admin/me", token=tokens["id_token"]).json()
    assert (me["email"], me["role"], me["user_id"]) == (email, "reception", invited.json()["user_id"])
    # the new password is theirs now
    assert code_for(runtime, email, "the-desks-new-password", challenge)


def test_the_refresh_grant_gives_new_tokens_of_the_same_sign_in(runtime):
    email = user(runtime, "reception")
    verifier, challenge = pkce()
    first = redeem(runtime, code_for(runtime, email, PASSWORD, challenge), verifier).json()
    form = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"], "client_id": CLIENT_ID}
    answer = runtime.post("/local/oidc/token", data=form)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Cache-Control"] == "no-store"
    renewed = answer.json()
    assert renewed["id_token"] != first["id_token"] and renewed["access_token"]
    before, after = (
        jwt.decode(t, options={"verify_signature": False}) for t in (first["id_token"], renewed["id_token"])
    )
    assert (after["sub"], after["auth_time"]) == (
        before["sub"],
        before["auth_time"],
    )  # oidc-client-ts checks both
    assert runtime.get("/v1/admin/me", token=renewed["id_token"]).json()["role"] == "reception"
    unknown = runtime.post("/local/oidc/token", data={**form, "refresh_token": "not-one"})
    assert (unknown.status_code, unknown.json()["error"]) == (400, "invalid_grant")
    other = runtime.post("/local/oidc/token", data={**form, "client_id": "someone-else"})
    assert other.json()["error"] == "invalid_client"
    unsupported = runtime.post("/local/oidc/token", data={**form, "grant_type": "password"})
    assert unsupported.json()["error"] == "unsupported_grant_type"
    # revoked (as oidc-client-ts does on sign-out with revokeTokensOnSignout), it renews nothing
    revoked = runtime.post(
        "/local/oidc/revoke", data={"token": first["refresh_token"], "client_id": CLIENT_ID}
    )
    assert revoked.status_code == 200
    assert runtime.post("/local/oidc/token", data=form).json()["error"] == "invalid_grant"


def test_logout_sends_the_browser_back_to_this_origin_only(runtime):
    home = f"{runtime.base_url}/"

    def logout(**params):
        return runtime.get(f"/local/oidc/logout?{urlencode(params)}", allow_redirects=False)

    cognito_style = logout(client_id=CLIENT_ID, logout_uri=home)
    assert (cognito_style.status_code, cognito_style.headers["Location"]) == (302, home)
    oidc_style = logout(post_logout_redirect_uri=home, id_token_hint="a.b.c", state="s1")
    assert oidc_style.status_code == 302 and oidc_style.headers["Location"] == f"{home}?state=s1"
    for refused in (
        {"client_id": CLIENT_ID, "logout_uri": "https://evil.example/"},
        {"post_logout_redirect_uri": "https://evil.example/"},
        {"client_id": "someone-else", "logout_uri": home},
        {"logout_uri": home},  # managed login wants the client with it
    ):
        answer = logout(**refused)
        assert answer.status_code == 400 and "Location" not in answer.headers, refused
    assert logout().status_code == 200
