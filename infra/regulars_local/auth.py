"""The local stand-in for Cognito: a user store, a sign-in that issues RS256 ID tokens shaped like
Cognito's, and an authorizer that verifies them as API Gateway's Cognito authorizer does.

The authorizer rejects anything it cannot verify (signature, expiry, issuer, audience, token use):
a local gateway that lets every request through would hide exactly the bugs it should show.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "regulars-local-client"
DEFAULT_TTL = timedelta(hours=1)
DEMO_EMAIL = "owner@demo.regulars.local"
DEMO_PASSWORD = "demo-password"
DEMO_SALON = "demo"
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
    ) -> str:
        issued = int((now or datetime.now(UTC)).timestamp())
        claims = {
            "sub": sub or str(uuid.uuid5(uuid.NAMESPACE_URL, f"{self.issuer}/{email.lower()}")),
            "iss": self.issuer,
            "aud": self.audience,
            "token_use": "id",
            "email": email,
            "email_verified": True,
            "cognito:username": email,
            "custom:salon_id": salon_id,
            "custom:role": role,
            "auth_time": issued,
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


# --- users -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LocalUser:
    email: str
    salon_id: str
    role: str
    sub: str
    salt: str
    password_hash: str

    def public(self) -> dict[str, str]:
        return {"email": self.email, "salon_id": self.salon_id, "role": self.role, "sub": self.sub}


def _hash(password: str, salt: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), 100_000).hex()


class UserStore:
    """Sign-in accounts of the local runtime; kept in ``path`` (JSON) when given."""

    def __init__(self, path: Path | None = None):
        self._path = path
        self._lock = threading.Lock()
        self._users: dict[str, LocalUser] = {}
        if path and path.exists():
            for raw in json.loads(path.read_text()):
                user = LocalUser(**raw)
                self._users[user.email.lower()] = user

    def add(self, email: str, password: str, salon_id: str, role: str = "owner") -> LocalUser:
        email = email.strip()
        if "@" not in email:
            raise ValueError("email: not an email address")
        if len(password) < 8:
            raise ValueError("password: at least 8 characters")
        if not salon_id:
            raise ValueError("salon_id: required")
        if not role:
            raise ValueError("role: required")
        salt = secrets.token_hex(16)
        with self._lock:
            existing = self._users.get(email.lower())
            user = LocalUser(
                email=email,
                salon_id=salon_id,
                role=role,
                sub=existing.sub if existing else str(uuid.uuid4()),
                salt=salt,
                password_hash=_hash(password, salt),
            )
            self._users[email.lower()] = user
            self._save()
        return user

    def authenticate(self, email: str, password: str) -> LocalUser:
        user = self._users.get(email.strip().lower())
        if user is None or not hmac.compare_digest(user.password_hash, _hash(password, user.salt)):
            raise Unauthorized("incorrect email or password")
        return user

    def _save(self) -> None:
        if self._path:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._path.write_text(json.dumps([asdict(u) for u in self._users.values()], indent=2))


class LocalSignIn:
    """What the local auth endpoints do: add users, and exchange a password for an ID token."""

    def __init__(self, issuer: LocalIssuer, users: UserStore, ttl: timedelta = DEFAULT_TTL):
        self.issuer = issuer
        self.users = users
        self.ttl = ttl

    def token(self, email: str, password: str) -> dict[str, Any]:
        user = self.users.authenticate(email, password)
        token = self.issuer.issue(user.salon_id, user.email, user.role, self.ttl, sub=user.sub)
        return {"id_token": token, "token_type": "Bearer", "expires_in": int(self.ttl.total_seconds())}

    def add_demo_owner(self) -> None:
        self.users.add(DEMO_EMAIL, DEMO_PASSWORD, DEMO_SALON, "owner")
