"""Admin: clients, searched by phone or name, with their history."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router

from regulars.booking import views as booking_views
from regulars.clients import service as clients
from regulars.clients import views as clients_views
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
from regulars.core.fields import patch_changes
from regulars.http.auth import IdempotencyKey, caller, operation, request_key

router = Router()
ClientId = Annotated[str, Path(min_length=1, max_length=64)]


@router.get(
    "/v1/admin/clients",
    summary="Find clients by phone (any format) or by the start of a name",
    tags=["admin: clients"],
)
@operation("clients.read")
def search(
    q: Annotated[str, Query(min_length=0, max_length=100)] = "",
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ClientsOut:
    salon_id, _ = caller(router)
    return ClientsOut(clients=[clients_views.client(c) for c in clients.search(salon_id, q, limit=limit)])


@router.post("/v1/admin/clients", summary="Add a client", tags=["admin: clients"], status_code=201)
@operation("clients.create")
def create(body: ClientCreate) -> tuple[ClientOut, int]:
    salon_id, who = caller(router)
    created = clients.create(
        salon_id,
        name=body.name,
        phone=body.phone,
        email=body.email,
        birthday=body.birthday,
        locale=body.locale,
        notes=body.notes,
        tags=body.tags,
        marketing_consent=body.marketing_consent,
        by=who,
        now=clock.now(),
    )
    return clients_views.client(created), 201


@router.get(
    "/v1/admin/clients/<client_id>", summary="A client with their visit history", tags=["admin: clients"]
)
@operation("clients.read")
def get(client_id: ClientId) -> ClientDetailOut:
    salon_id, _ = caller(router)
    card = clients.card(salon_id, client_id)
    return ClientDetailOut(
        **clients_views.client(card.client).model_dump(),
        appointments=[booking_views.appointment(a, card.salon) for a in card.appointments],
        messages=[clients_views.message(x) for x in card.messages],
    )


@router.post(
    "/v1/admin/clients/<client_id>/messages",
    summary="Send the client a message written by the salon",
    tags=["admin: clients"],
    status_code=201,
    responses={
        201: {
            "description": "Planned: it goes out on the client's channel (marketing: with consent, "
            "outside quiet hours, within the frequency cap)"
        }
    },
)
@operation("clients.message")
def send_message(
    client_id: ClientId,
    body: MessageIn,
    idempotency_key: IdempotencyKey = None,
) -> tuple[MessageOut, int]:
    salon_id, user = caller(router)
    now = clock.now()
    planned = clients.send_message(
        salon_id,
        client_id,
        text=body.text,
        purpose=body.purpose,
        key=request_key(idempotency_key, now),
        by=user,
        now=now,
    )
    return clients_views.message(planned), 201


@router.patch("/v1/admin/clients/<client_id>", summary="Change a client's details", tags=["admin: clients"])
@operation("clients.update")
def patch(client_id: ClientId, body: ClientPatch) -> ClientOut:
    salon_id, _ = caller(router)
    changes = patch_changes(body, frozenset({"email", "birthday", "notes", "locale"}))
    return clients_views.client(clients.change(salon_id, client_id, changes, clock.now()))
