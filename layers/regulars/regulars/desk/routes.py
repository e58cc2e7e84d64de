"""Admin: the client card (the client with their visits and messages), a client's whole history, and a
message written by the salon."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router

from regulars.booking import views as booking_views
from regulars.clients import views as clients_views
from regulars.core import clock
from regulars.desk import history, views
from regulars.desk import service as desk
from regulars.desk.schemas import ClientDetailOut, ClientHistoryOut, MessageIn, MessageOut
from regulars.http.auth import RequiredIdempotencyKey, caller, operation, request_key

router = Router()
ClientId = Annotated[str, Path(min_length=1, max_length=64)]


@router.get(
    "/v1/admin/clients/<client_id>", summary="A client with their visit history", tags=["admin: clients"]
)
@operation("clients.read")
def get(client_id: ClientId) -> ClientDetailOut:
    salon_id, _ = caller(router)
    card = desk.card(salon_id, client_id)
    return ClientDetailOut(
        **clients_views.client(card.client).model_dump(),
        appointments=[booking_views.appointment(a, card.salon) for a in card.appointments],
        messages=[views.message(x) for x in card.messages],
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
    idempotency_key: RequiredIdempotencyKey,
) -> tuple[MessageOut, int]:
    salon_id, user = caller(router)
    now = clock.now()
    planned = desk.send_message(
        salon_id,
        client_id,
        text=body.text,
        purpose=body.purpose,
        key=request_key(idempotency_key, now),
        by=user,
        now=now,
    )
    return views.message(planned), 201


@router.get(
    "/v1/admin/clients/<client_id>/history",
    summary="A client's whole history in one view",
    tags=["admin: retention"],
)
@operation("clients.history")
def client_history(client_id: Annotated[str, Path(min_length=1, max_length=64)]) -> ClientHistoryOut:
    salon_id, _ = caller(router)
    return ClientHistoryOut(**history.client_history(salon_id, client_id))
