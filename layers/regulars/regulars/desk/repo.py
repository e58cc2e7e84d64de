"""The desk's reads across features: everything filed under a client, in one Query, as plain values
(visits as the kernel's appointments; feedback, tasks, defections, messages and ledger entries as their
stored attributes, newest first)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from regulars.booking import repo as visits_store
from regulars.booking.items import Appointment
from regulars.core.appointments import Appointment as Visit
from regulars.feedback.items import Feedback, Task
from regulars.loyalty.items import LedgerEntry
from regulars.messaging.outbox.items import Message
from regulars.retention.items import Defection
from regulars.store import filed


@dataclass(frozen=True)
class Filed:
    visits: list[Visit]  # newest first
    feedback: list[dict[str, Any]]
    tasks: list[dict[str, Any]]
    defections: list[dict[str, Any]]
    messages: list[dict[str, Any]]
    ledger: list[dict[str, Any]]


def filed_under(salon_id: str, client_id: str) -> Filed:
    items = filed.under_client(salon_id, client_id)

    def of[E](kind: type[E]) -> list[E]:
        return [i for i in items if isinstance(i, kind)]

    return Filed(
        visits=[
            visits_store.to_domain(a) for a in sorted(of(Appointment), key=lambda a: a.start, reverse=True)
        ],
        feedback=[filed.dump(f) for f in sorted(of(Feedback), key=lambda f: f.created_at, reverse=True)],
        tasks=[filed.dump(t) for t in of(Task)],
        defections=[filed.dump(d) for d in sorted(of(Defection), key=lambda d: d.at, reverse=True)],
        messages=[filed.dump(m) for m in sorted(of(Message), key=lambda x: x.created_at, reverse=True)],
        ledger=[filed.dump(e) for e in sorted(of(LedgerEntry), key=lambda e: e.created_at, reverse=True)],
    )
