"""Frequency caps: at most ``max_per_window`` messages in any sliding ``window`` of time."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta


def _recent(sent_at: Iterable[datetime], now: datetime, window: timedelta) -> list[datetime]:
    if window <= timedelta(0):
        raise ValueError("a frequency cap needs a positive window")
    floor = now - window
    return sorted(t for t in sent_at if t > floor)


def within_cap(sent_at: Iterable[datetime], now: datetime, max_per_window: int, window: timedelta) -> bool:
    """Whether one more message may go at ``now``: fewer than ``max_per_window`` were sent in
    ``(now - window, now]``. Entries later than ``now`` (already queued) count too. A cap of 0 or
    less allows nothing."""
    if max_per_window <= 0:
        _recent((), now, window)
        return False
    return len(_recent(sent_at, now, window)) < max_per_window


def cap_frees_at(
    sent_at: Iterable[datetime], now: datetime, max_per_window: int, window: timedelta
) -> datetime | None:
    """The first instant at or after ``now`` at which :func:`within_cap` holds (assuming nothing
    else is sent meanwhile): ``now`` when it already holds, ``None`` when the cap is 0."""
    recent = _recent(sent_at, now, window)
    if max_per_window <= 0:
        return None
    if len(recent) < max_per_window:
        return now
    # the oldest entries must leave the window until only max_per_window - 1 remain
    return max(now, recent[len(recent) - max_per_window] + window)
