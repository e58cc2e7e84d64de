"""The sweep benchmark's claim, on a small table: a tick reads the due jobs and nothing else. The
benchmark runs as ``make bench`` runs it (its own process and DynamoDB Local)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.xdist_group("bench-sweep")
ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 1_000
DUE = 50


def test_a_tick_reads_the_due_jobs_not_the_table():
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--only", "sweep", "--clients", str(CLIENTS)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(["local", "layers/regulars"])},
    )
    assert done.returncode == 0, done.stderr
    rows = {
        line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
        for line in done.stdout.splitlines()
        if line.startswith(("| one", "| a Scan"))
    }
    tick, scan = rows["one tick (due-day index)"], rows["a Scan of the table"]
    assert int(tick[1]) == DUE  # the items the tick's Queries returned: the due jobs, nothing else
    assert int(scan[1]) == 3 * CLIENTS + DUE + 1  # clients, phones, future jobs, due jobs, the watermark
    assert float(tick[2]) * 10 < float(scan[2])
    assert f"queued {DUE} jobs" in done.stdout
