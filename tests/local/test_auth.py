import base64
import json
from datetime import UTC, datetime, timedelta

import boto3
import jwt
import pytest
from moto import mock_aws
from regulars_local.auth import (
    CLIENT_ID,
    CognitoAuthorizer,
    LocalIssuer,
    LocalSignIn,
    NewPasswordRequired,
    Unauthorized,
    UserStore,
    apigw_claims,
    bearer_token,
)
from regulars_local.emulator.aws import Clients, Stack, create_user_pool
from regulars_local.emulator.template import TEMPLATE, load

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
    assert claims["cognito:username"] == claims["sub"]  # a pool that signs in by e-mail names users by sub
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


@pytest.fixture
def pool():
    """The project template's user pool, created as the local runtime creates it, in moto (in-process)."""
    with mock_aws():
        stack = Stack(TEMPLATE, "us-east-1", "regulars-local")
        cognito = boto3.client("cognito-idp", region_name="us-east-1")
        props = stack.resolve(load(TEMPLATE)["Resources"]["UserPool"]["Properties"])
        create_user_pool(stack, Clients(sqs=None, sns=None, cognito=cognito), "UserPool", props)
        yield UserStore(cognito, stack.refs["UserPool"])


def test_the_pool_comes_from_the_template(pool):
    described = pool._cognito.describe_user_pool(UserPoolId=pool.pool_id)["UserPool"]
    assert described["Name"].startswith("regulars-") and described["UsernameAttributes"] == ["email"]
    assert described["Policies"]["PasswordPolicy"]["MinimumLength"] == 12
    assert {"custom:salon_id", "custom:role"} <= {a["Name"] for a in described["SchemaAttributes"]}
    assert pool.password_rule() == "at least 12 characters"


def test_users_sign_in_against_the_pool(pool, issuer):
    sign_in = LocalSignIn(issuer, pool)
    owner = sign_in.add_demo_owner()
    user = pool.add("Staff@Example.com", "a-long-password", "salon-9", "staff")
    assert user.email == "staff@example.com" and user.status == "CONFIRMED"
    answer = sign_in.token("STAFF@example.com", "a-long-password")
    claims = issuer.verify(answer["id_token"])
    assert answer["expires_in"] == 3600
    assert (claims["custom:salon_id"], claims["custom:role"], claims["sub"]) == ("salon-9", "staff", user.sub)
    assert claims["cognito:username"] == user.sub
    with pytest.raises(Unauthorized):
        sign_in.token("staff@example.com", "wrong-password")
    with pytest.raises(Unauthorized):
        sign_in.token("nobody@example.com", "a-long-password")
    assert pool.authenticate("owner@demo.regulars.local", "demo-password") == owner
    # adding the e-mail again gives it the role and the password, never another salon
    again = pool.add("staff@example.com", "another-long-password", "salon-9", "reception")
    assert (again.sub, again.role) == (user.sub, "reception")
    assert pool.authenticate("staff@example.com", "another-long-password").role == "reception"
    with pytest.raises(ValueError, match=r"^email: signs in to salon salon-9"):
        pool.add("staff@example.com", "another-long-password", "salon-10", "owner")


def test_an_invited_user_signs_in_with_the_mailboxs_temporary_password_and_a_new_one(pool, issuer):
    sign_in = LocalSignIn(issuer, pool)
    pool._cognito.admin_create_user(  # as the admin API invites: the pool "e-mails" a temporary password
        UserPoolId=pool.pool_id,
        Username="desk@example.com",
        DesiredDeliveryMediums=["EMAIL"],
        UserAttributes=[
            {"Name": "email", "Value": "desk@example.com"},
            {"Name": "custom:salon_id", "Value": "s1"},
            {"Name": "custom:role", "Value": "reception"},
        ],
    )
    (invitation,) = pool.mailbox()
    assert (invitation.email, invitation.salon_id, invitation.role) == ("desk@example.com", "s1", "reception")
    assert pool.mailbox() == [invitation]  # handed out once, the same until used
    with pytest.raises(NewPasswordRequired):
        sign_in.token("desk@example.com", invitation.temporary_password)
    with pytest.raises(ValueError, match=r"^new_password: at least 12 characters"):
        sign_in.token("desk@example.com", invitation.temporary_password, "short")
    answer = sign_in.token("desk@example.com", invitation.temporary_password, "my-own-long-password")
    claims = issuer.verify(answer["id_token"])
    assert (claims["custom:salon_id"], claims["custom:role"], claims["email"]) == (
        "s1",
        "reception",
        "desk@example.com",
    )
    assert pool.mailbox() == []
    assert sign_in.token("desk@example.com", "my-own-long-password")["id_token"]
    with pytest.raises(Unauthorized):
        sign_in.token("desk@example.com", invitation.temporary_password)


@pytest.mark.parametrize(
    ("email", "password", "salon_id", "role", "field"),
    [
        ("not-an-email", "a-long-password", "s", "owner", "email"),
        ("a@example.com", "short", "s", "owner", "password"),
        ("a@example.com", "a-long-password", "", "owner", "salon_id"),
        ("a@example.com", "a-long-password", "s", "admin", "role"),
        ("a@b", "a-long-password", "s", "owner", "email"),
    ],
)
def test_user_store_validates(pool, email, password, salon_id, role, field):
    with pytest.raises(ValueError, match=f"^{field}:"):
        pool.add(email, password, salon_id, role)
    assert pool.find(email) is None
