"""Markdown tables and the few statistics the benchmarks need."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence


def median_ms(seconds: Iterable[float]) -> float:
    return statistics.median(seconds) * 1000


def ratio(value: float, base: float) -> float:
    return value / base if base else float("inf")


def verdict(value: float, goal: float) -> str:
    return "yes" if value <= goal else "no"


def table(title: str, header: Sequence[str], rows: Iterable[Sequence[object]], note: str = "") -> str:
    """A Markdown table under a heading, so that the output can be pasted into docs as it is."""
    body = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in body)) if body else len(h) for i, h in enumerate(header)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    out = [f"### {title}", "", line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in body]
    if note:
        out += ["", note]
    return "\n".join(out) + "\n"


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)
