"""Apply an event to a client's statistics exactly once: the event's marker and the new figures are
written in one transaction, the marker under attribute_not_exists and the client under its version."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from regulars.clients import repo as client_store
from regulars.clients.items import Client
from regulars.clients.model import ClientStats
from regulars.core.errors import NotFound
from regulars.store.base import Tx
from regulars.store.items import ProcessedEvent

MARKER_KEEP = timedelta(days=30)  # longer than a stream keeps a record (24 hours)
ATTEMPTS = 8


def apply_once(
    salon_id: str, client_id: str, event_id: str, change: Callable[[ClientStats], ClientStats], now: datetime
) -> ClientStats | None:
    """The statistics as this event left them, if applied now; None if it had been applied before."""
    for _ in range(ATTEMPTS):
        item = client_store.get_item(salon_id, client_id)
        if item is None:
            raise NotFound(f"client {client_id} not found", code="client_not_found")
        after = change(client_store.to_domain(item).stats)
        tx = Tx()
        tx.put(
            ProcessedEvent(salon_id=salon_id, event_id=event_id, processed_at=now, expires=now + MARKER_KEEP),
            ProcessedEvent.pk.does_not_exist(),
            label="event",
        )
        tx.update(
            item,
            actions=[
                Client.visits.set(after.visits),
                Client.no_shows.set(after.no_shows),
                Client.cancellations.set(after.cancellations),
                Client.late_cancellations.set(after.late_cancellations),
                Client.total_spent.set(after.total_spent),
                Client.visit_log.set(after.visit_log),
                *([Client.first_visit_at.set(after.first_visit_at)] if after.first_visit_at else []),
                *([Client.last_visit_at.set(after.last_visit_at)] if after.last_visit_at else []),
            ],
            label="client",
        )
        done = tx.commit_once()  # None: the client changed between read and write (another event, an edit)
        if done is not None:
            return after if done else None
    raise RuntimeError(f"could not apply {event_id} after {ATTEMPTS} attempts")
