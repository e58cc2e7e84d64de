"""The library's layers hold: the import contracts of pyproject.toml fail the build on a forbidden
import, PynamoDB and the table's items stay in the store and the repositories, and no two modules
import each other."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = ROOT / "layers" / "regulars" / "regulars"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("regulars", include_external_packages=True, cache_dir=None)


def _storage(module: str) -> bool:
    """The store, each feature's table items and its repositories."""
    last = module.rsplit(".", 1)[-1]
    return module.startswith("regulars.store") or last in ("items", "repo") or last.endswith("_repo")


def _lint_imports(library: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(library.parent)}
    command = [
        str(Path(sys.executable).parent / "lint-imports"),
        "--config",
        str(ROOT / "pyproject.toml"),
        "--no-cache",
    ]
    return subprocess.run(command, cwd=library.parent, env=env, capture_output=True, text=True, check=False)


def test_no_module_outside_the_store_and_the_repositories_imports_pynamodb(graph: grimp.ImportGraph) -> None:
    importers = graph.find_modules_that_directly_import("pynamodb")
    assert importers, "the store itself imports PynamoDB"
    assert sorted(m for m in importers if not _storage(m)) == []


def test_table_items_are_imported_only_by_the_store_and_the_repositories(graph: grimp.ImportGraph) -> None:
    items = {m for m in graph.modules if m.startswith("regulars.") and m.rsplit(".", 1)[-1] == "items"}
    assert len(items) >= 10, items
    importers = {i for m in items for i in graph.find_modules_that_directly_import(m)}
    assert sorted(i for i in importers if not _storage(i)) == []


def test_no_two_modules_import_each_other_even_through_others(graph: grimp.ImportGraph) -> None:
    ours = sorted(m for m in graph.modules if m.startswith("regulars."))
    cycles = [
        (a, b)
        for a in ours
        for b in graph.find_modules_directly_imported_by(a)
        if b.startswith("regulars.")
        and not b.startswith(f"{a}.")
        and not a.startswith(f"{b}.")
        and graph.chain_exists(importer=b, imported=a)
    ]
    assert cycles == []


def test_the_contracts_hold_and_a_route_reading_a_repository_breaks_them(tmp_path: Path) -> None:
    assert _lint_imports(LIBRARY).returncode == 0
    copy = tmp_path / "regulars"
    shutil.copytree(LIBRARY, copy, ignore=shutil.ignore_patterns("__pycache__"))
    route = copy / "booking" / "routes" / "admin.py"
    route.write_text(route.read_text() + "\nfrom regulars.booking import repo as _store  # noqa: E402\n")
    broken = _lint_imports(copy)
    assert broken.returncode != 0
    assert "Routes reach the table only through services BROKEN" in broken.stdout
    assert "regulars.booking.routes.admin -> regulars.booking.repo" in broken.stdout
