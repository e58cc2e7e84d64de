"""Starting and stopping the local runtime: signals stop everything it started; no Java, no problem."""

import json
import os
import signal
import socket
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("runtime")


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def refuses_connections(endpoint: str) -> bool:
    host, port = endpoint.removeprefix("http://").split(":")
    try:
        socket.create_connection((host, int(port)), timeout=1).close()
    except OSError:
        return True
    return False


def wait_for(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_stop_signal_stops_dynamodb_local_and_exits_0(launch_runtime, sig):
    runtime = launch_runtime("--no-demo")
    dynamodb = runtime.resources()["dynamodb"]
    if dynamodb["backend"] != "dynamodb-local":
        pytest.skip("no Java here: the runtime uses moto's DynamoDB")
    pid, endpoint = dynamodb["pid"], dynamodb["endpoint"]
    assert not gone(pid)
    assert runtime.stop(sig) == 0, runtime.log()[-3000:]
    assert wait_for(lambda: gone(pid)), f"DynamoDB Local (pid {pid}) is still running"
    assert refuses_connections(endpoint)
    assert "stopped" in runtime.log()


def test_without_java_it_falls_back_to_moto_with_a_warning(launch_runtime):
    runtime = launch_runtime("--no-demo", env={"PATH": str(Path(sys.executable).parent), "JAVA_HOME": ""})
    assert runtime.get("/health").json()["dynamodb"] == "moto"
    log = runtime.log()
    assert "WARNING" in log and "no Java found" in log and "moto" in log
    assert runtime.get("/v1/admin/x").status_code == 401


def test_the_settled_demo_is_kept_and_the_next_start_begins_from_it_on_its_day(launch_runtime, tmp_path):
    """What makes a second `make dev` start in seconds: the first keeps the demo once it has settled,
    the next restores it (nothing through the stream again) with the clock at the time it was kept."""
    cache = tmp_path / "demo"
    first = launch_runtime("--demo-clients", "1", "--demo-cache", str(cache))
    assert wait_for(lambda: "the settled demo kept" in first.log(), timeout=180), first.log()[-3000:]
    (kept,) = cache.glob("demo-1-*.json")
    kept_at = datetime.fromisoformat(json.loads(kept.read_text())["clock"])
    seen = first.get("/v1/admin/clients?limit=50", token=first.token("demo")).json()["clients"]
    settled = first.drain()["records"]
    assert len(seen) >= 1 and first.stop() == 0

    second = launch_runtime("--demo-clients", "1", "--demo-cache", str(cache))
    now = datetime.fromisoformat(second.get("/local/clock").json()["now"])
    assert kept_at <= now < kept_at + timedelta(seconds=30)  # placed at its day, running on from there
    assert second.get("/v1/admin/clients?limit=50", token=second.token("demo")).json()["clients"] == seen
    assert second.drain()["records"] < settled / 10  # its history is not sent through the stream again
    log = second.log()
    assert "items restored from" in log and "demo data loaded" not in log
    assert "the settled demo kept from an earlier start: the clock is at its day" in log
