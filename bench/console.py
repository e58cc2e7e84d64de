"""The console's first screen: how many bytes of JavaScript it needs (gzipped, as served) and how long
the calendar takes to show a day of the demo salon, in headless Chromium against the local runtime.
Beside it, the client's booking page on a phone over a throttled profile (Lighthouse's mobile one:
150 ms round trips, 1.6 Mbit/s down, 750 kbit/s up, the CPU four times slower): its bytes and the time
until the first free times can be tapped.

The time is the console's own mark (``first-screen``: the day's visits drawn), from the navigation's
start, over fresh browser contexts (nothing cached); beside it, in the same loads, the part spent
waiting on the API, so the ratio says where the time goes. Goals: 300 KB of JavaScript, 1 s."""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench.report import table, verdict

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "console" / "dist"
JS_GOAL = 300 * 1024
TIME_GOAL_MS = 1000.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _runtime(clients: int) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "regulars_local",
            "--port",
            str(port),
            "--demo-clients",
            str(clients),
            "--no-demo-cache",
            "--log-level",
            "ERROR",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if urllib.request.urlopen(base + "/health", timeout=5).status == 200:
                    break
            if process.poll() is not None:
                raise RuntimeError("the local runtime exited")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(30)


def _token(base: str) -> str:
    body = json.dumps({"email": "owner@demo.regulars.local", "password": "demo-password"}).encode()
    request = urllib.request.Request(base + "/local/auth/token", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return str(json.load(answer)["id_token"])


def _all_js() -> int:
    return sum(len(gzip.compress(p.read_bytes(), 9)) for p in DIST.glob("assets/*.js"))


WIDGET_GOAL_MS = 3000.0
WIDGET_BYTES_GOAL = 100 * 1024
# Lighthouse's mobile profile, as Chromium's DevTools protocol takes it
THROTTLED = {
    "offline": False,
    "latency": 150,
    "downloadThroughput": 1.6 * 1024 * 1024 / 8,
    "uploadThroughput": 750 * 1024 / 8,
}
_SHOWN = """new MutationObserver((_, seen) => {
  if (document.querySelector('#slots button')) { window.__timesShown = performance.now(); seen.disconnect(); }
}).observe(document, {subtree: true, childList: true});"""


def _widget(browser: Any, base: str, loads: int) -> tuple[list[float], int]:
    """The booking page's loads on a throttled phone: ms until the first time button, and the bytes
    of the page, its scripts and styles (gzipped, as served) of the last load."""
    times: list[float] = []
    first_bytes = 0
    for n in range(loads + 1):  # the first load warms the public function, and is not counted
        context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
        context.add_init_script(_SHOWN)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", THROTTLED)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
        bodies: list[bytes] = []
        page.on(
            "response",
            lambda r, into=bodies: (
                into.append(r.body())
                if r.request.resource_type in ("document", "script", "stylesheet") and r.ok
                else None
            ),
        )
        page.goto(base + "/book.html?salon=demo")
        page.wait_for_function("window.__timesShown !== undefined", timeout=60_000)
        if n:
            times.append(float(page.evaluate("window.__timesShown")))
            first_bytes = sum(len(gzip.compress(b, 9)) for b in bodies)
        context.close()
    return times, first_bytes


def report(loads: int = 10, clients: int = 60) -> str:
    chromium = os.environ.get("REGULARS_CHROMIUM")
    if not chromium or not (DIST / "index.html").is_file():
        return "### The console's first screen\n\nSkipped: it needs the built console and Chromium (`make bench` gives both).\n"
    from playwright.sync_api import sync_playwright

    times: list[float] = []
    waits: list[float] = []
    first_js = 0
    with _runtime(clients) as base, sync_playwright() as p:
        token = _token(base)
        user = {
            "id_token": token,
            "access_token": token,
            "token_type": "Bearer",
            "profile": {"sub": "bench"},
            "expires_at": int(time.time()) + 3600,
        }
        key = f"oidc.user:{base}/local/oidc:regulars-local-client"
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for n in range(loads + 1):  # the first load warms the runtime's functions, and is not counted
            context = browser.new_context(viewport={"width": 1366, "height": 900})
            context.add_init_script(
                f"sessionStorage.setItem({json.dumps(key)}, {json.dumps(json.dumps(user))});"
            )
            page = context.new_page()
            scripts: list[bytes] = []
            page.on(
                "response",
                lambda r, into=scripts: (
                    into.append(r.body()) if r.request.resource_type == "script" and r.ok else None
                ),
            )
            page.goto(base + "/calendar")
            page.wait_for_function("performance.getEntriesByName('first-screen').length > 0", timeout=30_000)
            shown, api = page.evaluate(
                """() => {
                    const shown = performance.getEntriesByName('first-screen')[0].startTime;
                    const calls = performance.getEntriesByType('resource').filter(e => e.name.includes('/v1/') && e.responseEnd <= shown);
                    const busy = calls.length ? Math.max(...calls.map(e => e.responseEnd)) - Math.min(...calls.map(e => e.startTime)) : 0;
                    return [shown, busy];
                }"""
            )
            if n:
                times.append(shown)
                waits.append(api)
                first_js = sum(len(gzip.compress(b, 9)) for b in scripts)
            context.close()
        widget_times, widget_bytes = _widget(browser, base, loads)
        browser.close()
    median = statistics.median(times)
    p90 = sorted(times)[max(0, int(len(times) * 0.9) - 1)]
    wait = statistics.median(waits)
    rows = [
        (
            "JavaScript for the first screen (gzipped)",
            f"{first_js / 1024:.0f} KB",
            "300 KB",
            verdict(first_js, JS_GOAL),
        ),
        ("JavaScript of the whole console (gzipped)", f"{_all_js() / 1024:.0f} KB", "", ""),
        (
            f"First screen, median of {loads} fresh loads",
            f"{median:.0f} ms",
            "1000 ms",
            verdict(median, TIME_GOAL_MS),
        ),
        ("First screen, 90th percentile", f"{p90:.0f} ms", "", ""),
        ("of which waiting on the API (median)", f"{wait:.0f} ms ({wait / median:.0%})", "", ""),
    ]
    widget_median = statistics.median(widget_times)
    widget_rows = [
        (
            "The page, its scripts and styles (gzipped)",
            f"{widget_bytes / 1024:.0f} KB",
            "100 KB",
            verdict(widget_bytes, WIDGET_BYTES_GOAL),
        ),
        (
            f"First free times shown, median of {loads} fresh loads",
            f"{widget_median:.0f} ms",
            "3000 ms",
            verdict(widget_median, WIDGET_GOAL_MS),
        ),
        (
            "First free times shown, 90th percentile",
            f"{sorted(widget_times)[max(0, int(len(widget_times) * 0.9) - 1)]:.0f} ms",
            "",
            "",
        ),
    ]
    return (
        table(
            "The console's first screen",
            ["Figure", "Measured", "Goal", "Met"],
            rows,
            note=f"The calendar of the demo salon ({clients} clients) on the local runtime, headless Chromium, "
            "nothing cached between loads.",
        )
        + "\n"
        + table(
            "The booking page on a throttled phone",
            ["Figure", "Measured", "Goal", "Met"],
            widget_rows,
            note="`/book.html?salon=demo` at 390x844, 150 ms round trips, 1.6 Mbit/s down, the CPU 4x slower, "
            "nothing cached between loads; the time is from the navigation's start until the first time button "
            "is in the page (the catalog, the strip of days and the day's times fetched and drawn).",
        )
    )
