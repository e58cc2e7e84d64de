"""Starting and stopping the local runtime: signals stop everything it started; no Java, no problem."""

import os
import signal
import socket
import sys
import time
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
