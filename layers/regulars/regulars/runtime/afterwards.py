"""Work a stream batch owes each client it touched, done once per client when the batch ends.

What depends only on the table's state (a client's lifecycle status, their loyalty tier) need not be
worked out again for every record: a client's history imported at once would cost one refresh per
visit. Inside :func:`batch`, :func:`once_per_client` notes the client; when the batch's records are
through, each piece of work runs once for each client noted, in the order the work was first asked
for, clients in order. Outside a batch it runs at once.

A piece of work that fails fails the batch: its records come again, their effects are keyed, and
the work is done again, which it must bear (it reads the table afresh each time).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from datetime import datetime

# work(salon_id, client_id, now, cause): the cause the last record that gave one gave ("" for none)
Work = Callable[[str, str, datetime, str], object]

_pending: contextvars.ContextVar[dict[Work, dict[tuple[str, str], str]] | None] = contextvars.ContextVar(
    "afterwards", default=None
)


def once_per_client(work: Work, salon_id: str, client_id: str, now: datetime, cause: str = "") -> None:
    """Run ``work`` for the client when the batch ends (now, outside a batch)."""
    pending = _pending.get()
    if pending is None:
        work(salon_id, client_id, now, cause)
    else:
        clients = pending.setdefault(work, {})
        clients[(salon_id, client_id)] = cause or clients.get((salon_id, client_id), "")


@contextlib.contextmanager
def batch(now_of: Callable[[], datetime]) -> Iterator[None]:
    """Collect what the records ask for and do it, once per client, when they are through."""
    token = _pending.set({})
    try:
        yield
        pending = _pending.get() or {}
    finally:
        _pending.reset(token)
    for work, clients in pending.items():
        for (salon_id, client_id), cause in sorted(clients.items()):
            work(salon_id, client_id, now_of(), cause)
