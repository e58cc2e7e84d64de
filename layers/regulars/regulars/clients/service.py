"""Client use cases of the admin API: find a client by phone or name, add one, the client card
(their visits and messages), a message written by the salon, a change of details.

A new client or a new birthday plans the birthday greeting; a phone is read in the salon's country."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from regulars.booking import repo as appointment_store
from regulars.clients import repo as client_store
from regulars.clients.model import Client
from regulars.core import appointments as booking_model
from regulars.core.errors import Conflict, InvalidInput
from regulars.core.ids import new_id
from regulars.core.phones import to_e164
from regulars.loyalty import birthdays
from regulars.messaging.outbox import repo as outbox
from regulars.messaging.outbox.model import MessageRecord
from regulars.salon import service as salon_service
from regulars.salon.model import Salon

PHONE_LIKE = re.compile(r"[+\d\s().-]{5,}")  # what a search reads as a phone number, not a name


def search(salon_id: str, text: str, *, limit: int = 50) -> list[Client]:
    """The client with this phone (in any format, read in the salon's country), or the clients whose
    name starts with ``text`` (case and accents aside)."""
    text = text.strip()
    if not PHONE_LIKE.fullmatch(text):
        return client_store.search_by_name(salon_id, text, limit=limit)
    try:
        phone = to_e164(text, salon_service.salon(salon_id).country)
    except InvalidInput:
        return []
    client_id = client_store.client_id_by_phone(salon_id, phone)
    return [client_store.get(salon_id, client_id)] if client_id else []


def create(salon_id: str, *, name: str, phone: str, email: str | None = None, birthday: date | None = None,
           locale: str | None = None, notes: str | None = None, tags: list[str] | None = None,
           marketing_consent: bool | None = None, by: str, now: datetime) -> Client:
    """A client added by the salon (``by``), with their marketing consent as the salon recorded it;
    Conflict if a client has this phone."""
    salon = salon_service.salon(salon_id)
    consents = {}
    if marketing_consent is not None:
        consents["marketing"] = {"granted": marketing_consent, "at": now.isoformat(), "source": "admin",
                                 "text": f"recorded by {by}"}
    client = Client(
        id=new_id(now), name=name, phone=to_e164(phone, salon.country), email=email, birthday=birthday,
        locale=locale or salon.locale, notes=notes, tags=tags or [], consents=consents, created_at=now,
        source="admin",
    )
    created = client_store.create(salon_id, client)
    birthdays.schedule_birthday(salon_id, created, now)
    return created


@dataclass(frozen=True)
class Card:
    client: Client
    salon: Salon  # the visits are shown in its time zone
    appointments: list[booking_model.Appointment]  # newest first
    messages: list[MessageRecord]  # newest first


def card(salon_id: str, client_id: str) -> Card:
    """The client with their visits and the messages to them; NotFound for a client not of the salon."""
    client = client_store.get(salon_id, client_id)
    return Card(client, salon_service.salon(salon_id), appointment_store.for_client(salon_id, client_id),
                outbox.for_client(salon_id, client_id))


def send_message(salon_id: str, client_id: str, *, text: str, purpose: str, key: str, by: str,
                 now: datetime) -> MessageRecord:
    """A message written by the salon, planned for the client's channel (a marketing one with their
    consent, outside quiet hours, within the frequency cap). The same ``key``, the same message: a
    retried request plans nothing new; Conflict if ``key`` was used for another message. NotFound
    for a client not of the salon; Conflict once their data was erased."""
    client_store.get_reachable(salon_id, client_id)
    message_id = f"direct-{client_id}-{key}"
    outbox.plan(outbox.PlannedMessage(
        salon_id=salon_id, message_id=message_id, kind="direct", purpose=purpose, recipient="client",
        client_id=client_id, text=text, values={"by": by}, created_at=now,
    ))
    planned = outbox.get(salon_id, message_id)
    if planned is None or (planned.client_id, planned.text, planned.purpose) != (client_id, text, purpose):
        raise Conflict("this Idempotency-Key was used for another message", code="idempotency_key_reused")
    return planned


def change(salon_id: str, client_id: str, changes: dict[str, Any], now: datetime) -> Client:
    """Change a client's details (a new phone read in the salon's country; a new birthday replans
    the greeting); NotFound for a client not of the salon."""
    if "phone" in changes:
        changes = {**changes, "phone": to_e164(changes["phone"], salon_service.salon(salon_id).country)}
    updated = client_store.update(salon_id, client_id, changes)
    if "birthday" in changes:
        birthdays.schedule_birthday(salon_id, updated, now)
    return updated
