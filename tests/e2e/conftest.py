"""The end-to-end tests: the application on the local runtime over HTTP (the fixtures that start
runtimes are in support/runtime.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.runtime import LocalRuntime, launch


@pytest.fixture(scope="session")
def demo_runtime(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalRuntime]:
    """The README's first command as a user runs it: the real template with the demo salon, its
    history already through the stream processor. The salon has 120 clients rather than 300: each
    visit of its history passes through the whole stream processor as it would in AWS, which on a
    2-core machine shared with the other tests is minutes of work for 300."""
    with launch("--demo-clients", "120", log_dir=tmp_path_factory.mktemp("demo-runtime")) as started:
        started.drain(timeout=300)
        yield started
