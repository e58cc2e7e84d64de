"""Client use cases of the admin API: find a client by phone or name, add one, the client card
(their visits and messages), a message written by the salon, a change of details.

A new client or a new birthday plans the birthday greeting; a phone is read in the salon's country."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from regulars.clients import birthdays
from regulars.clients import repo as client_store
from regulars.clients.model import Client
from regulars.core.errors import InvalidInput
from regulars.core.ids import new_id
from regulars.core.phones import to_e164
from regulars.messaging.rules.templates import client_locale
from regulars.salon import service as salon_service

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


def create(
    salon_id: str,
    *,
    name: str,
    phone: str,
    email: str | None = None,
    birthday: date | None = None,
    locale: str | None = None,
    notes: str | None = None,
    tags: list[str] | None = None,
    marketing_consent: bool | None = None,
    by: str,
    now: datetime,
) -> Client:
    """A client added by the salon (``by``), with their marketing consent as the salon recorded it;
    Conflict if a client has this phone."""
    salon = salon_service.salon(salon_id)
    consents = {}
    if marketing_consent is not None:
        consents["marketing"] = {
            "granted": marketing_consent,
            "at": now.isoformat(),
            "source": "admin",
            "text": f"recorded by {by}",
        }
    client = Client(
        id=new_id(now),
        name=name,
        phone=to_e164(phone, salon.country),
        email=email,
        birthday=birthday,
        locale=client_locale(locale, salon.locale, salon.settings.templates),
        notes=notes,
        tags=tags or [],
        consents=consents,
        created_at=now,
        source="admin",
    )
    created = client_store.create(salon_id, client)
    birthdays.schedule_birthday(salon_id, created, now)
    return created


def change(salon_id: str, client_id: str, changes: dict[str, Any], now: datetime) -> Client:
    """Change a client's details (a new phone read in the salon's country; a new birthday replans
    the greeting); NotFound for a client not of the salon."""
    if "phone" in changes:
        changes = {**changes, "phone": to_e164(changes["phone"], salon_service.salon(salon_id).country)}
    if changes.get("locale"):
        salon = salon_service.salon(salon_id)
        changes = {
            **changes,
            "locale": client_locale(changes["locale"], salon.locale, salon.settings.templates),
        }
    updated = client_store.update(salon_id, client_id, changes)
    if "birthday" in changes:
        birthdays.schedule_birthday(salon_id, updated, now)
    return updated
