"""Admin: a staff member's blocked time (meetings, training, time off). The book
(``GET /v1/admin/appointments``) returns the blocks next to the visits."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router

from regulars.booking import blocks
from regulars.booking import views as booking_views
from regulars.booking.schemas import BlockIn, BlockOut
from regulars.core import clock
from regulars.http.auth import caller, operation, own_book
from regulars.salon import service as salon_service

router = Router()
TAGS = ["admin: blocks"]
StaffId = Annotated[str, Path(min_length=1, max_length=64)]
BlockId = Annotated[str, Path(min_length=1, max_length=64)]


@router.post(
    "/v1/admin/staff/<staff_id>/blocks",
    summary="Block a staff member's time (a meeting, training, time off): no visit can be booked or "
    "moved into it (409 time_blocked); refused over a visit (409 overlaps_appointment) or another block "
    "(409 overlaps_block), naming them. A staff user blocks their own time only",
    tags=TAGS,
    status_code=201,
)
@operation("blocks.create")
def create(staff_id: StaffId, body: BlockIn) -> tuple[BlockOut, int]:
    salon_id, who = caller(router)
    own_book(staff_id)
    block = blocks.create(
        salon_id,
        staff_id,
        start=body.start,
        end=body.end,
        kind=body.kind,
        note=body.note or None,
        now=clock.now(),
        by=who,
    )
    return booking_views.block(block, salon_service.salon(salon_id)), 201


@router.delete(
    "/v1/admin/blocks/<block_id>",
    summary="Delete a block: its time is free again. A staff user deletes their own blocks only",
    tags=TAGS,
    status_code=204,
)
@operation("blocks.delete")
def delete(block_id: BlockId) -> tuple[dict, int]:
    salon_id, _ = caller(router)
    own_book(blocks.find(salon_id, block_id).staff_id)
    blocks.delete(salon_id, block_id)
    return {}, 204
