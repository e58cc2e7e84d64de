"""The admin API. The salon always comes from the signed-in user's token (Cognito claims that API
Gateway's authorizer has verified), never from the path or the body."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from regulars.errors import Unauthorized

SALON_CLAIM = "custom:salon_id"


def caller(router: APIGatewayRouter) -> tuple[str, str]:
    """(salon_id, who) of the signed-in admin."""
    authorizer = router.current_event.request_context.authorizer
    claims = (authorizer.claims if authorizer else None) or {}
    salon_id = claims.get(SALON_CLAIM)
    if not salon_id:
        raise Unauthorized("sign in as a salon's admin", code="unauthorized")
    who = claims.get("email") or claims.get("cognito:username") or claims.get("sub") or "admin"
    return salon_id, f"admin:{who}"


IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", min_length=8, max_length=128)]


def request_key(idempotency_key: str | None, now: datetime) -> str:
    """What a request's effects are keyed on: its Idempotency-Key (hashed), so a retry does nothing
    new; without one, a fresh id."""
    from regulars.ids import new_id

    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:20] if idempotency_key else new_id(now)
