import base64
import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from regulars_local.auth import (
    CLIENT_ID,
    CognitoAuthorizer,
    LocalIssuer,
    LocalSignIn,
    Unauthorized,
    UserStore,
    apigw_claims,
    bearer_token,
)

ISSUER = "http://127.0.0.1:3000/local/cognito"


@pytest.fixture(scope="module")
def issuer() -> LocalIssuer:
    return LocalIssuer(ISSUER)


def test_issued_tokens_have_cognitos_id_token_claims(issuer):
    claims = issuer.verify(issuer.issue("demo", "owner@demo.regulars.local", "owner"))
    assert claims["iss"] == ISSUER
    assert claims["aud"] == CLIENT_ID
    assert claims["token_use"] == "id"
    assert claims["email"] == "owner@demo.regulars.local"
    assert claims["cognito:username"] == "owner@demo.regulars.local"
    assert claims["custom:salon_id"] == "demo"
    assert claims["custom:role"] == "owner"
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["auth_time"] == claims["iat"]
    assert claims["sub"]
    header = jwt.get_unverified_header(issuer.issue("demo", "a@b.c"))
    assert header["alg"] == "RS256" and header["kid"] == issuer.kid


def _segments(token: str) -> list[str]:
    return token.split(".")


def _encode(part: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()


def test_a_tampered_payload_is_rejected(issuer):
    header, payload, signature = _segments(issuer.issue("salon-a", "a@b.c"))
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["custom:salon_id"] = "salon-b"
    with pytest.raises(Unauthorized):
        issuer.verify(".".join([header, _encode(claims), signature]))


def test_an_expired_token_is_rejected(issuer):
    token = issuer.issue("s", "a@b.c", ttl=timedelta(minutes=5), now=datetime.now(UTC) - timedelta(hours=1))
    with pytest.raises(Unauthorized, match="expired"):
        issuer.verify(token)


def test_a_token_for_another_audience_or_issuer_is_rejected(issuer):
    other_audience = LocalIssuer(ISSUER, audience="another-client")
    with pytest.raises(Unauthorized):
        other_audience.verify(issuer.issue("s", "a@b.c"))
    other_issuer = LocalIssuer("http://127.0.0.1:9999/local/cognito")
    with pytest.raises(Unauthorized):
        issuer.verify(other_issuer.issue("s", "a@b.c"))


def test_a_token_signed_by_another_key_is_rejected(issuer):
    impostor = LocalIssuer(ISSUER)  # same issuer and audience, its own key
    with pytest.raises(Unauthorized):
        issuer.verify(impostor.issue("s", "a@b.c"))


def test_symmetric_and_unsigned_tokens_are_rejected(issuer):
    claims = {"iss": ISSUER, "aud": CLIENT_ID, "token_use": "id", "sub": "x", "iat": 1, "exp": 4_102_444_800}
    for token in (
        jwt.encode(
            claims, "a-shared-secret-of-at-least-32-bytes!", algorithm="HS256", headers={"kid": issuer.kid}
        ),
        jwt.encode(claims, None, algorithm="none", headers={"kid": issuer.kid}),
    ):
        with pytest.raises(Unauthorized):
            issuer.verify(token)


def test_an_access_token_is_not_an_id_token(issuer):
    token = jwt.encode(
        {"iss": ISSUER, "aud": CLIENT_ID, "token_use": "access", "sub": "x", "iat": 1, "exp": 4_102_444_800},
        issuer._key,
        algorithm="RS256",
        headers={"kid": issuer.kid},
    )
    with pytest.raises(Unauthorized, match="ID token"):
        issuer.verify(token)


def test_jwks_verifies_the_tokens(issuer):
    (key,) = issuer.jwks()["keys"]
    assert key["kid"] == issuer.kid and key["alg"] == "RS256"
    public = jwt.PyJWK(key).key
    claims = jwt.decode(issuer.issue("s", "a@b.c"), public, algorithms=["RS256"], audience=CLIENT_ID)
    assert claims["custom:salon_id"] == "s"


def test_apigw_claims_are_strings_with_cognitos_date_format():
    claims = apigw_claims(
        {
            "sub": "u1",
            "email_verified": True,
            "exp": 1_767_225_600,
            "iat": 1_767_222_000,
            "auth_time": 1_767_222_000,
            "cognito:groups": ["a", "b"],
        }
    )
    assert claims == {
        "sub": "u1",
        "email_verified": "true",
        "exp": "Thu Jan 01 00:00:00 UTC 2026",
        "iat": "Wed Dec 31 23:00:00 UTC 2025",
        "auth_time": "1767222000",
        "cognito:groups": "a,b",
    }


def test_bearer_token_parsing():
    assert bearer_token({"Authorization": "Bearer abc"}) == "abc"
    assert bearer_token({"authorization": "bearer abc"}) == "abc"
    assert bearer_token({"Authorization": "abc"}) == "abc"  # as API Gateway accepts the raw token
    for headers in ({}, {"Authorization": ""}, {"Authorization": "Bearer  "}):
        with pytest.raises(Unauthorized):
            bearer_token(headers)


def test_authorizer_puts_string_claims_under_claims(issuer):
    context = CognitoAuthorizer(issuer)({"Authorization": f"Bearer {issuer.issue('s1', 'a@b.c', 'staff')}"})
    assert context["claims"]["custom:role"] == "staff"
    assert all(isinstance(v, str) for v in context["claims"].values())


def test_user_store_and_sign_in(tmp_path, issuer):
    path = tmp_path / "users.json"
    sign_in = LocalSignIn(issuer, UserStore(path))
    sign_in.add_demo_owner()
    user = sign_in.users.add("Staff@Example.com", "a-long-password", "salon-9", "staff")
    answer = sign_in.token("staff@example.com", "a-long-password")
    claims = issuer.verify(answer["id_token"])
    assert answer["expires_in"] == 3600
    assert (claims["custom:salon_id"], claims["custom:role"], claims["sub"]) == ("salon-9", "staff", user.sub)
    with pytest.raises(Unauthorized):
        sign_in.token("staff@example.com", "wrong-password")
    with pytest.raises(Unauthorized):
        sign_in.token("nobody@example.com", "a-long-password")
    assert "a-long-password" not in path.read_text()
    reloaded = UserStore(path)
    assert reloaded.authenticate("owner@demo.regulars.local", "demo-password").salon_id == "demo"


@pytest.mark.parametrize(
    ("email", "password", "salon_id", "field"),
    [
        ("not-an-email", "a-long-password", "s", "email"),
        ("a@b.c", "short", "s", "password"),
        ("a@b.c", "a-long-password", "", "salon_id"),
    ],
)
def test_user_store_validates(email, password, salon_id, field):
    with pytest.raises(ValueError, match=f"^{field}:"):
        UserStore().add(email, password, salon_id)
