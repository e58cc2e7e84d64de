"""Admin: a client's data, exported or erased on their request, and the salon's audit trail."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router

from regulars.clients import views
from regulars.clients.schemas import AuditOut, ErasureIn, ErasureOut
from regulars.core import clock
from regulars.http.auth import caller, operation
from regulars.rights import service as rights

router = Router()
ClientId = Annotated[str, Path(min_length=1, max_length=64)]


@router.get(
    "/v1/admin/clients/<client_id>/export",
    summary="Everything held about a client, as JSON (audited)",
    tags=["admin: data rights"],
)
@operation("clients.export")
def export(client_id: ClientId) -> dict[str, Any]:
    salon_id, who = caller(router)
    return rights.export(salon_id, client_id, who, clock.now())


@router.post(
    "/v1/admin/clients/<client_id>/erase",
    summary="Erase a client's personal data everywhere, keeping what it counts in the salon's figures "
    "(audited; refused while a visit is to come)",
    tags=["admin: data rights"],
)
@operation("clients.erase")
def erase(client_id: ClientId, body: ErasureIn) -> ErasureOut:
    salon_id, who = caller(router)
    return ErasureOut(**rights.erase(salon_id, client_id, who, clock.now(), reason=body.reason))


@router.get(
    "/v1/admin/audit",
    summary="The audit trail, newest first: who exported or erased a client's data, "
    "adjusted bonus, changed the salon's settings, services or staff, created "
    "or cancelled a campaign, saved a segment, or changed the team, and when",
    tags=["admin: data rights"],
)
@operation("audit.read")
def trail(
    first: Annotated[date | None, Query(alias="from")] = None,
    last: Annotated[date | None, Query(alias="to")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> AuditOut:
    salon_id, _ = caller(router)
    entries = rights.audit_trail(salon_id, first, last, now=clock.now(), limit=limit)
    return AuditOut(entries=[views.audit_entry(e) for e in entries])
