"""The application's clock, moved for a while."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime

from regulars.core import clock


@contextlib.contextmanager
def moment(at: datetime) -> Iterator[None]:
    """The application's clock at ``at`` for a while."""
    saved = clock.offset()
    clock.set_offset(at - datetime.now(UTC))
    try:
        yield
    finally:
        clock.set_offset(saved)
