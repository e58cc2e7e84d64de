"""The template's Cognito user pool in a moto server on loopback, for in-process tests of the team:
the admin function reaches it through ``USER_POOL_ID`` and ``AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`` as it
reaches Cognito in AWS, and the local sign-in (``UserStore``) signs users in against it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from regulars_local.auth import LocalIssuer, LocalUser, UserStore, apigw_claims
from regulars_local.aws import Clients, MotoServer, Stack, client, create_user_pool
from regulars_local.template import TEMPLATE, load

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


@contextmanager
def cognito_server() -> Iterator[str]:
    """A moto server (its endpoint) to create user pools in: one per test module is enough."""
    server = MotoServer()
    try:
        yield server.start()
    finally:
        server.stop()


@contextmanager
def user_pool(endpoint: str) -> Iterator[Pool]:
    """A fresh user pool from the template in the moto server at ``endpoint``, which the admin function
    uses while the block runs."""
    saved = {name: os.environ.get(name) for name in ("USER_POOL_ID", "AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER")}
    stack = Stack(TEMPLATE, REGION, "regulars-test")
    cognito = client("cognito-idp", endpoint, REGION)
    create_user_pool(stack, Clients(sqs=None, sns=None, cognito=cognito), "UserPool",
                     stack.resolve(load(TEMPLATE)["Resources"]["UserPool"]["Properties"]))
    pool_id = stack.refs["UserPool"]
    os.environ.update(USER_POOL_ID=pool_id, AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=endpoint)
    try:
        yield Pool(cognito, pool_id, UserStore(cognito, pool_id), LocalIssuer("http://127.0.0.1/local/cognito"))
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
