"""The admin API. The salon always comes from the signed-in user's token (Cognito claims that API
Gateway's authorizer has verified), never from the path or the body."""

from __future__ import annotations

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
