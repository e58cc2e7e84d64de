"""The front desk's use cases across features: the client card (the client, their visits, the messages to
them) and a message written by the salon to a client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from regulars.booking import repo as appointment_store
from regulars.clients import repo as client_store
from regulars.clients.model import Client
from regulars.core.appointments import Appointment
from regulars.core.errors import Conflict
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.outbox.model import MessageRecord
from regulars.salon import service as salon_service
from regulars.salon.model import Salon


@dataclass(frozen=True)
class Card:
    client: Client
    salon: Salon  # the visits are shown in its time zone
    appointments: list[Appointment]  # newest first
    messages: list[MessageRecord]  # newest first


def card(salon_id: str, client_id: str) -> Card:
    """The client with their visits and the messages to them; NotFound for a client not of the salon."""
    client = client_store.get(salon_id, client_id)
    return Card(
        client,
        salon_service.salon(salon_id),
        appointment_store.for_client(salon_id, client_id),
        outbox.for_client(salon_id, client_id),
    )


def send_message(
    salon_id: str, client_id: str, *, text: str, purpose: str, key: str, by: str, now: datetime
) -> MessageRecord:
    """A message written by the salon, planned for the client's channel (a marketing one with their
    consent, outside quiet hours, within the frequency cap). The same ``key``, the same message: a
    retried request plans nothing new; Conflict if ``key`` was used for another message. NotFound
    for a client not of the salon; Conflict once their data was erased."""
    client_store.get_reachable(salon_id, client_id)
    message_id = f"direct-{client_id}-{key}"
    outbox.plan(
        outbox.PlannedMessage(
            salon_id=salon_id,
            message_id=message_id,
            kind="direct",
            purpose=purpose,
            recipient="client",
            client_id=client_id,
            text=text,
            values={"by": by},
            created_at=now,
        )
    )
    planned = outbox.get(salon_id, message_id)
    if planned is None or (planned.client_id, planned.text, planned.purpose) != (client_id, text, purpose):
        raise Conflict("this Idempotency-Key was used for another message", code="idempotency_key_reused")
    return planned
