"""Admin: clients, searched by phone or name, added and changed (the client card is the desk's)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router

from regulars.clients import service as clients
from regulars.clients import views as clients_views
from regulars.clients.schemas import (
    ClientCreate,
    ClientOut,
    ClientPatch,
    ClientsOut,
)
from regulars.core import clock
from regulars.core.fields import patch_changes
from regulars.http.auth import caller, operation

router = Router()
ClientId = Annotated[str, Path(min_length=1, max_length=64)]


@router.get(
    "/v1/admin/clients",
    summary="Find clients by phone (any format) or by the start of their name or of any word in it",
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


@router.patch("/v1/admin/clients/<client_id>", summary="Change a client's details", tags=["admin: clients"])
@operation("clients.update")
def patch(client_id: ClientId, body: ClientPatch) -> ClientOut:
    salon_id, _ = caller(router)
    changes = patch_changes(body, frozenset({"email", "birthday", "notes", "locale"}))
    return clients_views.client(clients.change(salon_id, client_id, changes, clock.now()))
