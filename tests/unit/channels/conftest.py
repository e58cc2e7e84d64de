"""An in-process moto server on a free loopback port, SNS clients pointed at it, a record of every
Publish call as botocore builds it, and a way to make SNS answer with an error of our choosing."""

import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import httpx
import pytest
from botocore.awsrequest import AWSResponse
from botocore.config import Config
from moto.server import ThreadedMotoServer

REGION = "us-east-1"


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def moto_reset(moto_url: str) -> str:
    httpx.post(f"{moto_url}/moto-api/reset", trust_env=False).raise_for_status()
    return moto_url


def sns_client(endpoint_url: str) -> Any:
    return boto3.client(
        "sns",
        region_name=REGION,
        endpoint_url=endpoint_url,
        config=Config(
            retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=1, read_timeout=2
        ),
    )


class _Body:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body


@dataclass
class Sns:
    """An SNS client on moto, with the parameters of every Publish call and scripted error answers."""

    client: Any
    publishes: list[dict[str, Any]] = field(default_factory=list)
    _errors: list[tuple[int, str]] = field(default_factory=list)

    def fail_next(self, status: int, code: str, message: str = "scripted") -> None:
        self._errors.append((status, f"{code}\x00{message}"))

    def _record(self, params: dict[str, Any], **_: Any) -> None:
        self.publishes.append(dict(params))

    def _answer(self, request: Any, **_: Any) -> AWSResponse | None:
        if not self._errors:
            return None
        status, scripted = self._errors.pop(0)
        code, message = scripted.split("\x00")
        body = (
            '<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">'
            f"<Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            "<RequestId>4c6bb4e5-0000-0000-0000-000000000000</RequestId></ErrorResponse>"
        ).encode()
        return AWSResponse(request.url, status, {"Content-Type": "text/xml"}, _Body(body))


@pytest.fixture
def sns(moto_reset: str) -> Sns:
    recorder = Sns(sns_client(moto_reset))
    events = recorder.client.meta.events
    events.register("before-parameter-build.sns.Publish", recorder._record)
    events.register("before-send.sns.Publish", recorder._answer)
    return recorder


@pytest.fixture
def sent_sms(moto_reset: str) -> Callable[[], list[dict[str, Any]]]:
    """The SMS moto recorded, as its own API shows them."""

    def read() -> list[dict[str, Any]]:
        response = httpx.get(f"{moto_reset}/moto-api/data.json", trust_env=False)
        response.raise_for_status()
        return response.json()["sns"]["SMS"]

    return read


@pytest.fixture
def closed_url() -> str:
    """A loopback URL nothing listens on: connections are refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def sns_client_at() -> Callable[[str], Any]:
    return sns_client
