"""Fresh provider fakes on free loopback ports for each test, a movable clock, an HTTP client, and a
webhook of ours that records what the fakes deliver to it."""

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from regulars_local.providers import FakeTelegram, FakeWhatsApp

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class ManualClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass(frozen=True)
class Delivery:
    method: str
    path: str
    query: str
    headers: dict[str, str]  # names in lower case
    body: bytes


Reply = tuple[int, str, bytes]  # status, content type, body


class Webhook:
    """Our side of a provider's webhook: records every delivery and answers with ``respond``."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self.respond: Callable[[Delivery], Reply] = lambda delivery: (200, "text/plain", b"")
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def _handle(self) -> None:
                path, _, query = self.path.partition("?")
                length = int(self.headers.get("Content-Length") or 0)
                headers = {name.lower(): value for name, value in self.headers.items()}
                delivery = Delivery(self.command, path, query, headers, self.rfile.read(length))
                receiver.deliveries.append(delivery)
                status, content_type, body = receiver.respond(delivery)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _handle

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/webhook"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def telegram(clock: ManualClock) -> Iterator[FakeTelegram]:
    with FakeTelegram(clock=clock) as fake:
        yield fake


@pytest.fixture
def whatsapp(clock: ManualClock) -> Iterator[FakeWhatsApp]:
    with FakeWhatsApp(clock=clock) as fake:
        yield fake


@pytest.fixture(scope="session")
def http() -> Iterator[httpx.Client]:
    with httpx.Client(trust_env=False, timeout=5.0) as client:
        yield client


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    receiver = Webhook()
    yield receiver
    receiver.close()
