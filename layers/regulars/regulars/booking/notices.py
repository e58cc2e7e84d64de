"""Notices of a visit booked, moved or cancelled: to the client and to the staff member.

Planned by the stream processor from the visit's events, one message per event and recipient (the
id is derived from the event, so a redelivered record plans nothing new), routed as they are written
(queued on their channel, or held, or skipped with the reason). A change made long ago
(history imported, a table replayed) is news to no one: only changes made within
:data:`FRESH` of now are announced.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from regulars.booking import repo as appointment_store
from regulars.core.events import AppointmentEvent, EventType
from regulars.messaging.outbox import dispatch
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.rules.templates import MessageKind
from regulars.salon import repo as catalog_store

FRESH = timedelta(hours=1)

_KINDS: dict[EventType, tuple[str, MessageKind, MessageKind]] = {
    EventType.BOOKED: ("booked", MessageKind.APPOINTMENT_BOOKED, MessageKind.STAFF_APPOINTMENT_BOOKED),
    EventType.MOVED: ("moved", MessageKind.APPOINTMENT_MOVED, MessageKind.STAFF_APPOINTMENT_MOVED),
    EventType.CANCELLED: (
        "cancelled",
        MessageKind.APPOINTMENT_CANCELLED,
        MessageKind.STAFF_APPOINTMENT_CANCELLED,
    ),
}


def on_event(event: AppointmentEvent, now: datetime) -> list[str]:
    """Plan the notices an event calls for; the ids of those planned now."""
    if event.type not in _KINDS:
        return []
    a = event.appointment
    changed_at = a.created_at if event.type is EventType.BOOKED else a.updated_at
    if now - changed_at > FRESH or a.end <= now:
        return []
    rules = catalog_store.load_catalog(
        a.salon_id, max_age=catalog_store.RULES_MAX_AGE
    ).salon.settings.notifications
    name, client_kind, staff_kind = _KINDS[event.type]
    values = {"start": a.start.isoformat(), "service_id": a.service_id, "staff_id": a.staff_id}
    if event.previous_start is not None and event.type is EventType.MOVED:
        values["previous_start"] = event.previous_start.isoformat()
    planned = []
    # the client once; each staff member who works on the visit (a visit of several services may have more)
    for recipient, kind, enabled, staff_id, suffix in (
        ("client", client_kind, getattr(rules, f"client_{name}"), a.staff_id, ""),
        *(
            ("staff", staff_kind, getattr(rules, f"staff_{name}"), sid, f"-{sid}" if n else "")
            for n, sid in enumerate(a.staff_ids())
        ),
    ):
        if not enabled:
            continue
        message_id = f"{kind.value}-{event.event_id.replace(':', '-')}{suffix}"
        written = dispatch.plan_routed(  # routed at once and written queued: one write, not two
            outbox.PlannedMessage(
                salon_id=a.salon_id,
                message_id=message_id,
                kind=kind.value,
                purpose="transactional",
                recipient=recipient,
                client_id=a.client_id if recipient == "client" else None,
                about_client_id=None if recipient == "client" else a.client_id,
                staff_id=staff_id,
                appointment_id=a.id,
                values=values,
                created_at=now,
            ),
            now,
            visit_of=appointment_store.find,  # as it is now: a visit cancelled since is announced no more
        )
        if written:
            planned.append(message_id)
    return planned
