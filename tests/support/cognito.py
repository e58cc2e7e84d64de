"""The template's Cognito user pool in a moto server on loopback, for in-process tests of the team
(fixtures ``cognito`` and ``pool``: import them into the test module). The admin function reaches the
pool through ``USER_POOL_ID`` and ``AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`` as it reaches
Cognito in AWS, and the local sign-in (``UserStore``) signs users in against it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from regulars_local.auth import LocalIssuer, LocalUser, UserStore, apigw_claims
from regulars_local.emulator.aws import Clients, MotoServer, Stack, client, create_user_pool
from regulars_local.emulator.template import TEMPLATE, load

REGION = "us-east-1"


@dataclass
class Pool:
    cognito: Any
    pool_id: str
    users: UserStore  # the local sign-in on this pool: invitations' temporary passwords, new passwords
    issuer: LocalIssuer

    def claims(self, user: LocalUser) -> dict[str, str]:
        """What API Gateway's authorizer passes on for ``user``'s ID token."""
        token = self.issuer.issue(user.salon_id, user.email, user.role, sub=user.sub)
        return apigw_claims(self.issuer.verify(token))

    def accept_invitation(self, email: str, new_password: str = "a-new-long-password") -> LocalUser:
        """Sign in as the invited ``email`` with the temporary password the pool sent, choosing a new one."""
        (invitation,) = [i for i in self.users.mailbox() if i.email == email]
        return self.users.authenticate(email, invitation.temporary_password, new_password)


@pytest.fixture(scope="module")
def cognito() -> Iterator[str]:
    """A moto server (its endpoint) to create user pools in: one per test module."""
    server = MotoServer()
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture
def pool(cognito: str, monkeypatch: pytest.MonkeyPatch) -> Pool:
    """A fresh user pool from the template, which the admin function uses during the test."""
    stack = Stack(TEMPLATE, REGION, "regulars-test")
    client_ = client("cognito-idp", cognito, REGION)
    create_user_pool(
        stack,
        Clients(sqs=None, sns=None, cognito=client_),
        "UserPool",
        stack.resolve(load(TEMPLATE)["Resources"]["UserPool"]["Properties"]),
    )
    pool_id = stack.refs["UserPool"]
    monkeypatch.setenv("USER_POOL_ID", pool_id)
    monkeypatch.setenv("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER", cognito)
    return Pool(client_, pool_id, UserStore(client_, pool_id), LocalIssuer("http://127.0.0.1/local/cognito"))
