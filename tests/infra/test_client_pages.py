"""The client pages as `make console` builds them (web/ into console/dist beside the console): the
booking page's first view stays small enough for a phone on a slow network, embed.js is one classic
script, and no page loads anything from another origin (no CDN)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

pytestmark = [pytest.mark.infra]

DIST = Path(__file__).resolve().parents[2] / "console" / "dist"
FIRST_VIEW_BUDGET = 100 * 1024  # gzipped bytes: the "at most 100 KB"
PAGES = ("book.html", "manage.html", "feedback.html")


def _built(name: str) -> Path:
    path = DIST / name
    if not path.is_file():
        pytest.fail(f"{path} is missing: build the pages with `make console` (make test builds them first)")
    return path


def _first_view(page: str) -> dict[str, int]:
    """Every file the page loads before it can draw (the page, config.js, its scripts and the scripts
    they import statically, its styles), gzipped."""
    seen: dict[str, int] = {}
    todo = [page]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        body = _built(name).read_bytes()
        seen[name] = len(gzip.compress(body, 9))
        text = body.decode()
        if name.endswith(".html"):
            refs = re.findall(r'(?:src|href)="/([^"]+)"', text)
        elif name.endswith(".js"):
            refs = [f"assets/{m}" for m in re.findall(r'from\s*"\./([^"]+\.js)"', text)]
            refs += [f"assets/{m}" for m in re.findall(r'import\s*"\./([^"]+\.js)"', text)]
        else:
            refs = []
        todo += [r for r in refs if not r.endswith(".svg")]
    return seen


def test_the_booking_pages_first_view_is_at_most_100_kb_gzipped():
    loaded = _first_view("book.html")
    total = sum(loaded.values())
    print(f"booking page, first view: {total / 1024:.1f} KB gzipped in {len(loaded)} files")
    assert any(name.startswith("assets/book-") for name in loaded), loaded
    assert total <= FIRST_VIEW_BUDGET, loaded


def test_the_pages_load_nothing_from_another_origin_and_embed_js_is_a_classic_script():
    for page in PAGES:
        html = _built(page).read_text()
        assert not re.search(r'(?:src|href)="(?:https?:)?//', html), page
    embed = _built("embed.js").read_text()
    assert not re.search(r"^\s*(?:import|export)\b", embed, re.MULTILINE)  # runs from a plain <script src>
    assert "postMessage" in embed and "showModal" in embed
