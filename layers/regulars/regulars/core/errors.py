"""Domain exceptions. Each failure has its own class; the API maps each class to a
status code exactly once (regulars.http.errors). Nothing matches on message text."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    field: str
    reason: str


@dataclass(frozen=True)
class Conflicting:
    """What stands in the way of a change: a visit or a block of a staff member's time (ISO 8601 times
    with the salon's offset)."""

    kind: str  # "appointment" | "block"
    id: str
    staff_id: str
    start: str
    end: str


class DomainError(Exception):
    """Base of every failure the domain reports to a caller."""

    code: str = "error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: list[FieldError] | None = None,
        conflicts: list[Conflicting] | None = None,
    ):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields: list[FieldError] = fields or []
        self.conflicts: list[Conflicting] = conflicts or []


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class SlotTaken(Conflict):
    code = "slot_taken"


class InvalidInput(DomainError):
    code = "invalid_input"

    @classmethod
    def field(cls, name: str, reason: str, *, code: str | None = None) -> InvalidInput:
        return cls(f"{name}: {reason}", code=code, fields=[FieldError(name, reason)])


class NotAllowed(DomainError):
    """The action is understood but the salon's rules forbid it now (too late to cancel, ...)."""

    code = "not_allowed"


class Unauthorized(DomainError):
    code = "unauthorized"


class Forbidden(DomainError):
    code = "forbidden"


class Gone(DomainError):
    """What the request names existed but has expired (a short link past its link's life)."""

    code = "gone"


class TooManyRequests(DomainError):
    """A limit on what callers may do in a while was reached; ``retry_after`` seconds until it opens."""

    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, code: str | None = None):
        super().__init__(message, code=code)
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


class MalformedRequest(DomainError):
    """The request body cannot be read at all: not UTF-8, not JSON, or JSON nested too deep."""

    code = "invalid_json"


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"


class PayloadTooLarge(DomainError):
    code = "payload_too_large"


@dataclass
class IdempotencyReplay(Exception):
    """A request with a known Idempotency-Key: the stored answer is returned as it was."""

    status_code: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)
