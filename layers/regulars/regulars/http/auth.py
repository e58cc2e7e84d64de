"""The admin API. The salon always comes from the signed-in user's token (Cognito claims that API
Gateway's authorizer has verified), never from the path or the body; what the user may do there
comes from their team membership (read on every request) and the role policy.

Every admin route declares the operation it is with :func:`operation`; the admin resolver
(``regulars.app.http``) asks the team's gate (:mod:`regulars.team.gate`) before the route, before its
input is even read, and refuses a route that declares no known operation to everyone."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Annotated, Any, Protocol, TypeVar

from aws_lambda_powertools.event_handler.openapi.params import Header
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

from regulars.core.errors import Forbidden, Unauthorized

SALON_CLAIM = "custom:salon_id"
_OPERATION = "__admin_operation__"
F = TypeVar("F", bound=Callable[..., Any])


class SignedIn(Protocol):
    """The signed-in user a route serves (the team's member; this module knows only what it needs)."""

    @property
    def salon_id(self) -> str:
        """The salon the user is of."""

    @property
    def confined_to(self) -> str | None:
        """The staff member whose book alone this user sees ("" when linked to none); None: the salon's."""


_member: ContextVar[SignedIn | None] = ContextVar("admin_member", default=None)


def operation(name: str) -> Callable[[F], F]:
    """Declare the operation of the policy a route is (put it under the route's decorator)."""

    def declare(func: F) -> F:
        setattr(func, _OPERATION, name)
        return func

    return declare


def declared_operation(func: Callable[..., Any]) -> str | None:
    return getattr(func, _OPERATION, None)


def claims_of(event: Any) -> dict[str, str]:
    """The verified token's claims, as API Gateway's Cognito authorizer passes them on."""
    authorizer = event.request_context.authorizer
    return (authorizer.claims if authorizer else None) or {}


def caller(router: APIGatewayRouter) -> tuple[str, str]:
    """(salon_id, who) of the signed-in admin."""
    claims = claims_of(router.current_event)
    salon_id = claims.get(SALON_CLAIM)
    if not salon_id:
        raise Unauthorized("sign in as a salon's admin", code="unauthorized")
    who = claims.get("email") or claims.get("cognito:username") or claims.get("sub") or "admin"
    return salon_id, f"admin:{who}"


@contextmanager
def serving(member: SignedIn) -> Iterator[None]:
    """``member`` is the caller while the route runs (on this thread)."""
    token = _member.set(member)
    try:
        yield
    finally:
        _member.reset(token)


def member() -> SignedIn:
    """The signed-in member of the request being served."""
    current = _member.get()
    if current is None:
        raise Unauthorized("sign in as a salon's admin", code="unauthorized")
    return current


def own_book(staff_id: str | None) -> str | None:
    """Whose book the caller reads when asking for ``staff_id``'s (None: everyone's): the desk and
    above, what they ask; a staff user only their own, and anyone else's is refused."""
    own = member().confined_to
    if own is None:
        return staff_id
    if not own:
        raise Forbidden("your user is not linked to a staff member: ask the owner", code="forbidden")
    if staff_id not in (None, own):
        raise Forbidden("a staff user sees their own book only", code="forbidden")
    return own


IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", min_length=8, max_length=128)]
# Where a request moves bonus or sends a message, a key is required: without one, a retry after a lost
# answer (a network's, a double click's) would credit or send a second time
RequiredIdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=8,
        max_length=128,
        description="Required: the request's effect happens once per key; a retry with it answers as the first time",
    ),
]


def request_key(idempotency_key: str | None, now: datetime) -> str:
    """What a request's effects are keyed on: its Idempotency-Key (hashed), so a retry does nothing
    new; without one, a fresh id."""
    from regulars.core.ids import new_id

    return hashlib.sha256(idempotency_key.encode()).hexdigest()[:20] if idempotency_key else new_id(now)
