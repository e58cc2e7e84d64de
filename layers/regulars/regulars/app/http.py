"""The resolvers the functions serve. Built here so the local runtime's OpenAPI document and the
functions cannot disagree about routes."""

from __future__ import annotations

import base64
import importlib
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig

from regulars.core.errors import DomainError, MalformedRequest, PayloadTooLarge, UnsupportedMediaType
from regulars.http import errors

if TYPE_CHECKING:
    from aws_lambda_powertools.event_handler.api_gateway import Router

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

    def include_routes(self, path: str | None = None) -> None:
        """Include the routers that serve the path's area and are not in yet (every router for None)."""
        lazy: _LazyRoutes | None = self.__dict__.get("_lazy_routes")
        if lazy is None:
            return
        with lazy.lock:  # a second caller waits for the routes, never finds them half included
            for source in lazy.pending(path):
                self.include_router(load_router(source))
                lazy.included.add(source[:2])

    def resolve(self, event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        try:
            event = self._admit(dict(event))
        except DomainError as exc:
            return _refusal(exc)
        self.include_routes(event.get("path") or "")
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

        from regulars.http import auth as admin  # the admin API's alone (OpenAPI's parameter types)

        def declared(func: Any) -> Any:
            self._operations[func] = admin.declared_operation(func)
            for each in [method] if isinstance(method, str) else method:
                self._declared.append((each.upper(), rule, self._operations[func]))
            return register(func)

        return declared

    def declarations(self) -> list[tuple[str, str, str | None]]:
        """Every route as (method, path, the operation it declared)."""
        self.include_routes()
        return list(self._declared)

    def _call_route(self, route: Any, route_arguments: dict[str, str]) -> Any:
        # Powertools calls every matched route here, before its middlewares (request validation first)
        if route.func not in self._operations:  # not a route of ours: the not-found answer, a CORS preflight
            return super()._call_route(route, route_arguments)
        from regulars.http import auth as admin
        from regulars.team import gate  # the admin API's alone: the other APIs never read a team

        try:
            member = gate.authorize(self.current_event, self._operations[route.func])
        except DomainError as exc:
            return self._call_exception_handler(exc, route)
        with admin.serving(member):
            return super()._call_route(route, route_arguments)


# Each API's routers, each with the areas of paths it serves: an area is a path's leading segments
# (``/v1/admin/clients``), and no area is the start of another. A resolver imports a router when a
# request reaches one of its areas, with the area's other routers in this order, so a cold start
# builds only the routes (and their models, services and repositories) of the requests it serves.
# tests/unit/test_route_areas.py checks that every route lies in its router's areas and that the
# routes a request matches are the same whatever was loaded before.
RouterSource = tuple[str, str, tuple[str, ...]]  # module, attribute, areas

PUBLIC_ROUTERS: tuple[RouterSource, ...] = (
    ("regulars.booking.routes.public", "router", ("/v1/salons",)),
    ("regulars.booking.routes.manage", "router", ("/v1/manage",)),
    ("regulars.feedback.routes.public", "router", ("/v1/feedback",)),
    ("regulars.booking.routes.feeds", "public", ("/v1/calendar-feeds",)),
    ("regulars.loyalty.routes", "public", ("/v1/manage",)),
    ("regulars.messaging.shortlinks.routes", "router", ("/s",)),
    ("regulars.waitlist.routes.public", "router", ("/v1/salons",)),
)

_A = "/v1/admin/"
ADMIN_ROUTERS: tuple[RouterSource, ...] = (
    ("regulars.salon.routes", "router", (_A + "salon", _A + "services", _A + "staff")),
    ("regulars.clients.routes", "router", (_A + "clients",)),
    ("regulars.desk.routes", "router", (_A + "clients",)),
    ("regulars.booking.routes.admin", "router", (_A + "appointments",)),
    ("regulars.booking.routes.blocks", "router", (_A + "blocks", _A + "staff")),
    ("regulars.booking.routes.feeds", "router", (_A + "staff",)),
    ("regulars.loyalty.routes", "router", (_A + "appointments", _A + "clients", _A + "loyalty")),
    ("regulars.feedback.routes.admin", "router", (_A + "feedback", _A + "tasks")),
    ("regulars.retention.routes", "router", (_A + "clients", _A + "defections", _A + "retention")),
    ("regulars.rights.routes", "router", (_A + "audit", _A + "clients")),
    ("regulars.campaigns.routes", "router", (_A + "campaigns", _A + "segments")),
    ("regulars.analytics.routes", "router", (_A + "analytics",)),
    ("regulars.team.routes", "router", (_A + "me", _A + "team")),
    ("regulars.imports.routes", "router", (_A + "imports", _A + "setup")),
    ("regulars.waitlist.routes.admin", "router", (_A + "waitlist",)),
)

WEBHOOK_ROUTERS: tuple[RouterSource, ...] = (
    ("regulars.messaging.inbound.webhooks", "router", ("/v1/webhooks",)),
)


def area_of(path: str, areas: Iterable[str]) -> str | None:
    """The area a path lies in: the one that is the path or its start up to a ``/``."""
    return next((a for a in areas if path == a or path.startswith(a + "/")), None)


def load_router(source: RouterSource) -> Router:
    module, attribute, _ = source
    router: Router = getattr(importlib.import_module(module), attribute)
    return router


class _LazyRoutes:
    """A resolver's routers, included when a request first reaches one of their areas."""

    def __init__(self, sources: tuple[RouterSource, ...]):
        self.sources = sources
        self.areas = tuple(dict.fromkeys(a for _, _, areas in sources for a in areas))
        self.included: set[tuple[str, str]] = set()
        self.lock = threading.Lock()

    def pending(self, path: str | None) -> list[RouterSource]:
        """The routers not yet included that serve the path's area (all of them for None)."""
        area = None if path is None else area_of(path, self.areas)
        return [
            source
            for source in self.sources
            if (path is None or area in source[2]) and source[:2] not in self.included
        ]


def _resolver[R: JsonApiResolver](kind: type[R], routers: tuple[RouterSource, ...] = ()) -> R:
    app = kind(enable_validation=True, cors=CORS)
    errors.install(app)
    app.__dict__["_lazy_routes"] = _LazyRoutes(routers)
    return app


def public_app() -> JsonApiResolver:
    return _resolver(JsonApiResolver, PUBLIC_ROUTERS)


def admin_app() -> AdminResolver:
    return _resolver(AdminResolver, ADMIN_ROUTERS)


def webhooks_app() -> JsonApiResolver:
    """The providers' webhooks: each POST is authenticated by its gate before anything is read."""
    from regulars.messaging.inbound import webhooks

    app = _resolver(JsonApiResolver, WEBHOOK_ROUTERS)
    app.include_routes()
    for (method, resource), check in webhooks.GATES.items():
        app.gate(method, resource, check)
    return app


def openapi_document() -> dict:
    """Every route of every function in one document, each operation with every status it answers."""
    app = _resolver(JsonApiResolver, (*PUBLIC_ROUTERS, *ADMIN_ROUTERS, *WEBHOOK_ROUTERS))
    app.include_routes()
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
