"""Links to the client's pages: the booking page (with a service chosen, or a friend's referral
code), and signed links that let a client act on one appointment without an account.

A token is ``<key id>.<payload>.<signature>``, all base64url without padding: the payload names the
salon, the appointment (or the phone a code proved), the purpose, the scope and the expiry; the
signature is HMAC-SHA256 over the key id and the payload with that key of the ring
(:class:`regulars.config.KeyRing`), so a key can be rotated without breaking the links the previous
one signed. A token for one purpose cannot be used for another; an expired, altered or
non-canonical token (one whose base64 is not the one encoding of its bytes) is refused.

A manage link has a scope. ``client``: the link reached the client on a channel they proved (a
message sent to their phone or chat, a booking made after a one-time code), so it may change what
is the client's (consent, push, Telegram). ``visit``: the link was handed to whoever made a booking
without proving the phone, so it acts on that one visit only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol
from urllib.parse import urlencode

from regulars.core.appointments import Appointment
from regulars.core.config import KeyRing, settings
from regulars.core.errors import Forbidden

Scope = Literal["client", "visit"]


class _LinkSettings(Protocol):
    @property
    def manage_link_days_after(self) -> int: ...


class LinkSalon(Protocol):
    """What a manage link needs of the salon (its id, how long a link outlives the visit)."""

    @property
    def id(self) -> str: ...

    @property
    def settings(self) -> _LinkSettings: ...


_B64URL = re.compile(r"[A-Za-z0-9_-]*")


@dataclass(frozen=True)
class LinkClaims:
    salon_id: str
    subject: str  # the appointment (manage, feedback), or the phone a code proved (phone)
    purpose: str
    expires_at: datetime
    scope: Scope = "client"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    """The bytes of canonical unpadded base64url; ValueError for any other spelling of them."""
    if not _B64URL.fullmatch(text) or len(text) % 4 == 1:
        raise ValueError("not base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if _b64(data) != text:  # unused trailing bits set: another spelling of the same bytes
        raise ValueError("not canonical base64url")
    return data


def _mac(key: bytes, kid: str, body: str) -> bytes:
    return hmac.new(key, f"{kid}.{body}".encode(), hashlib.sha256).digest()


def sign(claims: LinkClaims, keys: KeyRing) -> str:
    data = {
        "s": claims.salon_id,
        "a": claims.subject,
        "p": claims.purpose,
        "e": int(claims.expires_at.timestamp()),
    }
    if claims.scope != "client":
        data["c"] = claims.scope
    body = _b64(json.dumps(data, separators=(",", ":")).encode())
    kid, key = keys.current
    return f"{kid}.{body}.{_b64(_mac(key, kid, body))}"


def verify(token: str, keys: KeyRing, *, purpose: str, now: datetime | None) -> LinkClaims:
    """The claims of a genuine token for ``purpose``; Forbidden for anything else. With ``now``
    None the caller judges the expiry itself (a manage link lives as long as its visit)."""
    try:
        kid, body, signature = token.split(".")
        key = keys.get(kid)
        if key is None or not hmac.compare_digest(_mac(key, kid, body), _unb64(signature)):
            raise ValueError("bad signature")
        data = json.loads(_unb64(body))
        scope = data.get("c", "client")
        if scope not in ("client", "visit"):
            raise ValueError("unknown scope")
        claims = LinkClaims(
            salon_id=str(data["s"]),
            subject=str(data["a"]),
            purpose=str(data["p"]),
            expires_at=datetime.fromtimestamp(int(data["e"]), UTC),
            scope=scope,
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise Forbidden("this link is not valid", code="invalid_link") from exc
    if claims.purpose != purpose:
        raise Forbidden("this link is not valid", code="invalid_link")
    if now is not None:
        ensure_fresh(claims.expires_at, now)
    return claims


def expiry_of(url: str, keys: KeyRing) -> datetime | None:
    """Until when the signed token in ``url`` (its ``token`` query parameter) is valid, for a token
    this ring signed; None for a URL with no genuine token (a page that does not expire)."""
    from urllib.parse import parse_qs, urlsplit

    tokens = parse_qs(urlsplit(url).query).get("token") or []
    if len(tokens) != 1:
        return None
    try:
        kid, body, signature = tokens[0].split(".")
        key = keys.get(kid)
        if key is None or not hmac.compare_digest(_mac(key, kid, body), _unb64(signature)):
            return None
        return datetime.fromtimestamp(int(json.loads(_unb64(body))["e"]), UTC)
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError):
        return None


def ensure_fresh(valid_until: datetime, now: datetime) -> None:
    if valid_until <= now:
        raise Forbidden("this link has expired", code="link_expired")


def manage_url(salon: LinkSalon, appointment: Appointment, *, keys: KeyRing, scope: Scope = "client") -> str:
    """The client's page for one visit; it works until some days after the visit."""
    claims = LinkClaims(
        salon_id=salon.id,
        subject=appointment.id,
        purpose="manage",
        scope=scope,
        expires_at=appointment.end + timedelta(days=salon.settings.manage_link_days_after),
    )
    return f"{settings().public_base_url}/manage.html?token={sign(claims, keys)}"


def booking_page(salon_id: str, *, service_id: str | None = None, referral_code: str | None = None) -> str:
    """The salon's booking page, with a service chosen or a friend's code when given."""
    query = {"salon": salon_id, "service": service_id, "ref": referral_code}
    return f"{settings().public_base_url}/book.html?" + urlencode({k: v for k, v in query.items() if v})
