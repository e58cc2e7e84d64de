"""Referrals: each client's code (the same every time under one link key), the booking link that
carries it, and the client a code names when a new client books with it. The bonuses a referral
earns are credited with the referee's first paid visit (see :mod:`regulars.loyalty.visits`)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from regulars.clients import repo as client_store
from regulars.core import links
from regulars.core.config import link_keys, manage_link_secret
from regulars.core.errors import NotFound
from regulars.loyalty import repo as store


def code_of(salon_id: str, client_id: str, key: bytes | None = None) -> str:
    """The client's referral code: eight characters, the same every time under one link key (a code
    shown under an earlier key keeps working: it was remembered when shown)."""
    digest = hmac.new(key or manage_link_secret(), f"referral:{salon_id}:{client_id}".encode(),
                      hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:8]


def codes_of(salon_id: str, client_id: str) -> list[str]:
    """The client's codes under every key of the ring (what erasure forgets)."""
    return [code_of(salon_id, client_id, key) for _, key in link_keys().keys]


def referral_code(salon_id: str, client_id: str) -> str:
    """The client's referral code, resolvable from now on."""
    code = code_of(salon_id, client_id)
    store.remember_referral_code(salon_id, code, client_id)
    return code


def referral_url(salon_id: str, code: str) -> str:
    return links.booking_page(salon_id, referral_code=code)


def referrer_for(salon_id: str, code: str | None, phone: str) -> str | None:
    """The client a code names, unless that client has this phone (a client cannot refer themself)."""
    if not code:
        return None
    client_id = store.referrer(salon_id, code.strip().upper())
    if client_id is None:
        return None
    try:
        referrer = client_store.get(salon_id, client_id)
    except NotFound:
        return None
    return None if referrer.phone == phone else client_id
