"""The end-to-end tests: the application on the local runtime over HTTP (the fixtures that start
runtimes are in support/runtime.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from support.runtime import LocalRuntime, demo_launch


@pytest.fixture(scope="session")
def demo_runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    """The real template with the demo salon, its history already through the stream processor
    (support.runtime.demo_launch: settled once a test run, restored after)."""
    with demo_launch(tmp_path_factory, "demo-runtime") as started:
        yield started


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-sync",
    "--disable-background-networking",
    "--disable-component-update",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium, one a test process (Playwright's sync API allows one per thread)."""
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("REGULARS_CHROMIUM") or None
    if not executable:
        pytest.fail("no Chromium: run the browser tests with `make test` or set REGULARS_CHROMIUM")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield b
        b.close()
