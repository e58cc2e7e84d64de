"""The team's gate on the admin API: the member making a request, if their role allows what the
route is. Asked by the admin resolver (:mod:`regulars.app.http`) before every admin route."""

from __future__ import annotations

from typing import Any

from regulars.core.errors import Forbidden, Unauthorized
from regulars.http import auth
from regulars.team import policy, service
from regulars.team.policy import Member


def authorize(event: Any, operation_name: str | None) -> Member:
    """The member making this request, if their role allows ``operation_name``: 401 without a salon's
    token, 403 ``not_a_member`` for a user the salon's team does not hold (removed, or never added),
    403 ``forbidden`` for an operation the role does not allow (or a route that declares none)."""
    claims = auth.claims_of(event)
    salon_id, user_id = claims.get(auth.SALON_CLAIM), claims.get("sub")
    if not salon_id or not user_id:
        raise Unauthorized("sign in as a salon's admin", code="unauthorized")
    member = service.member(salon_id, user_id)
    if member is None:
        raise Forbidden("you are not on this salon's team (any more)", code="not_a_member")
    if not policy.allows(member.role, operation_name):
        raise Forbidden(f"a {member.role.value} user may not do this ({operation_name or 'undeclared'})")
    return member


def current() -> Member:
    """The member the request being served is for."""
    member = auth.member()
    if not isinstance(member, Member):
        raise Unauthorized("sign in as a salon's admin", code="unauthorized")
    return member
