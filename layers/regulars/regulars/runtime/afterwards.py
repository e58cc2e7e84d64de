"""Work a stream batch owes when it ends: once per client it touched, or once for all its records.

What depends only on the table's state (a client's lifecycle status, their loyalty tier) need not be
worked out again for every record: a client's history imported at once would cost one refresh per
visit. Inside :func:`batch`, :func:`once_per_client` notes the client; when the batch's records are
through, each piece of work runs once for each client noted, in the order the work was first asked
for, clients in order. Outside a batch it runs at once.

Writes that many records make to the same few items (a month's tallies) are cheaper merged:
:func:`gather` hands an item to a flush, which gets everything gathered for it when the records are
through (before the per-client work), and writes it in as few calls as it can.

A piece of work or a flush that fails fails the batch: its records come again, their effects are
keyed, and the work is done again, which it must bear (it reads the table afresh each time).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

# work(salon_id, client_id, now, cause): the cause the last record that gave one gave ("" for none)
Work = Callable[[str, str, datetime, str], object]

# flush(items, now): everything gathered for it in the batch, in the order gathered
Flush = Callable[[list[Any], datetime], object]

_gathered: contextvars.ContextVar[dict[Flush, list[Any]] | None] = contextvars.ContextVar(
    "gathered", default=None
)
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


def gather(flush: Flush, item: Any) -> bool:
    """Give ``item`` to ``flush`` when the batch ends; False outside a batch (the caller acts now)."""
    gathered = _gathered.get()
    if gathered is None:
        return False
    gathered.setdefault(flush, []).append(item)
    return True


@contextlib.contextmanager
def batch(now_of: Callable[[], datetime]) -> Iterator[None]:
    """Collect what the records ask for and do it, once per client, when they are through."""
    token, gathering = _pending.set({}), _gathered.set({})
    try:
        yield
        pending = _pending.get() or {}
        gathered = _gathered.get() or {}
    finally:
        _pending.reset(token)
        _gathered.reset(gathering)
    for flush, items in gathered.items():
        flush(items, now_of())
    for work, clients in pending.items():
        for (salon_id, client_id), cause in sorted(clients.items()):
            work(salon_id, client_id, now_of(), cause)
