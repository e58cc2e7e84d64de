"""The resolvers the functions serve. Built here so the local runtime's OpenAPI document and the
functions cannot disagree about routes."""

from __future__ import annotations

import base64
import json
import threading
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig

from regulars.api import admin, errors
from regulars.api.router import Router
from regulars.errors import DomainError

TITLE = "Regulars API"
CORS = CORSConfig(allow_origin="*", allow_headers=["Content-Type", "Authorization", "Idempotency-Key"],
                  expose_headers=["Idempotent-Replayed", "Retry-After"], max_age=600)


def _refusal(status: int, code: str, message: str) -> dict[str, Any]:
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json", "Access-Control-Allow-Origin": "*"},
        "body": json.dumps({"error": {"code": code, "message": message, "fields": []}}),
        "isBase64Encoded": False,
    }


class JsonApiResolver(APIGatewayRestResolver):
    """The API speaks UTF-8 JSON only: a body of another media type is refused with 415, and one
    that is not UTF-8 with 400, in the API's error shape, before anything tries to parse it.

    The request being served is this resolver's and this thread's. Powertools keeps it in a class
    attribute (``BaseRouter.current_event``), one per process: right in Lambda, which serves one
    request per process at a time, but where several execution environments share a process (the
    local runtime, the tests) a request could read another's event and answer for it."""

    @property
    def _serving(self) -> threading.local:
        local = self.__dict__.get("_serving_state")
        if local is None:
            local = self.__dict__.setdefault("_serving_state", threading.local())
        return local

    @property
    def current_event(self) -> Any:
        return self._serving.event

    @current_event.setter
    def current_event(self, value: Any) -> None:
        self._serving.event = value

    @property
    def lambda_context(self) -> Any:
        return getattr(self._serving, "context", None)

    @lambda_context.setter
    def lambda_context(self, value: Any) -> None:
        self._serving.context = value

    def include_router(self, router: Any, prefix: str | None = None) -> None:
        super().include_router(router, prefix)
        self._own_routers = [*getattr(self, "_own_routers", []), router]

    def resolve(self, event: dict, context: Any) -> dict[str, Any]:
        for router in getattr(self, "_own_routers", []):  # this request's state is this resolver's
            if isinstance(router, Router):
                router.serve_with(self)
        body = event.get("body")
        if body:
            headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
            media = (headers.get("content-type") or "application/json").split(";")[0].strip().lower()
            if not (media == "application/json" or media.endswith("+json")):
                return _refusal(415, "unsupported_media_type", "send the body as application/json")
            if event.get("isBase64Encoded"):
                try:
                    event = {**event, "body": base64.b64decode(body).decode("utf-8"), "isBase64Encoded": False}
                except (ValueError, UnicodeDecodeError):
                    return _refusal(400, "invalid_json", "the request body is not UTF-8 JSON")
        self.current_event = self._to_proxy_event(event)  # what Powertools puts in its class attribute
        self.lambda_context = context
        return super().resolve(event, context)


class AdminResolver(JsonApiResolver):
    """The admin API's resolver: every route is an operation of the role policy, authorized before
    the route runs and before its input is read (a refused caller learns nothing, not even whether
    the input was valid). A route that declares no operation, or one the policy does not know, is
    refused to everyone: nothing is reachable by being forgotten."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._operations: dict[Any, str | None] = {}  # each route's function -> the operation it declared
        self._declared: list[tuple[str, str, str | None]] = []
        super().__init__(*args, **kwargs)

    def route(self, rule: Any, method: Any, *args: Any, **kwargs: Any) -> Any:
        register = super().route(rule, method, *args, **kwargs)

        def declared(func: Any) -> Any:
            self._operations[func] = admin.declared_operation(func)
            for each in [method] if isinstance(method, str) else method:
                self._declared.append((each.upper(), rule, self._operations[func]))
            return register(func)

        return declared

    def declarations(self) -> list[tuple[str, str, str | None]]:
        """Every route as (method, path, the operation it declared)."""
        return list(self._declared)

    def _call_route(self, route: Any, route_arguments: dict[str, str]) -> Any:
        # Powertools calls every matched route here, before its middlewares (request validation first)
        if route.func not in self._operations:  # not a route of ours: the not-found answer, a CORS preflight
            return super()._call_route(route, route_arguments)
        try:
            member = admin.authorize(self.current_event, self._operations[route.func])
        except DomainError as exc:
            return self._call_exception_handler(exc, route)
        with admin.serving(member):
            return super()._call_route(route, route_arguments)


def _resolver(kind: type[JsonApiResolver] = JsonApiResolver) -> APIGatewayRestResolver:
    app = kind(enable_validation=True, cors=CORS)
    errors.install(app)
    return app


def _public_routers() -> list:
    from regulars.api import feedback, manage, public

    return [public.router, manage.router, feedback.router]


def _admin_routers() -> list:
    from regulars.api.admin import (
        analytics,
        appointments,
        campaigns,
        catalog,
        clients,
        loyalty,
        retention,
        rights,
        team,
    )

    return [catalog.router, clients.router, appointments.router, loyalty.router, retention.router, rights.router,
            campaigns.router, analytics.router, team.router]


def public_app() -> APIGatewayRestResolver:
    app = _resolver()
    for router in _public_routers():
        app.include_router(router)
    return app


def admin_app() -> APIGatewayRestResolver:
    app = _resolver(AdminResolver)
    for router in _admin_routers():
        app.include_router(router)
    return app


def openapi_document() -> dict:
    """Every route of every function in one document."""
    app = _resolver()
    for router in (*_public_routers(), *_admin_routers()):
        app.include_router(router)
    return app.get_openapi_schema(title=TITLE, version="1.0.0",
                                  description="Booking widget, manage link and admin API").model_dump(
        mode="json", by_alias=True, exclude_none=True)
