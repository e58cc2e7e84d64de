"""Referrals: each client's code (the same every time under one link key) and the booking link that
carries it (the client a code names, when a new client books with it, is
:func:`regulars.clients.repo.referrer_for`'s answer). The bonuses a referral earns are credited with
the referee's first paid visit (see :mod:`regulars.loyalty.visits`)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from regulars.clients import repo as client_store
from regulars.core import links
from regulars.core.config import link_keys, manage_link_secret


def code_of(salon_id: str, client_id: str, key: bytes | None = None) -> str:
    """The client's referral code: eight characters, the same every time under one link key (a code
    shown under an earlier key keeps working: it was remembered when shown)."""
    digest = hmac.new(
        key or manage_link_secret(), f"referral:{salon_id}:{client_id}".encode(), hashlib.sha256
    ).digest()
    return base64.b32encode(digest).decode()[:8]


def codes_of(salon_id: str, client_id: str) -> list[str]:
    """The client's codes under every key of the ring (what erasure forgets)."""
    return [code_of(salon_id, client_id, key) for _, key in link_keys().keys]


def referral_code(salon_id: str, client_id: str) -> str:
    """The client's referral code, resolvable from now on."""
    code = code_of(salon_id, client_id)
    client_store.remember_referral_code(salon_id, code, client_id)
    return code


def referral_url(salon_id: str, code: str) -> str:
    return links.booking_page(salon_id, referral_code=code)
