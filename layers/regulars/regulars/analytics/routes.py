"""Admin: the salon's retention analytics for a range of months, each figure with its definition."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router

from regulars.analytics import service
from regulars.analytics.report import Report, months
from regulars.analytics.schemas import SnapshotRequestedOut
from regulars.core import clock
from regulars.core.errors import InvalidInput
from regulars.http.auth import caller, operation
from regulars.retention.routes import months_asked
from regulars.salon import service as salon_service

router = Router()
MONTH = r"^(19|20)\d\d-(0[1-9]|1[0-2])$"
MAX_MONTHS = 60


@router.get(
    "/v1/admin/analytics",
    summary="Retention analytics for a range of months (default: the last twelve)",
    tags=["admin: analytics"],
)
@operation("analytics.read")
def analytics(
    first: Annotated[str | None, Query(alias="from", pattern=MONTH)] = None,
    last: Annotated[str | None, Query(alias="to", pattern=MONTH)] = None,
) -> Report:
    salon_id, _ = caller(router)
    since, until = months_asked(first, last, salon_service.zone(salon_id))
    first_month, last_month = f"{since:%Y-%m}", f"{until:%Y-%m}"
    if len(months(first_month, last_month)) > MAX_MONTHS:
        raise InvalidInput.field("from", f"a report spans at most {MAX_MONTHS} months")
    return service.report(salon_id, first_month, last_month, clock.now())


@router.post(
    "/v1/admin/analytics/snapshot",
    summary="Take the lifecycle and value snapshot again now",
    tags=["admin: analytics"],
    status_code=202,
)
@operation("analytics.snapshot")
def refresh() -> tuple[SnapshotRequestedOut, int]:
    salon_id, _ = caller(router)
    now = clock.now()
    service.schedule_snapshot(salon_id, now, at=now)
    return SnapshotRequestedOut(
        due_at=now, detail="the snapshot job runs within a minute; the report shows it then"
    ), 202
