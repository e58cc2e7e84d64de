"""The local runtime's tests: its parts in-process and the runtime over HTTP, on loopback only (any
connection beyond it fails the test)."""

from pathlib import Path

from support.network import no_network  # noqa: F401 - an autouse fixture

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in item.path.parents:
            item.add_marker("local")
