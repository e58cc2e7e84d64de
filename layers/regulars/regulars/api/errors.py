"""One error shape for every route: {"error": {"code", "message", "fields": [...]}}.

Each domain exception class maps to one status here, and only here."""

from __future__ import annotations

import json

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from pydantic import BaseModel

from regulars import errors
from regulars.observability import logger

STATUS: dict[type[errors.DomainError], int] = {
    errors.InvalidInput: 422,
    errors.NotFound: 404,
    errors.SlotTaken: 409,
    errors.Conflict: 409,
    errors.NotAllowed: 409,
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.TooManyRequests: 429,
}


class FieldErrorOut(BaseModel):
    field: str
    reason: str


class ErrorDetail(BaseModel):
    code: str
    message: str
    fields: list[FieldErrorOut] = []


class ErrorOut(BaseModel):
    error: ErrorDetail


def error_response(status: int, code: str, message: str, fields: list[dict] | None = None,
                   headers: dict[str, str] | None = None) -> Response:
    return Response(
        status_code=status,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps({"error": {"code": code, "message": message, "fields": fields or []}}),
        headers=headers,
    )


def _status_of(exc: errors.DomainError) -> int:
    for cls in type(exc).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def _field_name(loc: tuple) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts) or "body"


def install(app: APIGatewayRestResolver) -> None:
    @app.exception_handler(errors.DomainError)
    def _domain(exc: errors.DomainError) -> Response:
        headers = ({"Retry-After": str(exc.retry_after)} if isinstance(exc, errors.TooManyRequests) else None)
        return error_response(
            _status_of(exc), exc.code, exc.message, [{"field": f.field, "reason": f.reason} for f in exc.fields],
            headers,
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
        fields = [{"field": _field_name(tuple(p.get("loc", ()))), "reason": p.get("msg", "invalid")} for p in problems]
        names = ", ".join(sorted({f["field"] for f in fields}))
        return error_response(422, "invalid_input", f"invalid input: {names}", fields)

    @app.not_found
    def _not_found(_exc: Exception) -> Response:
        return error_response(404, "not_found", f"no route {app.current_event.http_method} {app.current_event.path}")

    @app.exception_handler(Exception)
    def _unexpected(exc: Exception) -> Response:
        logger.exception("unhandled error")
        return error_response(500, "internal_error", "something went wrong on our side; please retry")
