"""The stream processor's use case: stream record -> domain events -> effects, each exactly once."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from regulars.clients import stats
from regulars.events import AppointmentEvent, derive
from regulars.notifications import reminders
from regulars.store import appointments as appointment_store
from regulars.store import client_stats


def events_of(record: dict[str, Any]) -> list[AppointmentEvent]:
    change = record.get("dynamodb", {})
    return derive(appointment_store.from_image(change.get("OldImage")),
                  appointment_store.from_image(change.get("NewImage")))


def handle(record: dict[str, Any], now: datetime) -> list[AppointmentEvent]:
    """Apply every event of one record; safe to call again with the same record."""
    events = events_of(record)
    for event in events:
        reminders.on_event(event, now)
        if stats.counts(event):
            a = event.appointment
            client_stats.apply_once(a.salon_id, a.client_id, event.event_id,
                                    lambda s, e=event: stats.apply(s, e), now)
    return events
