"""The local sign-in: users in the template's user pool (moto's Cognito), ID tokens shaped like
Cognito's, and the API's Cognito authorizer that verifies them."""

from regulars_local.auth.tokens import (
    CLIENT_ID,
    DEFAULT_TTL,
    CognitoAuthorizer,
    LocalIssuer,
    Unauthorized,
    apigw_claims,
    bearer_token,
)
from regulars_local.auth.users import (
    DEMO_EMAIL,
    DEMO_PASSWORD,
    DEMO_SALON,
    ROLES,
    Invitation,
    LocalSignIn,
    LocalUser,
    NewPasswordRequired,
    UserStore,
    temporary_password,
)

__all__ = [
    "CLIENT_ID",
    "DEFAULT_TTL",
    "DEMO_EMAIL",
    "DEMO_PASSWORD",
    "DEMO_SALON",
    "ROLES",
    "CognitoAuthorizer",
    "Invitation",
    "LocalIssuer",
    "LocalSignIn",
    "LocalUser",
    "NewPasswordRequired",
    "Unauthorized",
    "UserStore",
    "apigw_claims",
    "bearer_token",
    "temporary_password",
]
