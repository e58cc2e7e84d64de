"""One error shape for every route: {"error": {"code", "message", "fields": [...]}}.

Each domain exception class maps to one status here, and only here. The OpenAPI document describes
each status with the same words (:func:`answers`)."""

from __future__ import annotations

import dataclasses
import json

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse, OpenAPIResponseHeader
from pydantic import BaseModel, Field

from regulars.core import errors
from regulars.runtime.observability import logger
from regulars.store.base import StoreError, item_too_large

STATUS: dict[type[errors.DomainError], int] = {
    errors.InvalidInput: 422,
    errors.NotFound: 404,
    errors.SlotTaken: 409,
    errors.Conflict: 409,
    errors.NotAllowed: 409,
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.Gone: 410,
    errors.TooManyRequests: 429,
    errors.MalformedRequest: 400,
    errors.UnsupportedMediaType: 415,
    errors.PayloadTooLarge: 413,
}

# What each status means, in the words the OpenAPI document gives it.
MEANING: dict[int, str] = {
    400: "The body is not UTF-8 JSON, or is nested too deep (code invalid_json)",
    401: "No valid sign-in (code unauthorized)",
    403: "Not allowed to do this (code forbidden)",
    404: "Not found (code not_found)",
    409: "Not possible in the current state (the code says why)",
    410: "It existed but has expired (the code says what)",
    413: "The body is too large (code payload_too_large)",
    415: "The body is not application/json (code unsupported_media_type)",
    422: "Invalid input, naming each field (code invalid_input, or the rule that refused it)",
    429: "Too many requests: try again after Retry-After seconds (code rate_limited)",
}
RETRY_AFTER: dict[str, OpenAPIResponseHeader] = {
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 0},
    }
}


class FieldErrorOut(BaseModel):
    field: str
    reason: str


class ConflictOut(BaseModel):
    kind: str = Field(description="appointment | block")
    id: str
    staff_id: str
    start: str = Field(description="ISO 8601 with the salon's UTC offset")
    end: str


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: list[FieldErrorOut] = []
    conflicts: list[ConflictOut] = Field(
        default=[], description="What stands in the way (a 409 over a staff member's time); absent otherwise"
    )


class ErrorOut(BaseModel):
    error: ErrorDetail


def error_response(
    status: int,
    code: str,
    message: str,
    fields: list[dict] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps({"error": {"code": code, "message": message, "fields": fields or []}}),
        headers=headers,
    )


def answers(*statuses: int, **descriptions: str) -> dict[int, OpenAPIResponse]:
    """OpenAPI responses in the error shape, for a route's ``responses=``: ``answers(409, 429)``;
    a status's own words as ``s409="The time was taken"``. 429 carries its Retry-After header."""
    out: dict[int, OpenAPIResponse] = {}
    for status in statuses:
        response: OpenAPIResponse = {
            "description": descriptions.get(f"s{status}", MEANING[status]),
            "content": {"application/json": {"model": ErrorOut}},
        }
        if status == 429:
            response["headers"] = RETRY_AFTER
        out[status] = response
    return out


def status_of(exc: errors.DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def response_headers(exc: errors.DomainError) -> dict[str, str]:
    """Headers a failure carries with it (``headers`` on its class or instance: a Retry-After)."""
    return dict(getattr(exc, "headers", None) or {})


def error_body(exc: errors.DomainError) -> str:
    detail: dict = {
        "code": exc.code,
        "message": exc.message,
        "fields": [{"field": f.field, "reason": f.reason} for f in exc.fields],
    }
    if exc.conflicts:
        detail["conflicts"] = [dataclasses.asdict(c) for c in exc.conflicts]
    return json.dumps({"error": detail})


def _field_name(loc: tuple) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def install(app: APIGatewayRestResolver) -> None:
    @app.exception_handler(errors.DomainError)
    def _domain(exc: errors.DomainError) -> Response:
        return Response(
            status_code=status_of(exc),
            content_type=content_types.APPLICATION_JSON,
            body=error_body(exc),
            headers=response_headers(exc),
        )

    @app.exception_handler(errors.IdempotencyReplay)
    def _replay(exc: errors.IdempotencyReplay) -> Response:
        return Response(
            status_code=exc.status_code,
            content_type=content_types.APPLICATION_JSON,
            body=exc.body,
            headers={"Idempotent-Replayed": "true"},
        )

    @app.exception_handler(RequestValidationError)
    def _invalid(exc: RequestValidationError) -> Response:
        problems = exc.errors()
        if any(p.get("type") == "json_invalid" for p in problems):
            return error_response(400, "invalid_json", "the request body is not valid JSON")
        fields = [
            {"field": _field_name(tuple(p.get("loc", ()))), "reason": p.get("msg", "invalid")}
            for p in problems
        ]
        names = ", ".join(sorted({f["field"] for f in fields}))
        return error_response(422, "invalid_input", f"invalid input: {names}", fields)

    @app.not_found
    def _not_found(_exc: Exception) -> Response:
        return error_response(
            404, "not_found", f"no route {app.current_event.http_method} {app.current_event.path}"
        )

    @app.exception_handler(StoreError)
    def _store(exc: StoreError) -> Response:
        if item_too_large(exc):  # a bound on some request field is missing: still the caller's input
            logger.warning("refused: an item would exceed DynamoDB's size limit")
            return error_response(422, "too_large", "this would make the record too large; send less")
        answer: Response = _unexpected(exc)  # the decorator returns it untyped
        return answer

    @app.exception_handler(Exception)
    def _unexpected(exc: Exception) -> Response:
        logger.exception("unhandled error")
        return error_response(500, "internal_error", "something went wrong on our side; please retry")
