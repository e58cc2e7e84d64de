"""HTTP plumbing the provider fakes share: requests and answers, a threading server on loopback, the record
of every exchange, and the ``/_fake/...`` control surface.

A fake answers each request on a thread of its server, under the fake's lock; an answer may ask to be held
(a provider that is slow to answer), which happens outside the lock and ends early when the fake stops.
"""

from __future__ import annotations

import collections
import email.parser
import email.policy
import json
import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, ClassVar, Self
from urllib.parse import parse_qsl, urlsplit

import httpx

from regulars_local.http_body import read_body

log = logging.getLogger("local.fakes")

CONTROL_PREFIX = "/_fake"
POLL_SECONDS = 0.01  # how often the server loop looks for a stop: stop() returns within it

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


# --- requests and answers -------------------------------------------------------------------------
@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str  # as sent (percent-encoded), without the query string
    query: Mapping[str, str] = field(default_factory=dict)  # the last value of a repeated name wins
    headers: Mapping[str, str] = field(default_factory=dict)  # names in lower case
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def media_type(self) -> str:
        return (self.header("Content-Type") or "").split(";")[0].strip().lower()

    def json(self) -> Any:
        """The body as JSON; ValueError if it is not JSON."""
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        """The text fields of a form-encoded or multipart body; ValueError for any other body."""
        if self.media_type == "application/x-www-form-urlencoded":
            return dict(parse_qsl(self.body.decode(), keep_blank_values=True))
        if self.media_type == "multipart/form-data":
            return _multipart_fields(self.header("Content-Type") or "", self.body)
        raise ValueError(f"not a form body: {self.media_type or 'no Content-Type'}")


def _multipart_fields(content_type: str, body: bytes) -> dict[str, str]:
    parser = email.parser.BytesParser(policy=email.policy.HTTP)
    message = parser.parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    if not message.is_multipart():
        raise ValueError("a multipart body without parts")
    fields: dict[str, str] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        if isinstance(name, str) and part.get_filename() is None and isinstance(payload, bytes):
            fields[name] = payload.decode()
    return fields


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    hold: float = 0.0  # seconds the server waits before it answers

    @classmethod
    def json(cls, status: int, payload: Any, *, hold: float = 0.0) -> HttpResponse:
        return cls(status, json.dumps(payload, ensure_ascii=False).encode(), hold=hold)

    def payload(self) -> Any:
        """The body as JSON (None when empty)."""
        return json.loads(self.body) if self.body else None


@dataclass(frozen=True)
class Exchange:
    """One call a fake answered: the provider's operation, its parsed parameters and the answer."""

    at: datetime
    operation: str  # the provider's name for it ("sendMessage", "messages"); "" for an unknown path
    params: Mapping[str, Any]
    status: int
    response: Any
    held: float = 0.0
    method: str = "POST"
    path: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)
    webhook_reply: bool = False  # a call our webhook made in its response body (Telegram)

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "operation": self.operation,
            "params": dict(self.params),
            "status": self.status,
            "response": self.response,
            "held": self.held,
            "method": self.method,
            "path": self.path,
            "webhookReply": self.webhook_reply,
        }


# --- the fake -------------------------------------------------------------------------------------
class FakeServer(ABC):
    """A provider fake served over HTTP on loopback, on threads of its own.

    ``start()`` binds (port 0: any free port) and returns the fake; ``stop()`` ends it and releases any
    request it holds. Every answered call is recorded as an :class:`Exchange`; ``reset()`` forgets them and
    the fake's state. ``GET /_fake/requests``, ``GET /_fake/messages`` and ``POST /_fake/reset`` show and
    reset the same over HTTP.
    """

    name: ClassVar[str] = "fake"

    def __init__(
        self, *, host: str = "127.0.0.1", port: int = 0, clock: Clock = utc_now, rate_limit: int | None = None
    ) -> None:
        """``rate_limit``: at most this many messages sent in any second of the fake's clock (the
        provider's throughput limit); past it the fake answers as its provider does, and sends nothing."""
        self.host = host
        self.clock = clock
        self.rate_limit = rate_limit
        self.refused_for_rate = 0  # sends refused for the rate limit (never reset)
        self.busiest_second = 0  # the most sends it took in one second (with a rate limit)
        self._last_second: collections.deque[datetime] = collections.deque()
        self._requested_port = port
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._exchanges: list[Exchange] = []
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._outbound: httpx.Client | None = None  # the provider's calls to webhooks

    # lifecycle
    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError(f"the {self.name} fake is already running")
        handler = type("Handler", (_Handler,), {"fake": self})
        self._stopping.clear()
        self._server = _Server((self.host, self._requested_port), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": POLL_SECONDS},
            name=f"fake-{self.name}",
            daemon=True,
        )
        self._thread.start()
        log.debug("the %s fake listens at %s", self.name, self.base_url)
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = self._thread = None
        with self._lock:
            outbound, self._outbound = self._outbound, None
        if outbound is not None:
            outbound.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(f"the {self.name} fake is not running")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # the record
    @property
    def requests(self) -> list[Exchange]:
        with self._lock:
            return list(self._exchanges)

    def wait_for_requests(self, count: int, timeout: float = 5.0) -> list[Exchange]:
        """The record once it holds at least ``count`` exchanges; TimeoutError if it does not in time."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._exchanges) >= count, timeout):
                raise TimeoutError(f"the {self.name} fake had {len(self._exchanges)} of {count} requests")
            return list(self._exchanges)

    def reset(self) -> None:
        """Forget every exchange, message and script (ids keep counting, so they stay unique)."""
        with self._lock:
            self._exchanges.clear()
            self._reset_state()

    def _record(self, exchange: Exchange) -> None:
        with self._changed:
            self._exchanges.append(exchange)
            self._changed.notify_all()

    def _record_answer(
        self, request: HttpRequest, operation: str, params: Mapping[str, Any], response: HttpResponse
    ) -> None:
        self._record(
            Exchange(
                at=self.clock(),
                operation=operation,
                params=params,
                status=response.status,
                response=response.payload(),
                held=response.hold,
                method=request.method,
                path=request.path,
                headers=request.headers,
            )
        )

    # the provider's calls to webhooks
    def _post(self, url: str, body: bytes, headers: Mapping[str, str], timeout: float) -> httpx.Response:
        """POST exactly these bytes."""
        return self._client().post(url, content=body, headers=dict(headers), timeout=timeout)

    def _get(self, url: str, params: Mapping[str, str], timeout: float) -> httpx.Response:
        return self._client().get(url, params=dict(params), timeout=timeout)

    def _client(self) -> httpx.Client:
        with self._lock:
            if self._outbound is None:
                self._outbound = httpx.Client(trust_env=False)  # never through a proxy from the environment
            return self._outbound

    # answering
    def answer(self, request: HttpRequest) -> HttpResponse:
        """The answer to a request, as the server gives it (before any hold)."""
        if request.path == CONTROL_PREFIX or request.path.startswith(CONTROL_PREFIX + "/"):
            return self._control(request)
        with self._lock:
            return self._answer(request)

    def _within_rate(self) -> bool:
        """Take a place among the last second's sends; False past the rate limit (nothing taken)."""
        if self.rate_limit is None:
            return True
        with self._lock:
            now = self.clock()
            while self._last_second and now - self._last_second[0] >= timedelta(seconds=1):
                self._last_second.popleft()
            if len(self._last_second) >= self.rate_limit:
                self.refused_for_rate += 1
                return False
            self._last_second.append(now)
            self.busiest_second = max(self.busiest_second, len(self._last_second))
            return True

    def hold(self, seconds: float) -> None:
        """Wait before answering; a stopping fake stops waiting."""
        self._stopping.wait(seconds)

    def _control(self, request: HttpRequest) -> HttpResponse:
        match request.method, request.path.removeprefix(CONTROL_PREFIX):
            case "GET", "/requests":
                return HttpResponse.json(200, {"requests": [e.to_json() for e in self.requests]})
            case "GET", "/messages":
                with self._lock:
                    return HttpResponse.json(200, {"messages": self._message_log()})
            case "POST", "/reset":
                self.reset()
                return HttpResponse(204)
        return HttpResponse.json(404, {"error": f"no control {request.method} {request.path}"})

    @abstractmethod
    def _answer(self, request: HttpRequest) -> HttpResponse:
        """The provider's answer (called under the lock); records the exchange."""

    @abstractmethod
    def _message_log(self) -> list[dict[str, Any]]:
        """Every message the fake accepted, as JSON, in order (called under the lock)."""

    @abstractmethod
    def _reset_state(self) -> None:
        """Forget the provider's state (called under the lock)."""


# --- the HTTP server ------------------------------------------------------------------------------
class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "regulars-fake"
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall
    fake: FakeServer  # set on the subclass made by FakeServer.start

    def _read_body(self) -> bytes | None:
        return read_body(self.rfile, self.headers)

    def _handle(self) -> None:
        body = self._read_body()
        if body is None:
            self.close_connection = True
            response = HttpResponse.json(413, {"error": "the request body is too large"})
        else:
            target = urlsplit(self.path)
            request = HttpRequest(
                method=self.command,
                path=target.path or "/",
                query=dict(parse_qsl(target.query, keep_blank_values=True)),
                headers={name.lower(): value for name, value in self.headers.items()},
                body=body,
            )
            try:
                response = self.fake.answer(request)
            except Exception:
                log.exception("the %s fake failed on %s %s", self.fake.name, self.command, self.path)
                response = HttpResponse.json(500, {"error": "the fake failed"})
        if response.hold:
            self.fake.hold(response.hold)
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
        except OSError:  # the client gave up (a timeout), or the fake stopped under it
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _handle

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s: " + format, self.fake.name, *args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # socketserver's default backlog of 5 resets bursts of clients
