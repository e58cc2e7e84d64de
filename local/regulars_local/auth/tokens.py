"""ID tokens shaped like Cognito's, issued with a key pair made for this run, and an authorizer that
verifies them as API Gateway's Cognito authorizer does.

The authorizer rejects anything it cannot verify (signature, expiry, issuer, audience, token use):
a local gateway that lets every request through would hide exactly the bugs it should show.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "regulars-local-client"
DEFAULT_TTL = timedelta(hours=1)
_CLAIM_DATES = ("exp", "iat")


class Unauthorized(Exception):
    """The request carries no token, or one that does not verify."""


class LocalIssuer:
    """Issues and verifies ID tokens with a key pair made for this run."""

    def __init__(self, issuer: str, audience: str = CLIENT_ID, key: rsa.RSAPrivateKey | None = None):
        self.issuer = issuer
        self.audience = audience
        self._key = key or rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = hashlib.sha256(str(self._key.public_key().public_numbers().n).encode()).hexdigest()[:16]

    def issue(
        self,
        salon_id: str,
        email: str,
        role: str = "owner",
        ttl: timedelta = DEFAULT_TTL,
        *,
        sub: str | None = None,
        now: datetime | None = None,
        auth_time: int | None = None,
        nonce: str | None = None,
    ) -> str:
        """An ID token. ``auth_time``: when the user gave their password (a token refreshed later keeps
        it, as Cognito's do); ``nonce``: the one the sign-in request carried, if any."""
        issued = int((now or datetime.now(UTC)).timestamp())
        # a pool whose users sign in with their e-mail names each user by their sub
        sub_claim = sub or str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.issuer}/{email.lower()}"))
        claims: dict[str, Any] = {
            "sub": sub_claim,
            "iss": self.issuer,
            "aud": self.audience,
            "token_use": "id",
            "email": email,
            "email_verified": True,
            "cognito:username": sub_claim,
            "custom:salon_id": salon_id,
            "custom:role": role,
            "auth_time": issued if auth_time is None else auth_time,
            "iat": issued,
            "exp": issued + int(ttl.total_seconds()),
            "jti": str(uuid.uuid4()),
        }
        if nonce:
            claims["nonce"] = nonce
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})

    def issue_access(
        self,
        sub: str,
        scope: str,
        auth_time: int,
        ttl: timedelta = DEFAULT_TTL,
        *,
        now: datetime | None = None,
    ) -> str:
        """An access token shaped like Cognito's (``token_use`` access, ``client_id`` and ``scope``, no
        ``aud``): the API's authorizer, which takes ID tokens, refuses it, as a Cognito authorizer
        without OAuth scopes does."""
        issued = int((now or datetime.now(UTC)).timestamp())
        claims = {
            "sub": sub,
            "iss": self.issuer,
            "client_id": self.audience,
            "token_use": "access",
            "scope": scope,
            "username": sub,
            "auth_time": auth_time,
            "iat": issued,
            "exp": issued + int(ttl.total_seconds()),
            "jti": str(uuid.uuid4()),
        }
        return jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})

    def verify(self, token: str) -> dict[str, Any]:
        """The token's claims, if its signature, expiry, issuer, audience and use are right."""
        try:
            header = jwt.get_unverified_header(token)
            if header.get("kid") != self.kid:
                raise Unauthorized("token signed by an unknown key")
            claims = jwt.decode(
                token,
                self._key.public_key(),
                algorithms=["RS256"],
                audience=self.audience,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "iss", "aud", "sub", "token_use"]},
            )
        except jwt.PyJWTError as exc:
            raise Unauthorized(str(exc)) from exc
        if claims.get("token_use") != "id":
            raise Unauthorized("not an ID token")
        return claims

    def jwks(self) -> dict[str, Any]:
        numbers = self._key.public_key().public_numbers()
        return {
            "keys": [
                {
                    "kty": "RSA",
                    "alg": "RS256",
                    "use": "sig",
                    "kid": self.kid,
                    "n": _b64_uint(numbers.n),
                    "e": _b64_uint(numbers.e),
                }
            ]
        }


def _b64_uint(value: int) -> str:
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def apigw_claims(claims: Mapping[str, Any]) -> dict[str, str]:
    """Claims as API Gateway's Cognito authorizer passes them on: every value a string, with
    ``exp`` and ``iat`` as dates (``Mon Nov 23 10:05:00 UTC 2026``)."""
    out: dict[str, str] = {}
    for name, value in claims.items():
        if name in _CLAIM_DATES and isinstance(value, int | float):
            out[name] = datetime.fromtimestamp(value, UTC).strftime("%a %b %d %H:%M:%S UTC %Y")
        elif isinstance(value, bool):
            out[name] = "true" if value else "false"
        elif isinstance(value, list):
            out[name] = ",".join(str(v) for v in value)
        else:
            out[name] = str(value)
    return out


def bearer_token(headers: Mapping[str, str]) -> str:
    """The token in the Authorization header (with or without the ``Bearer`` scheme)."""
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), "").strip()
    if not value:
        raise Unauthorized("no Authorization header")
    scheme, _, rest = value.partition(" ")
    token = rest.strip() if scheme.lower() == "bearer" else value
    if not token:
        raise Unauthorized("empty bearer token")
    return token


class CognitoAuthorizer:
    """A Cognito user pool authorizer: the request's verified claims, or :class:`Unauthorized`."""

    def __init__(self, issuer: LocalIssuer):
        self.issuer = issuer

    def __call__(self, headers: Mapping[str, str]) -> dict[str, Any]:
        return {"claims": apigw_claims(self.issuer.verify(bearer_token(headers)))}
