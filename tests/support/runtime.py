"""The local runtime as a subprocess, driven over HTTP (a pytest plugin: its fixtures serve the local
runtime's tests and the end-to-end tests alike).

``runtime`` (session-scoped) is ``python -m regulars_local --no-demo`` on a free port with the
project's template; ``fixture_runtime`` runs the test stack in tests/local/fixtures. A test that
needs a runtime of its own (other flags, another environment) calls ``launch_runtime(...)``; each one
it starts is stopped when the test ends.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from regulars_local.demo import snapshot

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_TEMPLATE = ROOT / "tests" / "local" / "fixtures" / "template.yaml"
HEALTH_TIMEOUT = 240.0  # the demo is written before the runtime answers: slow on a busy machine
STOP_TIMEOUT = 30.0
PASSWORD = "local-test-password"


def aws_client(service: str, endpoint: str):
    """A boto3 client for one of the runtime's local endpoints (DynamoDB Local or moto)."""
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ci_environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This environment without anything that could reach a real AWS account or change the port."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "POWERTOOLS_", "REGULARS_")) and k not in ("PORT", "MANAGE_LINK_SECRET")
    }
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


@dataclass
class LocalRuntime:
    base_url: str
    process: subprocess.Popen
    log_path: Path
    http: requests.Session = field(default_factory=requests.Session)

    # --- HTTP -------------------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        token: str | None = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        kwargs.setdefault("timeout", 60)
        return self.http.request(method, self.base_url + path, json=json, headers=all_headers, **kwargs)

    def get(self, path: str, *, token: str | None = None, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, token=token, **kwargs)

    def post(
        self, path: str, *, json: Any = None, token: str | None = None, **kwargs: Any
    ) -> requests.Response:
        return self.request("POST", path, json=json, token=token, **kwargs)

    # --- helpers ----------------------------------------------------------------------------------
    def link_in(self, text: str) -> str:
        """The link behind the one short link in a message's text, as the runtime's redirect gives it."""
        (path,) = re.findall(re.escape(self.base_url) + r"(/s/[0-9A-Za-z]{8})\b", text)
        opened = self.get(path, allow_redirects=False)
        assert opened.status_code == 302, opened.text
        return str(opened.headers["Location"])

    def token(self, salon_id: str, email: str | None = None, role: str = "owner") -> str:
        """An ID token for a (new or updated) local user of ``salon_id``."""
        email = email or f"{role}-{uuid.uuid4().hex[:8]}@{salon_id}.test"
        user = {"email": email, "password": PASSWORD, "salon_id": salon_id, "role": role}
        created = self.post("/local/auth/users", json=user)
        assert created.status_code == 201, created.text
        answer = self.post("/local/auth/token", json={"email": email, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
        return answer.json()["id_token"]

    def drain(self, timeout: float = 180.0) -> dict[str, Any]:
        """Wait until every stream record written so far has been processed; the pumps' counts. The
        limit is there to end a run that would never settle, not to time the work: a runtime shared by
        several tests may still be working through what an earlier test's clock advance set off, and a
        busy two-core machine takes minutes over what an idle one does in seconds."""
        response = self.post("/local/streams/drain", json={"timeout": timeout}, timeout=timeout + 10)
        assert response.status_code == 200, response.text
        return response.json()["counts"]

    def advance(self, minutes: float) -> dict[str, Any]:
        """Move the application clock forward (due schedules fire before this returns)."""
        response = self.post("/local/clock", json={"advance_minutes": minutes})
        assert response.status_code == 200, response.text
        return response.json()

    def sms(self, phone: str, words: str, timeout: float = 30.0) -> list[dict[str, Any]]:
        """What the phone view shows ``phone`` received containing ``words`` (waiting up to ``timeout``)."""
        deadline = time.monotonic() + timeout
        while True:
            got = [
                m
                for m in self.get("/local/phone").json()["messages"]
                if m["to"] == phone and words in m["text"]
            ]
            if got or time.monotonic() > deadline:
                return got
            time.sleep(0.3)

    def prove(self, phone: str, salon_id: str = "demo", timeout: float = 60.0) -> str:
        """Prove ``phone`` as its owner does: ask for a code, read it off the phone view, answer it."""
        started = self.post(f"/v1/salons/{salon_id}/phone-checks", json={"phone": phone})
        assert started.status_code == 202, started.text
        e164 = "+" + "".join(c for c in phone if c.isdigit())
        got = self.sms(e164, "code", timeout=timeout) or self.sms(e164, "Код", timeout=1)
        assert got, f"no code reached {e164}"
        code = re.search(r"\b(\d{6})\b", got[-1]["text"]).group(1)
        proven = self.post(
            f"/v1/salons/{salon_id}/phone-checks/{started.json()['check_id']}",
            json={"phone": phone, "code": code},
        )
        assert proven.status_code == 200, proven.text
        return proven.json()["phone_proof"]

    def resources(self) -> dict[str, Any]:
        return self.get("/local/resources").json()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    # --- lifecycle --------------------------------------------------------------------------------
    def wait_healthy(self, timeout: float = HEALTH_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the runtime exited with {self.process.returncode}:\n{self.log()[-4000:]}")
            try:
                if self.http.get(self.base_url + "/health", timeout=5).status_code == 200:
                    return
            except requests.RequestException:  # not listening yet, or slow on a busy machine
                pass
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"the runtime was not healthy within {timeout:.0f}s:\n{self.log()[-4000:]}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = STOP_TIMEOUT) -> int:
        """Signal the runtime and wait for it to exit (killed if it does not); its exit code."""
        self.http.close()
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


@contextlib.contextmanager
def launch(
    *args: str,
    log_dir: Path,
    template: Path | None = None,
    env: Mapping[str, str] | None = None,
    wait: bool = True,
) -> Iterator[LocalRuntime]:
    """Start ``python -m regulars_local`` with ``args`` on a free port; stop it on leaving."""
    port = free_port()
    # each test's demo is its own (a test of the kept demo gives --demo-cache after this)
    command = [sys.executable, "-m", "regulars_local", "--port", str(port), "--no-demo-cache", *args]
    if template:
        command += ["--template", str(template)]
    log_path = log_dir / f"runtime-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=ci_environment(env), stdout=log, stderr=subprocess.STDOUT
        )
    runtime = LocalRuntime(f"http://127.0.0.1:{port}", process, log_path)
    try:
        if wait:
            runtime.wait_healthy()
        yield runtime
    finally:
        runtime.stop()


DEMO_CLIENTS = 50  # every kind of client of the demo's generator, at a sixth of its default size
# The fake providers answer at any rate, so the demo's runtimes send as fast as they may: at the
# template's rates a sender's share of the SMS rate is 2 a second, and the tests that move the clock
# through weeks of reminders would wait minutes on it. The pacing has tests of its own.
UNPACED = ("--parameter-overrides", "SendRates=sms=1000,telegram=1000,whatsapp=1000,push=1000")


@contextlib.contextmanager
def demo_launch(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[LocalRuntime]:
    """The README's first command as a user runs it: the real template with the demo salon, its history
    already through the functions. Each visit of the history passes through the whole stream processor,
    which on a 2-core machine shared with the other tests is half a minute of work for 50 clients: the
    first runtime of the test run does it and saves the settled table, and the others (on any xdist
    worker) start from that file with ``--restore``."""
    shared = _shared_directory(tmp_path_factory)
    saved = shared / f"demo-{DEMO_CLIENTS}.jsonl"
    log_dir = tmp_path_factory.mktemp(name)
    with contextlib.ExitStack() as running:
        started: LocalRuntime | None = None
        with _locked(shared / "demo.lock"):
            if not saved.exists():
                started = running.enter_context(
                    launch("--demo-clients", str(DEMO_CLIENTS), *UNPACED, log_dir=log_dir)
                )
                started.drain(timeout=300)
                resources = started.resources()
                snapshot.save(
                    aws_client("dynamodb", resources["dynamodb"]["endpoint"]), resources["table"], saved
                )
        if started is None:
            started = running.enter_context(launch("--restore", str(saved), *UNPACED, log_dir=log_dir))
            started.drain(timeout=300)
        yield started


def _shared_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory every xdist worker of this test run shares (the base of their temporary paths)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    with launch("--no-demo", log_dir=tmp_path_factory.mktemp("runtime")) as started:
        yield started


@pytest.fixture(scope="session")
def fixture_runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    """A runtime of the test stack in tests/local/fixtures (echo, recorder and ticker functions)."""
    with launch(
        "--no-demo", log_dir=tmp_path_factory.mktemp("fixture-runtime"), template=FIXTURE_TEMPLATE
    ) as started:
        yield started


LaunchRuntime = Callable[..., LocalRuntime]


@pytest.fixture
def launch_runtime(tmp_path: Path) -> Iterator[LaunchRuntime]:
    """``launch_runtime(*args, template=None, env=None)``: a started runtime, stopped after the test."""
    with contextlib.ExitStack() as stack:

        def start(
            *args: str, template: Path | None = None, env: Mapping[str, str] | None = None
        ) -> LocalRuntime:
            return stack.enter_context(launch(*args, log_dir=tmp_path, template=template, env=env))

        yield start
