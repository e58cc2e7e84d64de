"""The salon's users in the Cognito user pool (``USER_POOL_ID``): invited with their salon and role,
signed out and deleted when removed. In AWS this is Cognito itself; locally and in tests, moto's
cognito-idp, reached through the same calls (``AWS_ENDPOINT_URL``).

The pool signs users in with their e-mail as the username: a user belongs to one salon (the
immutable ``custom:salon_id``). ``custom:role`` repeats the role for the token's reader; the team
member in the table is what access is decided on."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from typing import Any

from botocore.exceptions import ClientError

from regulars.core.errors import InvalidInput

SALON_ATTRIBUTE = "custom:salon_id"
ROLE_ATTRIBUTE = "custom:role"


@dataclass(frozen=True)
class DirectoryUser:
    user_id: str  # the user's sub (the pool's username for a user that signs in with an e-mail)
    email: str
    salon_id: str | None
    role: str | None
    status: str  # FORCE_CHANGE_PASSWORD until the invitation is taken up, then CONFIRMED
    enabled: bool


def _code(exc: ClientError) -> str:
    code: str = exc.response.get("Error", {}).get("Code", "")
    return code


def _user(found: dict[str, Any], attributes_key: str) -> DirectoryUser:
    values = {a["Name"]: a["Value"] for a in found.get(attributes_key, [])}
    return DirectoryUser(
        user_id=values.get("sub") or found["Username"],
        email=values.get("email", ""),
        salon_id=values.get(SALON_ATTRIBUTE),
        role=values.get(ROLE_ATTRIBUTE),
        status=found.get("UserStatus", ""),
        enabled=found.get("Enabled", True),
    )


class Directory:
    """A Cognito user pool's users, through the admin API (``cognito-idp:Admin*``)."""

    def __init__(self, client: Any, user_pool_id: str):
        self._cognito = client
        self.user_pool_id = user_pool_id

    def find(self, email: str) -> DirectoryUser | None:
        try:
            found = self._cognito.admin_get_user(UserPoolId=self.user_pool_id, Username=email)
        except ClientError as exc:
            if _code(exc) == "UserNotFoundException":
                return None
            raise
        return _user(found, "UserAttributes")

    def invite(self, email: str, salon_id: str, role: str) -> tuple[DirectoryUser, bool]:
        """The user for ``email``, created now with an invitation (Cognito e-mails a temporary password),
        or the one that exists (False)."""
        try:
            created = self._cognito.admin_create_user(
                UserPoolId=self.user_pool_id,
                Username=email,
                DesiredDeliveryMediums=["EMAIL"],
                UserAttributes=[
                    {"Name": "email", "Value": email},
                    {"Name": "email_verified", "Value": "true"},
                    {"Name": SALON_ATTRIBUTE, "Value": salon_id},
                    {"Name": ROLE_ATTRIBUTE, "Value": role},
                ],
            )["User"]
        except ClientError as exc:
            if _code(exc) == "UsernameExistsException":
                existing = self.find(email)
                if existing is not None:
                    return existing, False
            if _code(exc) == "InvalidParameterException":
                raise InvalidInput.field("email", "not an address the user pool accepts") from exc
            raise
        return _user(created, "Attributes"), True

    def set_role(self, user_id: str, role: str) -> None:
        try:
            self._cognito.admin_update_user_attributes(
                UserPoolId=self.user_pool_id,
                Username=user_id,
                UserAttributes=[{"Name": ROLE_ATTRIBUTE, "Value": role}],
            )
        except ClientError as exc:
            if (
                _code(exc) != "UserNotFoundException"
            ):  # the member outlived their user: nothing to repeat it on
                raise

    def remove(self, user_id: str) -> None:
        """Sign the user out everywhere (their refresh tokens die) and delete them; done if already gone."""
        try:
            self._cognito.admin_user_global_sign_out(UserPoolId=self.user_pool_id, Username=user_id)
            self._cognito.admin_delete_user(UserPoolId=self.user_pool_id, Username=user_id)
        except ClientError as exc:
            if _code(exc) != "UserNotFoundException":
                raise


@cache
def _client(endpoint: str | None) -> Any:
    import boto3  # lazy: only team changes call Cognito

    return boto3.client("cognito-idp")


def directory() -> Directory:
    """The deployment's user pool (``USER_POOL_ID``)."""
    pool = os.environ.get("USER_POOL_ID")
    if not pool:
        raise RuntimeError("USER_POOL_ID is not set: the admin function cannot manage the team")
    # keyed by the endpoint the client would use, so a process whose endpoint changes (tests) gets a fresh one
    return Directory(
        _client(
            os.environ.get("AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER") or os.environ.get("AWS_ENDPOINT_URL")
        ),
        pool,
    )
