"""The local stand-in for Cognito's sign-in: the users are the template's user pool in moto (the same
pool the admin API invites to), and the sign-in checks passwords against it and issues ID tokens
(:mod:`regulars_local.auth.tokens`) with the user's sub, salon and role from the pool.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from botocore.exceptions import ClientError

from regulars_local.auth.tokens import DEFAULT_TTL, LocalIssuer, Unauthorized

DEMO_EMAIL = "owner@demo.regulars.local"
DEMO_PASSWORD = "demo-password"
DEMO_SALON = "demo"
log = logging.getLogger("local.auth")

ROLES = ("owner", "manager", "reception", "staff")
SALON_ATTRIBUTE = "custom:salon_id"
ROLE_ATTRIBUTE = "custom:role"
NEW_PASSWORD_REQUIRED = "NEW_PASSWORD_REQUIRED"


class NewPasswordRequired(Unauthorized):
    """The password was a temporary one (an invitation's): sign in again with a new password too."""


@dataclass(frozen=True)
class LocalUser:
    email: str
    salon_id: str
    role: str
    sub: str
    status: str = "CONFIRMED"  # FORCE_CHANGE_PASSWORD while an invitation's temporary password is in use

    def public(self) -> dict[str, str]:
        return {"email": self.email, "salon_id": self.salon_id, "role": self.role, "sub": self.sub}


@dataclass(frozen=True)
class Invitation:
    """What Cognito would e-mail an invited user: their temporary password."""

    email: str
    salon_id: str
    role: str
    temporary_password: str


def _code(exc: ClientError) -> str:
    return exc.response.get("Error", {}).get("Code", "")


def _message(exc: ClientError) -> str:
    return exc.response.get("Error", {}).get("Message") or _code(exc)


def _user(found: Mapping[str, Any], attributes_key: str) -> LocalUser:
    values = {a["Name"]: a["Value"] for a in found.get(attributes_key, [])}
    return LocalUser(
        email=values.get("email", ""),
        salon_id=values.get(SALON_ATTRIBUTE, ""),
        role=values.get(ROLE_ATTRIBUTE, ""),
        sub=values.get("sub") or found["Username"],
        status=found.get("UserStatus", ""),
    )


def temporary_password() -> str:
    """A password that meets any policy Cognito allows (upper, lower, digit, symbol; 23 characters)."""
    return f"Tmp-{secrets.token_urlsafe(12)}-7a"


class UserStore:
    """The local runtime's users: the template's Cognito user pool, played by moto, signed in to with
    ADMIN_USER_PASSWORD_AUTH as the console's sign-in does in AWS. The users live in the moto server's
    memory: a restart starts with none (the runtime adds the demo's again)."""

    def __init__(self, cognito: Any, pool_id: str):
        self._cognito = cognito
        self.pool_id = pool_id
        self.client_id = cognito.create_user_pool_client(
            UserPoolId=pool_id,
            ClientName="regulars-local-sign-in",
            GenerateSecret=False,
            ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        )["UserPoolClient"]["ClientId"]
        self._lock = threading.Lock()
        self._delivered: dict[str, Invitation] = {}  # the mailbox: invitations handed out, by user

    def find(self, email: str) -> LocalUser | None:
        try:
            return _user(
                self._cognito.admin_get_user(UserPoolId=self.pool_id, Username=email.strip().lower()),
                "UserAttributes",
            )
        except ClientError as exc:
            if _code(exc) == "UserNotFoundException":
                return None
            raise

    def add(self, email: str, password: str, salon_id: str, role: str = "owner") -> LocalUser:
        """A user of ``salon_id`` with ``role`` who signs in with ``password`` (a user of the e-mail is
        given the role and password; its salon cannot change)."""
        email = email.strip().lower()
        if "@" not in email:
            raise ValueError("email: not an email address")
        if not salon_id:
            raise ValueError("salon_id: required")
        if role not in ROLES:
            raise ValueError(f"role: one of {', '.join(ROLES)}")
        with self._lock:
            existing = self.find(email)
            if existing is not None and existing.salon_id != salon_id:
                raise ValueError(f"email: signs in to salon {existing.salon_id}")
            if existing is None:
                try:
                    self._cognito.admin_create_user(
                        UserPoolId=self.pool_id,
                        Username=email,
                        MessageAction="SUPPRESS",
                        UserAttributes=[
                            {"Name": "email", "Value": email},
                            {"Name": "email_verified", "Value": "true"},
                            {"Name": SALON_ATTRIBUTE, "Value": salon_id},
                            {"Name": ROLE_ATTRIBUTE, "Value": role},
                        ],
                    )
                except ClientError as exc:
                    if _code(exc) == "InvalidParameterException":
                        raise ValueError(f"email: {_message(exc)}") from exc
                    raise
            else:
                self._cognito.admin_update_user_attributes(
                    UserPoolId=self.pool_id,
                    Username=email,
                    UserAttributes=[{"Name": ROLE_ATTRIBUTE, "Value": role}],
                )
            try:
                self._cognito.admin_set_user_password(
                    UserPoolId=self.pool_id, Username=email, Password=password, Permanent=True
                )
            except ClientError as exc:
                if existing is None:
                    self._cognito.admin_delete_user(UserPoolId=self.pool_id, Username=email)
                if _code(exc) == "InvalidPasswordException":
                    raise ValueError(f"password: {self.password_rule()}") from exc
                raise
        user = self.find(email)
        assert user is not None
        return user

    def password_policy(self) -> dict[str, Any]:
        """The pool's password policy as Cognito describes it (MinimumLength, RequireUppercase, ...)."""
        policy: dict[str, Any] = (
            self._cognito.describe_user_pool(UserPoolId=self.pool_id)["UserPool"]
            .get("Policies", {})
            .get("PasswordPolicy", {})
        )
        return policy

    def password_rule(self) -> str:
        policy = self.password_policy()
        needs = [
            what
            for flag, what in (
                ("RequireUppercase", "an upper-case letter"),
                ("RequireLowercase", "a lower-case letter"),
                ("RequireNumbers", "a digit"),
                ("RequireSymbols", "a symbol"),
            )
            if policy.get(flag)
        ]
        return f"at least {policy.get('MinimumLength', 8)} characters" + (
            f", with {', '.join(needs)}" if needs else ""
        )

    def authenticate(self, email: str, password: str, new_password: str | None = None) -> LocalUser:
        """The user, if the password is theirs. A temporary password (an invitation's) needs
        ``new_password`` too, which becomes theirs, as Cognito's NEW_PASSWORD_REQUIRED challenge does."""
        email = email.strip().lower()
        try:
            answer = self._cognito.admin_initiate_auth(
                UserPoolId=self.pool_id,
                ClientId=self.client_id,
                AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": email, "PASSWORD": password},
            )
            if answer.get("ChallengeName") == NEW_PASSWORD_REQUIRED:
                if not new_password:
                    raise NewPasswordRequired("the password is a temporary one: give new_password too")
                answer = self._cognito.admin_respond_to_auth_challenge(
                    UserPoolId=self.pool_id,
                    ClientId=self.client_id,
                    ChallengeName=NEW_PASSWORD_REQUIRED,
                    Session=answer["Session"],
                    ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": new_password},
                )
        except ClientError as exc:
            if _code(exc) == "InvalidPasswordException":
                raise ValueError(f"new_password: {self.password_rule()}") from exc
            if _code(exc) in ("NotAuthorizedException", "UserNotFoundException"):
                raise Unauthorized("incorrect email or password") from exc
            raise
        if answer.get("ChallengeName"):
            raise Unauthorized(f"the {answer['ChallengeName']} challenge is not played locally")
        user = self.find(email)
        if user is None:
            raise Unauthorized("incorrect email or password")
        with self._lock:
            self._delivered.pop(user.sub, None)
        return user

    def mailbox(self) -> list[Invitation]:
        """The invitations waiting to be taken up, each with its temporary password: locally, what
        Cognito e-mails to an invited user. A user is handed one temporary password, kept until used."""
        users = [
            _user(u, "Attributes")
            for page in self._cognito.get_paginator("list_users").paginate(UserPoolId=self.pool_id)
            for u in page["Users"]
        ]
        with self._lock:
            for user in users:
                if user.status != "FORCE_CHANGE_PASSWORD" or user.sub in self._delivered:
                    continue
                password = temporary_password()
                self._cognito.admin_set_user_password(
                    UserPoolId=self.pool_id, Username=user.sub, Password=password, Permanent=False
                )
                self._delivered[user.sub] = Invitation(user.email, user.salon_id, user.role, password)
                log.info(
                    "invitation for %s (salon %s, %s): temporary password %s",
                    user.email,
                    user.salon_id,
                    user.role,
                    password,
                )
            waiting = {u.sub for u in users if u.status == "FORCE_CHANGE_PASSWORD"}
            return [invitation for sub, invitation in self._delivered.items() if sub in waiting]


class LocalSignIn:
    """What the local auth endpoints do: add users, and exchange a password for an ID token."""

    def __init__(self, issuer: LocalIssuer, users: UserStore, ttl: timedelta = DEFAULT_TTL):
        self.issuer = issuer
        self.users = users
        self.ttl = ttl

    def token(self, email: str, password: str, new_password: str | None = None) -> dict[str, Any]:
        user = self.users.authenticate(email, password, new_password)
        token = self.issuer.issue(user.salon_id, user.email, user.role, self.ttl, sub=user.sub)
        return {"id_token": token, "token_type": "Bearer", "expires_in": int(self.ttl.total_seconds())}

    def add_demo_owner(self) -> LocalUser:
        return self.users.add(DEMO_EMAIL, DEMO_PASSWORD, DEMO_SALON, "owner")
