"""One source of "now" for the whole application.

In AWS it is the real UTC time. In the local runtime (and in end-to-end tests) the clock can be
moved forward, so that reminders, expiries and lapses can be watched happening: the offset is
kept in process (the local runtime runs every function in one process) and set through
:func:`advance`. Domain functions never call this module: they take ``now`` as an argument;
only the edges (handlers, the local runtime) read the clock.
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta

_lock = threading.Lock()
_offset = timedelta(seconds=float(os.environ.get("REGULARS_CLOCK_OFFSET_SECONDS", "0") or 0))


def now() -> datetime:
    """The application's current time, timezone-aware UTC, truncated to milliseconds."""
    t = datetime.now(UTC) + _offset
    return t.replace(microsecond=(t.microsecond // 1000) * 1000)


def offset() -> timedelta:
    return _offset


def advance(delta: timedelta) -> datetime:
    """Move the application's time forward (never backward: jobs and watermarks rely on it)."""
    global _offset
    if delta < timedelta(0):
        raise ValueError("the clock only moves forward")
    with _lock:
        _offset += delta
    return now()


def set_offset(value: timedelta) -> None:
    global _offset
    with _lock:
        _offset = value
