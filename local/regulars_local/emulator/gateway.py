"""An HTTP gateway on loopback that plays API Gateway (REST, proxy integration) for the template's routes.

Requests become API Gateway v1 proxy events for the function that the template maps to the path
and method (resources matched as API Gateway does: literal segments before ``{param}`` before
``{proxy+}``); the function's proxy response becomes the HTTP response. Anything API Gateway
itself would answer (no route, a failed authorizer, a broken function) is answered here, in the
application's error shape.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import mimetypes
import re
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from regulars_local.auth import Unauthorized
from regulars_local.emulator.template import ApiRoute
from regulars_local.http_body import read_body

log = logging.getLogger("local.gateway")

ALL_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")
PROXY_RESPONSE_KEYS = {"statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"}


# --- HTTP messages -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Request:
    method: str
    path: str  # percent-encoded, without the query string
    query: list[tuple[str, str]] = field(default_factory=list)
    headers: list[tuple[str, str]] = field(default_factory=list)  # as sent, in order
    body: bytes = b""
    source_ip: str = "127.0.0.1"

    @classmethod
    def from_target(cls, method: str, target: str, **kwargs: Any) -> Request:
        parts = urlsplit(target)
        return cls(
            method.upper(), parts.path or "/", parse_qsl(parts.query, keep_blank_values=True), **kwargs
        )

    def header(self, name: str) -> str | None:
        return next((v for k, v in reversed(self.headers) if k.lower() == name.lower()), None)

    def json(self) -> Any:
        """The body as JSON (an empty body is an empty object); ValueError if it is not JSON."""
        if not self.body.strip():
            return {}
        return json.loads(self.body)


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def json_response(status: int, payload: Any, headers: Iterable[tuple[str, str]] = ()) -> Response:
    return Response(status, [("Content-Type", "application/json"), *headers], json.dumps(payload).encode())


def error_response(status: int, code: str, message: str, headers: Iterable[tuple[str, str]] = ()) -> Response:
    return json_response(status, {"error": {"code": code, "message": message, "fields": []}}, headers)


App = Callable[[Request], Response]


# --- routes ----------------------------------------------------------------------------------------------
_PARAM = re.compile(r"^\{([A-Za-z0-9_.-]+)(\+?)\}$")


@dataclass(frozen=True)
class Resource:
    """A path template, split: literal segments, ``{name}`` and a final greedy ``{name+}``."""

    template: str
    segments: tuple[tuple[str, str], ...]  # (kind, text): kind is "literal", "param" or "greedy"

    @classmethod
    def parse(cls, template: str) -> Resource:
        segments: list[tuple[str, str]] = []
        for part in [p for p in template.strip("/").split("/") if p]:
            found = _PARAM.match(part)
            if not found:
                segments.append(("literal", part))
            else:
                segments.append(("greedy" if found.group(2) else "param", found.group(1)))
        if any(kind == "greedy" for kind, _ in segments[:-1]):
            raise ValueError(f"{template}: a greedy {{name+}} must be the last segment")
        return cls(template, tuple(segments))

    def match(self, parts: list[str]) -> dict[str, str] | None:
        params: dict[str, str] = {}
        for i, (kind, text) in enumerate(self.segments):
            if kind == "greedy":
                if i >= len(parts):
                    return None
                params[text] = "/".join(parts[i:])
                return params
            if i >= len(parts):
                return None
            if kind == "literal" and parts[i] != text:
                return None
            if kind == "param":
                params[text] = parts[i]
        return params if len(parts) == len(self.segments) else None

    def specificity(self) -> tuple[int, ...]:
        rank = {"literal": 2, "param": 1, "greedy": 0}
        return tuple(rank[kind] for kind, _ in self.segments)


@dataclass(frozen=True)
class Match:
    route: ApiRoute
    resource: Resource
    path_parameters: dict[str, str]


class RouteTable:
    """The template's API routes, matched as API Gateway matches a request to a resource and method."""

    def __init__(self, routes: Iterable[ApiRoute]):
        self._resources: dict[str, Resource] = {}
        self._methods: dict[str, dict[str, ApiRoute]] = {}
        for route in routes:
            resource = self._resources.setdefault(route.path, Resource.parse(route.path))
            methods = self._methods.setdefault(resource.template, {})
            if route.method in methods:
                raise ValueError(f"{route.method} {route.path} is mapped twice")
            methods[route.method] = route

    def resource(self, path: str) -> tuple[Resource, dict[str, str]] | None:
        """The most specific resource that matches the (percent-encoded) path, and its parameters."""
        parts = [unquote(p) for p in path.strip("/").split("/") if p]
        found = [(r, params) for r in self._resources.values() if (params := r.match(parts)) is not None]
        if not found:
            return None
        return max(found, key=lambda item: item[0].specificity())

    def match(self, method: str, path: str) -> Match | None:
        found = self.resource(path)
        if not found:
            return None
        resource, params = found
        methods = self._methods[resource.template]
        route = methods.get(method.upper()) or methods.get("ANY")
        return Match(route, resource, params) if route else None

    def methods(self, resource: Resource) -> list[str]:
        declared = self._methods[resource.template]
        return list(ALL_METHODS) if "ANY" in declared else sorted({*declared, "OPTIONS"})


# --- CORS ------------------------------------------------------------------------------------------------
def _unquote_cfn(value: Any) -> str:
    text = str(value)
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == "'" else text


@dataclass(frozen=True)
class Cors:
    """SAM's Api ``Cors`` property: the answer to preflight requests."""

    allow_origin: str
    allow_headers: str | None = None
    allow_methods: str | None = None
    max_age: str | None = None
    allow_credentials: bool = False

    @classmethod
    def from_property(cls, value: Any) -> Cors | None:
        if not value:
            return None
        if isinstance(value, str):
            return cls(_unquote_cfn(value))
        return cls(
            allow_origin=_unquote_cfn(value.get("AllowOrigin", "'*'")),
            allow_headers=_unquote_cfn(value["AllowHeaders"]) if "AllowHeaders" in value else None,
            allow_methods=_unquote_cfn(value["AllowMethods"]) if "AllowMethods" in value else None,
            max_age=_unquote_cfn(value["MaxAge"]) if "MaxAge" in value else None,
            allow_credentials=bool(value.get("AllowCredentials", False)),
        )

    def preflight(self, methods: list[str]) -> Response:
        headers = [
            ("Access-Control-Allow-Origin", self.allow_origin),
            ("Access-Control-Allow-Methods", self.allow_methods or ",".join(methods)),
        ]
        if self.allow_headers:
            headers.append(("Access-Control-Allow-Headers", self.allow_headers))
        if self.max_age:
            headers.append(("Access-Control-Max-Age", self.max_age))
        if self.allow_credentials:
            headers.append(("Access-Control-Allow-Credentials", "true"))
        return Response(200, [("Content-Type", "application/json"), *headers], b"{}")


# --- events and responses -----------------------------------------------------------------------------
def _single_and_multi(pairs: Iterable[tuple[str, str]]) -> tuple[dict[str, str], dict[str, list[str]]]:
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        single[name] = value
        multi.setdefault(name, []).append(value)
    return single, multi


def _is_binary(content_type: str | None, binary_media_types: Iterable[str]) -> bool:
    if not content_type:
        return False
    media = content_type.split(";")[0].strip().lower()
    for pattern in binary_media_types:
        kind, _, sub = pattern.lower().partition("/")
        if pattern == "*/*" or media == pattern.lower() or (sub == "*" and media.startswith(kind + "/")):
            return True
    return False


def build_event(
    request: Request,
    match: Match,
    *,
    stage: str,
    authorizer: dict[str, Any] | None = None,
    request_id: str | None = None,
    binary_media_types: Iterable[str] = (),
    now: datetime | None = None,
) -> dict[str, Any]:
    """The API Gateway REST (v1) proxy event for a request matched to a route."""
    request_id = request_id or str(uuid.uuid4())
    now = now or datetime.now(UTC)
    headers, multi_headers = _single_and_multi(request.headers)
    query, multi_query = _single_and_multi(request.query)
    path = unquote(request.path)
    body: str | None = None
    encoded = False
    if request.body:
        if _is_binary(request.header("Content-Type"), binary_media_types):
            body, encoded = base64.b64encode(request.body).decode(), True
        else:
            try:
                body = request.body.decode()
            except UnicodeDecodeError:
                body, encoded = base64.b64encode(request.body).decode(), True
    context: dict[str, Any] = {
        "accountId": "123456789012",
        "apiId": "local",
        "resourceId": "local",
        "resourcePath": match.resource.template,
        "httpMethod": request.method,
        "path": f"/{stage}{path}",
        "stage": stage,
        "requestId": request_id,
        "extendedRequestId": request_id,
        "requestTime": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
        "requestTimeEpoch": int(now.timestamp() * 1000),
        "protocol": "HTTP/1.1",
        "domainName": request.header("Host") or "127.0.0.1",
        "identity": {
            "sourceIp": request.source_ip,
            "userAgent": request.header("User-Agent"),
            "accountId": None,
            "caller": None,
            "user": None,
            "userArn": None,
            "cognitoIdentityId": None,
            "cognitoIdentityPoolId": None,
        },
    }
    if authorizer is not None:
        context["authorizer"] = authorizer
    return {
        "resource": match.resource.template,
        "path": path,
        "httpMethod": request.method,
        "headers": headers or None,
        "multiValueHeaders": multi_headers or None,
        "queryStringParameters": query or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": match.path_parameters or None,
        "stageVariables": None,
        "requestContext": context,
        "body": body,
        "isBase64Encoded": encoded,
    }


class MalformedResponse(ValueError):
    """The function's result is not a valid proxy response (API Gateway answers 502)."""


def proxy_response(result: Any) -> Response:
    """The HTTP response for a function's proxy-integration result, as API Gateway builds it."""
    if not isinstance(result, dict):
        raise MalformedResponse(f"the result is a {type(result).__name__}, not an object")
    extra = set(result) - PROXY_RESPONSE_KEYS
    if extra:
        raise MalformedResponse(f"unexpected keys {sorted(extra)}")
    status = result.get("statusCode")
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise MalformedResponse(f"statusCode {status!r}")
    headers: list[tuple[str, str]] = []
    multi = result.get("multiValueHeaders") or {}
    single = result.get("headers") or {}
    if not isinstance(multi, dict) or not isinstance(single, dict):
        raise MalformedResponse("headers and multiValueHeaders must be objects")
    for name, values in multi.items():
        if not isinstance(values, list):
            raise MalformedResponse(f"multiValueHeaders[{name!r}] must be a list")
        headers += [(name, str(v)) for v in values]
    headers += [(name, str(value)) for name, value in single.items() if name not in multi]
    body = result.get("body")
    if body is not None and not isinstance(body, str):
        raise MalformedResponse(f"body is a {type(body).__name__}, not a string")
    raw = (body or "").encode()
    if result.get("isBase64Encoded") and body:
        try:
            raw = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise MalformedResponse("isBase64Encoded but the body is not base64") from exc
    if not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", "application/json"))
    return Response(status, headers, raw)


# --- the API ---------------------------------------------------------------------------------------------
Invoke = Callable[[str, dict[str, Any]], Any]  # (function logical id, event) -> result
Authorizer = Callable[[Mapping[str, str]], dict[str, Any]]  # headers -> requestContext.authorizer


@dataclass
class ApiGateway:
    routes: RouteTable
    invoke: Invoke
    authorizers: Mapping[str, Authorizer]
    stage: str
    cors: Cors | None = None
    binary_media_types: tuple[str, ...] = ()

    def handles(self, request: Request) -> bool:
        return self.routes.resource(request.path) is not None

    def _gateway_error(self, status: int, code: str, message: str) -> Response:
        cors = [("Access-Control-Allow-Origin", self.cors.allow_origin)] if self.cors else []
        return error_response(status, code, message, cors)

    def __call__(self, request: Request) -> Response:
        request_id = str(uuid.uuid4())
        match = self.routes.match(request.method, request.path)
        if request.method == "OPTIONS" and self.cors and (match is None or match.route.method == "ANY"):
            found = self.routes.resource(request.path)
            if found:
                return self.cors.preflight(self.routes.methods(found[0]))
        if match is None:
            return self._gateway_error(404, "not_found", f"no route for {request.method} {request.path}")
        authorizer_context: dict[str, Any] | None = None
        if match.route.authorizer:
            authorize = self.authorizers.get(match.route.authorizer)
            if authorize is None:
                return self._gateway_error(500, "internal_error", f"no authorizer {match.route.authorizer}")
            try:
                authorizer_context = authorize(dict(request.headers))
            except Unauthorized as exc:
                log.info("%s %s -> 401 (%s)", request.method, request.path, exc)
                return self._gateway_error(401, "unauthorized", "Unauthorized")
        event = build_event(
            request,
            match,
            stage=self.stage,
            authorizer=authorizer_context,
            request_id=request_id,
            binary_media_types=self.binary_media_types,
        )
        started = time.monotonic()
        try:
            response = proxy_response(self.invoke(match.route.function, event))
        except MalformedResponse as exc:
            log.error("%s returned a malformed proxy response: %s", match.route.function, exc)
            response = self._gateway_error(502, "internal_error", "Internal server error")
        except Exception:  # the function's own failure, logged where it was invoked
            response = self._gateway_error(502, "internal_error", "Internal server error")
        response.headers.append(("x-amzn-RequestId", request_id))
        log.info(
            "%s %s -> %d (%s, %.0f ms)",
            request.method,
            request.path,
            response.status,
            match.route.function,
            (time.monotonic() - started) * 1000,
        )
        return response


# --- static files ------------------------------------------------------------------------------------
mimetypes.add_type("text/javascript", ".js")
mimetypes.add_type("text/javascript", ".mjs")
mimetypes.add_type("application/json", ".map")
mimetypes.add_type("image/svg+xml", ".svg")
mimetypes.add_type("application/manifest+json", ".webmanifest")


def content_type(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    textual = kind.startswith("text/") or kind in (
        "application/json",
        "image/svg+xml",
        "application/manifest+json",
    )
    return f"{kind}; charset=utf-8" if textual else kind


@dataclass(frozen=True)
class StaticFiles:
    """Files under ``root`` at ``prefix``; a directory's ``index.html`` for the directory."""

    root: Path
    prefix: str = "/"

    def __call__(self, request: Request) -> Response | None:
        if request.method not in ("GET", "HEAD") or not request.path.startswith(self.prefix):
            return None
        relative = unquote(request.path[len(self.prefix) :]).lstrip("/")
        root = self.root.resolve()
        target = (root / relative).resolve()
        if not target.is_relative_to(root):
            return None
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            return None
        headers = [("Content-Type", content_type(target)), ("Cache-Control", "no-cache")]
        return Response(200, headers, target.read_bytes())


# --- the HTTP server -----------------------------------------------------------------------------------
class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "regulars-local"
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart
    app: App  # set on the subclass made by HttpServer

    def _read_body(self) -> bytes | None:
        return read_body(self.rfile, self.headers)

    def _handle(self) -> None:
        body = self._read_body()
        if body is None:
            self.close_connection = True
            response = error_response(413, "payload_too_large", "Request body larger than 10 MB")
        else:
            request = Request.from_target(
                self.command,
                self.path,
                headers=list(self.headers.items()),
                body=body,
                source_ip=self.client_address[0],
            )
            try:
                response = type(self).app(request)
            except Exception:
                log.exception("%s %s failed in the gateway", self.command, self.path)
                response = error_response(500, "internal_error", "Internal server error")
        try:
            self.send_response(response.status)
            for name, value in response.headers:
                if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _handle

    def __getattr__(self, name: str) -> Any:
        # Any other method (TRACE, PROPFIND, ...) goes to the routes too, which answer it as API
        # Gateway would (404 in the API's error shape), not with the stdlib's HTML 501.
        if name.startswith("do_") and name[3:].isalpha() and name[3:].isupper():
            return self._handle
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.client_address[0], *args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # socketserver's default backlog of 5 resets bursts of clients

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):  # a client that went away: nothing to report
            return
        super().handle_error(request, client_address)


class HttpServer:
    """A threading HTTP server for an :data:`App`, run on a thread of its own."""

    def __init__(self, host: str, port: int, app: App):
        handler = type("Handler", (_Handler,), {"app": staticmethod(app)})
        self._server = _Server((host, port), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, name="gateway", daemon=True)

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
