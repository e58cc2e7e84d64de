"""The resolvers the functions serve. Built here so the local runtime's OpenAPI document and the
functions cannot disagree about routes."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig

from regulars.core.errors import DomainError, MalformedRequest, PayloadTooLarge, UnsupportedMediaType
from regulars.http import auth as admin
from regulars.http import errors
from regulars.team import gate

TITLE = "Regulars API"
CORS = CORSConfig(
    allow_origin="*",
    allow_headers=["Content-Type", "Authorization", "Idempotency-Key"],
    expose_headers=["Idempotent-Replayed", "Retry-After"],
    max_age=600,
)


MAX_BODY_BYTES = 256 * 1024  # the largest request (a salon's settings with its own texts) is far less
MAX_JSON_DEPTH = 32  # the deepest request (a WhatsApp notification) is 8 levels

# A gate runs on the raw event before anything of the request is read, and raises to refuse it (a
# webhook's signature); keyed by method and API Gateway resource.
Gate = Callable[[dict], None]


def _refusal(exc: DomainError) -> dict[str, Any]:
    return {
        "statusCode": errors.status_of(exc),
        "headers": {
            "Content-Type": "application/json",
            "Access-Control-Allow-Origin": "*",
            **errors.response_headers(exc),
        },
        "body": errors.error_body(exc),
        "isBase64Encoded": False,
    }


_JSON_TOKENS = re.compile(r'["\\\[\]{}]')


def nested_deeper_than(text: str, limit: int) -> bool:
    """Whether JSON text nests arrays and objects more than ``limit`` deep, brackets inside strings
    not counted: a scan that costs one step per bracket, quote or backslash, before any parser
    recurses into it."""
    depth, in_string, escaped = 0, False, -1
    for token in _JSON_TOKENS.finditer(text):
        c, at = token.group(), token.start()
        if in_string:
            if at == escaped:
                continue
            if c == "\\":
                escaped = at + 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "[{":
            depth += 1
            if depth > limit:
                return True
        elif c in "]}":
            depth -= 1
    return False


class JsonApiResolver(APIGatewayRestResolver):
    """The API speaks UTF-8 JSON only: a body of another media type is refused with 415, one that is
    not UTF-8 or nests deeper than MAX_JSON_DEPTH with 400, one over MAX_BODY_BYTES with 413, in the
    API's error shape, before anything tries to parse it. A route's gate (a webhook's signature
    check) runs before even that."""

    def gate(self, method: str, resource: str, check: Gate) -> None:
        self.__dict__.setdefault("_gates", {})[(method, resource)] = check

    def resolve(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        try:
            event = self._admit(dict(event))
        except DomainError as exc:
            return _refusal(exc)
        return super().resolve(event, context)

    def _admit(self, event: dict) -> dict:
        """The event with its body as UTF-8 text, or a DomainError that refuses the request."""
        check = self.__dict__.get("_gates", {}).get(
            (event.get("httpMethod"), event.get("resource") or event.get("path"))
        )
        if check is not None:
            check(event)
        body = event.get("body")
        if not body:
            return event
        size = (
            len(body) * 3 // 4 if event.get("isBase64Encoded") else len(body)
        )  # characters: at most the bytes
        if size > MAX_BODY_BYTES or (
            not event.get("isBase64Encoded") and len(body.encode()) > MAX_BODY_BYTES
        ):
            raise PayloadTooLarge(f"the request body is larger than {MAX_BODY_BYTES // 1024} KiB")
        headers = {k.lower(): v for k, v in (event.get("headers") or {}).items()}
        media = (headers.get("content-type") or "application/json").split(";")[0].strip().lower()
        if not (media == "application/json" or media.endswith("+json")):
            raise UnsupportedMediaType("send the body as application/json")
        if event.get("isBase64Encoded"):
            try:
                event = {**event, "body": base64.b64decode(body).decode("utf-8"), "isBase64Encoded": False}
            except (ValueError, UnicodeDecodeError):
                raise MalformedRequest("the request body is not UTF-8 JSON") from None
        if nested_deeper_than(event["body"], MAX_JSON_DEPTH):
            raise MalformedRequest(f"the request body nests deeper than {MAX_JSON_DEPTH} levels")
        return event


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
            member = gate.authorize(self.current_event, self._operations[route.func])
        except DomainError as exc:
            return self._call_exception_handler(exc, route)
        with admin.serving(member):
            return super()._call_route(route, route_arguments)


def _resolver(kind: type[JsonApiResolver] = JsonApiResolver) -> JsonApiResolver:
    app = kind(enable_validation=True, cors=CORS)
    errors.install(app)
    return app


def _public_routers() -> list:
    from regulars.booking.routes import feeds, manage, public
    from regulars.feedback.routes import public as feedback
    from regulars.loyalty import routes as loyalty
    from regulars.messaging.shortlinks import routes as short_links
    from regulars.waitlist.routes import public as waitlist

    return [
        public.router,
        manage.router,
        feedback.router,
        feeds.public,
        loyalty.public,
        short_links.router,
        waitlist.router,
    ]


def _admin_routers() -> list:
    from regulars.analytics import routes as analytics
    from regulars.booking.routes import admin as appointments
    from regulars.booking.routes import blocks, feeds
    from regulars.campaigns import routes as campaigns
    from regulars.clients import routes as clients
    from regulars.desk import routes as desk
    from regulars.feedback.routes import admin as feedback
    from regulars.imports import routes as imports
    from regulars.loyalty import routes as loyalty
    from regulars.retention import routes as retention
    from regulars.rights import routes as rights
    from regulars.salon import routes as catalog
    from regulars.team import routes as team
    from regulars.waitlist.routes import admin as waitlist

    return [
        catalog.router,
        clients.router,
        desk.router,
        appointments.router,
        blocks.router,
        feeds.router,
        loyalty.router,
        feedback.router,
        retention.router,
        rights.router,
        campaigns.router,
        analytics.router,
        team.router,
        imports.router,
        waitlist.router,
    ]


def _webhook_routers() -> list:
    from regulars.messaging.inbound import webhooks

    return [webhooks.router]


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


def webhooks_app() -> APIGatewayRestResolver:
    """The providers' webhooks: each POST is authenticated by its gate before anything is read."""
    from regulars.messaging.inbound import webhooks

    app = _resolver()
    for router in _webhook_routers():
        app.include_router(router)
    for (method, resource), check in webhooks.GATES.items():
        app.gate(method, resource, check)
    return app


def openapi_document() -> dict:
    """Every route of every function in one document, each operation with every status it answers."""
    app = _resolver()
    for router in (*_public_routers(), *_admin_routers(), *_webhook_routers()):
        app.include_router(router)
    document = app.get_openapi_schema(
        title=TITLE,
        version="1.0.0",
        description="Booking widget, manage and feedback links, admin API, webhooks",
    ).model_dump(mode="json", by_alias=True, exclude_none=True)
    _document_statuses(document)
    return document


def statuses_of(path: str, method: str, operation: dict) -> set[int]:
    """The error statuses every operation of its kind can answer, besides the ones its route declares
    (a route declares its own with ``responses=errors.answers(...)``: 429 with Retry-After where it is
    rate-limited, 403 where a link or a signature is checked): 422 (its parameters), 400, 413 and 415
    where it takes a body, 401 and 403 on the admin API (the sign-in and the role), 404 on every API
    operation (what the path or the body names, or the signed-in user's salon, may not exist), 409
    where it changes something and the state may not allow it."""
    statuses = {422}
    if "requestBody" in operation:
        statuses |= {400, 413, 415}
    if path.startswith("/v1/admin/"):
        statuses |= {401, 403}
    if not path.startswith("/v1/webhooks/"):
        statuses.add(404)  # what the path or the body names, or the salon itself
        if method != "get":
            statuses.add(409)
    return statuses


def _document_statuses(document: dict) -> None:
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for status in sorted(statuses_of(path, method, operation)):
                responses.setdefault(str(status), {"description": errors.MEANING[status], "content": error})
            # Powertools describes 422 with a model and words of its own: ours is the one shape
            described = responses["422"].get("description")
            responses["422"] = {
                "description": described if described != "Validation Error" else errors.MEANING[422],
                "content": error,
            }
            operation["responses"] = dict(sorted(responses.items()))
    schemas = document["components"]["schemas"]
    error_schema = errors.ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(error_schema.pop("$defs"))
    schemas["ErrorOut"] = error_schema
    _drop_unused(document)


def _drop_unused(document: dict) -> None:
    """Leave out the component schemas no operation refers to (Powertools' own validation models)."""
    schemas = document["components"]["schemas"]
    used: set[str] = set()
    pending = [document["paths"]]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in used:
                    used.add(name)
                    pending.append(schemas.get(name))
            pending.extend(v for k, v in node.items() if k != "$ref")
        elif isinstance(node, list):
            pending.extend(node)
    document["components"]["schemas"] = {k: v for k, v in schemas.items() if k in used}
