"""The end-to-end tests: the application on the local runtime over HTTP (the fixtures that start
runtimes are in support/runtime.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.runtime import LocalRuntime, demo_launch


@pytest.fixture(scope="session")
def demo_runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    """The real template with the demo salon, its history already through the stream processor
    (support.runtime.demo_launch: settled once a test run, restored after)."""
    with demo_launch(tmp_path_factory, "demo-runtime") as started:
        yield started
