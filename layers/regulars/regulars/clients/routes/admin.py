"""Admin: clients, searched by phone or name, with their history."""

from __future__ import annotations

import re
from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from regulars.booking import repo as appointment_store
from regulars.booking import views as booking_views
from regulars.clients import repo as client_store
from regulars.clients import views as clients_views
from regulars.clients.model import Client
from regulars.clients.schemas import (
    ClientCreate,
    ClientDetailOut,
    ClientOut,
    ClientPatch,
    ClientsOut,
    MessageIn,
    MessageOut,
)
from regulars.core import clock
from regulars.core.errors import Conflict, InvalidInput
from regulars.core.fields import patch_changes
from regulars.core.ids import new_id
from regulars.core.phones import to_e164
from regulars.http.auth import IdempotencyKey, caller, operation, request_key
from regulars.http.router import Router
from regulars.loyalty import service as loyalty
from regulars.messaging.outbox import repo as outbox
from regulars.salon import repo as catalog_store

router = Router()
ClientId = Annotated[str, Path(min_length=1, max_length=64)]


@router.get("/v1/admin/clients", summary="Find clients by phone (any format) or by the start of a name",
            tags=["admin: clients"])
@operation("clients.read")
def search(
    q: Annotated[str, Query(min_length=0, max_length=100)] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ClientsOut:
    salon_id, _ = caller(router)
    text = q.strip()
    if re.fullmatch(r"[+\d\s().-]{5,}", text):
        catalog = catalog_store.load_catalog(salon_id)
        try:
            phone = to_e164(text, catalog.salon.country, field="q")
        except InvalidInput:
            return ClientsOut(clients=[])
        client_id = client_store.client_id_by_phone(salon_id, phone)
        found = [client_store.get(salon_id, client_id)] if client_id else []
    else:
        found = client_store.search_by_name(salon_id, text, limit=limit)
    return ClientsOut(clients=[clients_views.client(c) for c in found])


@router.post("/v1/admin/clients", summary="Add a client", tags=["admin: clients"], status_code=201)
@operation("clients.create")
def create(body: ClientCreate) -> tuple[ClientOut, int]:
    salon_id, who = caller(router)
    now = clock.now()
    catalog = catalog_store.load_catalog(salon_id)
    consents = {}
    if body.marketing_consent is not None:
        consents["marketing"] = {"granted": body.marketing_consent, "at": now.isoformat(), "source": "admin",
                                 "text": f"recorded by {who}"}
    client = Client(
        id=new_id(now), name=body.name, phone=to_e164(body.phone, catalog.salon.country), email=body.email,
        birthday=body.birthday, locale=body.locale or catalog.salon.locale, notes=body.notes, tags=body.tags,
        consents=consents, created_at=now, source="admin",
    )
    created = client_store.create(salon_id, client)
    loyalty.schedule_birthday(salon_id, created, now)
    return clients_views.client(created), 201


@router.get("/v1/admin/clients/<client_id>", summary="A client with their visit history", tags=["admin: clients"])
@operation("clients.read")
def get(client_id: ClientId) -> ClientDetailOut:
    salon_id, _ = caller(router)
    client = client_store.get(salon_id, client_id)
    salon = catalog_store.load_catalog(salon_id).salon
    history = appointment_store.for_client(salon_id, client_id)
    messages = outbox.items_for_client(salon_id, client_id)
    return ClientDetailOut(
        **clients_views.client(client).model_dump(),
        appointments=[booking_views.appointment(a, salon) for a in history],
        messages=[clients_views.message(x) for x in messages],
    )


@router.post("/v1/admin/clients/<client_id>/messages", summary="Send the client a message written by the salon",
             tags=["admin: clients"], status_code=201,
             responses={201: {"description": "Planned: it goes out on the client's channel (marketing: with consent, "
                                             "outside quiet hours, within the frequency cap)"}})
@operation("clients.message")
def send_message(
    client_id: ClientId,
    body: MessageIn,
    idempotency_key: IdempotencyKey = None,
) -> tuple[MessageOut, int]:
    salon_id, user = caller(router)
    now = clock.now()
    client_store.get_reachable(salon_id, client_id)  # 404 for a client of another salon, or none
    # the same key, the same message: a retried request plans nothing new
    suffix = request_key(idempotency_key, now)
    message_id = f"direct-{client_id}-{suffix}"
    outbox.plan(outbox.PlannedMessage(
        salon_id=salon_id, message_id=message_id, kind="direct", purpose=body.purpose, recipient="client",
        client_id=client_id, text=body.text, values={"by": user}, created_at=now,
    ))
    item = outbox.get_item(salon_id, message_id)
    if item is None or (item.client_id, item.text, item.purpose) != (client_id, body.text, body.purpose):
        raise Conflict("this Idempotency-Key was used for another message", code="idempotency_key_reused")
    return clients_views.message(item), 201


@router.patch("/v1/admin/clients/<client_id>", summary="Change a client's details", tags=["admin: clients"])
@operation("clients.update")
def patch(client_id: ClientId, body: ClientPatch) -> ClientOut:
    salon_id, _ = caller(router)
    changes = patch_changes(body, frozenset({"email", "birthday", "notes", "locale"}))
    if "phone" in changes:
        changes["phone"] = to_e164(changes["phone"], catalog_store.load_catalog(salon_id).salon.country)
    updated = client_store.update(salon_id, client_id, changes)
    if "birthday" in changes:
        loyalty.schedule_birthday(salon_id, updated, clock.now())
    return clients_views.client(updated)
