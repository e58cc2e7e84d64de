"""Links to the client's pages: the booking page (with a service chosen, or a friend's referral
code), and signed links that let a client act on one appointment without an account.

A token is ``<payload>.<signature>``, both base64url: the payload names the salon, the
appointment, the purpose and the expiry; the signature is HMAC-SHA256 over the payload with a key
from configuration. A token for one purpose cannot be used for another, and an expired or altered
token is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from regulars.config import settings
from regulars.errors import Forbidden


@dataclass(frozen=True)
class LinkClaims:
    salon_id: str
    appointment_id: str
    purpose: str
    expires_at: datetime


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(claims: LinkClaims, key: bytes) -> str:
    payload = json.dumps(
        {"s": claims.salon_id, "a": claims.appointment_id, "p": claims.purpose,
         "e": int(claims.expires_at.timestamp())},
        separators=(",", ":"),
    ).encode()
    body = _b64(payload)
    return f"{body}.{_b64(hmac.new(key, body.encode(), hashlib.sha256).digest())}"


def verify(token: str, key: bytes, *, purpose: str, now: datetime | None) -> LinkClaims:
    """The claims of a genuine token for ``purpose``; Forbidden for anything else. With ``now``
    None the caller judges the expiry itself (a manage link lives as long as its visit)."""
    try:
        body, signature = token.split(".", 1)
        expected = hmac.new(key, body.encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(signature)):
            raise ValueError("bad signature")
        data = json.loads(_unb64(body))
        claims = LinkClaims(
            salon_id=str(data["s"]),
            appointment_id=str(data["a"]),
            purpose=str(data["p"]),
            expires_at=datetime.fromtimestamp(int(data["e"]), UTC),
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise Forbidden("this link is not valid", code="invalid_link") from exc
    if claims.purpose != purpose:
        raise Forbidden("this link is not valid", code="invalid_link")
    if now is not None:
        ensure_fresh(claims.expires_at, now)
    return claims


def ensure_fresh(valid_until: datetime, now: datetime) -> None:
    if valid_until <= now:
        raise Forbidden("this link has expired", code="link_expired")


def booking_page(salon_id: str, *, service_id: str | None = None, referral_code: str | None = None) -> str:
    """The salon's booking page, with a service chosen or a friend's code when given."""
    query = {"salon": salon_id, "service": service_id, "ref": referral_code}
    return f"{settings().public_base_url}/book.html?" + urlencode({k: v for k, v in query.items() if v})
