"""The local OpenID Connect provider in-process, on a clock of the test's: what only time shows (a
code's five minutes, a sign-in page's quarter of an hour) and the choice of language."""

from __future__ import annotations

import base64
import hashlib
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import boto3
import pytest
from moto import mock_aws
from regulars_local.auth import CLIENT_ID, LocalIssuer, LocalSignIn, UserStore
from regulars_local.auth.oidc import CODE_TTL, PAGE_TTL, OidcProvider
from regulars_local.auth.pages import choose_language, password_rule
from regulars_local.emulator.aws import Clients, Stack, create_user_pool
from regulars_local.emulator.gateway import Request
from regulars_local.emulator.template import TEMPLATE, load

BASE = "http://127.0.0.1:3000"
VERIFIER = "v" * 43
CHALLENGE = base64.urlsafe_b64encode(hashlib.sha256(VERIFIER.encode()).digest()).rstrip(b"=").decode()
HOST = [("Host", "127.0.0.1:3000")]


@pytest.fixture
def provider():
    with mock_aws():
        stack = Stack(TEMPLATE, "us-east-1", "regulars-local")
        cognito = boto3.client("cognito-idp", region_name="us-east-1")
        props = stack.resolve(load(TEMPLATE)["Resources"]["UserPool"]["Properties"])
        create_user_pool(stack, Clients(sqs=None, sns=None, cognito=cognito), "UserPool", props)
        users = UserStore(cognito, stack.refs["UserPool"])
        users.add("owner@example.com", "a-long-password", "salon-1")
        issuer = LocalIssuer(f"{BASE}/local/oidc")
        sign_in = LocalSignIn(issuer, users)
        clock = [1_800_000_000.0]
        oidc = OidcProvider(issuer, BASE, lambda: sign_in, now=lambda: clock[0])
        oidc.clock = clock  # the test moves it
        yield oidc


def page(provider) -> str:
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": f"{BASE}/",
        "scope": "openid email",
        "state": "s",
        "code_challenge": CHALLENGE,
        "code_challenge_method": "S256",
    }
    shown = provider.authorize(
        Request.from_target("GET", f"/local/oidc/authorize?{urlencode(params)}", headers=HOST)
    )
    return re.search(r'name="request" value="([^"]+)"', shown.body.decode()).group(1)


def sign_in(provider, key: str):
    form = urlencode({"request": key, "email": "owner@example.com", "password": "a-long-password"})
    return provider.answer(Request("POST", "/local/oidc/authorize", headers=HOST, body=form.encode()))


def redeem(provider, code: str):
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": f"{BASE}/",
        "client_id": CLIENT_ID,
        "code_verifier": VERIFIER,
    }
    headers = [("Content-Type", "application/x-www-form-urlencoded")]
    answer = provider.token(
        Request("POST", "/local/oidc/token", headers=headers, body=urlencode(form).encode())
    )
    return answer.status, answer.body.decode()


def code(answer) -> str:
    location = dict(answer.headers)["Location"]
    return parse_qs(urlsplit(location).query)["code"][0]


def test_a_code_expires_after_five_minutes(provider):
    fresh = code(sign_in(provider, page(provider)))
    late = code(sign_in(provider, page(provider)))
    provider.clock[0] += CODE_TTL - 1
    assert redeem(provider, fresh)[0] == 200
    provider.clock[0] += 2
    status, body = redeem(provider, late)
    assert status == 400 and '"invalid_grant"' in body and "expired" in body


def test_a_sign_in_page_left_open_too_long_has_to_start_again(provider):
    key = page(provider)
    provider.clock[0] += PAGE_TTL + 1
    answer = sign_in(provider, key)
    assert answer.status == 400 and "has expired" in answer.body.decode()


@pytest.mark.parametrize(
    ("lang", "ui_locales", "accept", "chosen"),
    [
        ("es", "ru", "ru", "es"),
        ("de", "fr ru-RU es", None, "ru"),
        (None, None, "fr-FR, es;q=0.4, ru;q=0.9", "ru"),
        (None, None, "ru;q=0, de", "en"),
        (None, None, None, "en"),
    ],
)
def test_the_language_follows_lang_then_ui_locales_then_accept_language(lang, ui_locales, accept, chosen):
    assert choose_language(lang, ui_locales, accept) == chosen


def test_the_password_rule_in_each_language():
    policy = {"MinimumLength": 10, "RequireUppercase": True, "RequireNumbers": True}
    assert password_rule(policy, "en") == "At least 10 characters, with an upper-case letter and a digit."
    assert password_rule(policy, "ru") == "Не менее 10 символов, в том числе заглавная буква и цифра."
    assert password_rule({"MinimumLength": 12}, "es") == "Al menos 12 caracteres."
