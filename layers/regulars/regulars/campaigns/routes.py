"""Admin: segments (saved filters with a preview) and campaigns with their holdout report."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router

from regulars.campaigns import audience, service
from regulars.campaigns.model import Segment
from regulars.campaigns.schemas import (
    CampaignIn,
    CampaignOut,
    CampaignReportOut,
    CampaignsOut,
    PreviewOut,
    SegmentIn,
    SegmentOut,
    SegmentsOut,
)
from regulars.campaigns.segments import SegmentFilter
from regulars.core import clock
from regulars.http.auth import IdempotencyKey, caller, operation, request_key

router = Router()
SegmentId = Annotated[str, Path(min_length=1, max_length=64)]
CampaignId = Annotated[str, Path(min_length=1, max_length=64)]
TAGS = ["admin: campaigns"]


def _segment(x: Segment) -> SegmentOut:
    return SegmentOut(
        id=x.id,
        name=x.name,
        filter=x.filter,
        created_by=x.created_by,
        created_at=x.created_at,
        updated_at=x.updated_at,
    )


@router.post(
    "/v1/admin/segments/preview", summary="How many clients a filter names now, with a sample", tags=TAGS
)
@operation("segments.preview")
def preview(body: SegmentFilter) -> PreviewOut:
    salon_id, _ = caller(router)
    return PreviewOut(**audience.preview(salon_id, body, clock.now()))


@router.get("/v1/admin/segments", summary="The salon's saved segments", tags=TAGS)
@operation("segments.read")
def segments() -> SegmentsOut:
    salon_id, _ = caller(router)
    return SegmentsOut(segments=[_segment(x) for x in audience.segments(salon_id)])


@router.post(
    "/v1/admin/segments",
    summary="Save a segment (its members are found afresh each time)",
    tags=TAGS,
    status_code=201,
)
@operation("segments.save")
def create_segment(body: SegmentIn) -> tuple[SegmentOut, int]:
    salon_id, who = caller(router)
    return _segment(audience.save_segment(salon_id, None, body.name, body.filter, who, clock.now())), 201


@router.put("/v1/admin/segments/<segment_id>", summary="Change a segment's name or conditions", tags=TAGS)
@operation("segments.save")
def update_segment(segment_id: SegmentId, body: SegmentIn) -> SegmentOut:
    salon_id, who = caller(router)
    return _segment(audience.save_segment(salon_id, segment_id, body.name, body.filter, who, clock.now()))


@router.get(
    "/v1/admin/segments/<segment_id>/preview",
    summary="A saved segment's members now: count and sample",
    tags=TAGS,
)
@operation("segments.preview")
def segment_preview(segment_id: SegmentId) -> PreviewOut:
    salon_id, _ = caller(router)
    return PreviewOut(**audience.preview_segment(salon_id, segment_id, clock.now()))


@router.delete(
    "/v1/admin/segments/<segment_id>",
    summary="Delete a segment (campaigns keep their copy)",
    tags=TAGS,
    status_code=204,
)
@operation("segments.delete")
def delete_segment(segment_id: SegmentId) -> tuple[dict, int]:
    salon_id, _ = caller(router)
    audience.delete_segment(salon_id, segment_id)
    return {}, 204


@router.get("/v1/admin/campaigns", summary="The salon's campaigns, latest send time first", tags=TAGS)
@operation("campaigns.read")
def campaigns() -> CampaignsOut:
    salon_id, _ = caller(router)
    return CampaignsOut(campaigns=[CampaignOut(**c) for c in service.campaigns(salon_id)])


@router.post(
    "/v1/admin/campaigns",
    summary="Schedule a campaign to a segment, with a holdout that gets nothing",
    description="Idempotent with the Idempotency-Key header: a retry returns the campaign the key made "
    "(409 idempotency_key_reused for a different campaign under the same key).",
    tags=TAGS,
    status_code=201,
)
@operation("campaigns.create")
def create_campaign(body: CampaignIn, idempotency_key: IdempotencyKey = None) -> tuple[CampaignOut, int]:
    salon_id, who = caller(router)
    now = clock.now()
    offer = body.offer
    spec = service.CampaignSpec(
        name=body.name,
        kind=body.kind,
        segment_id=body.segment_id,
        filter=body.filter,
        messages=body.messages,
        send_at=service.local_send_time(salon_id, body.send_at),
        bonus_amount=offer.bonus_amount if offer else None,
        bonus_lifetime_days=offer.bonus_lifetime_days if offer else 30,
        offer_text=offer.text if offer else None,
        holdout_percent=body.holdout_percent,
        window_days=body.window_days,
    )
    key = request_key(idempotency_key, now) if idempotency_key else None
    return CampaignOut(**service.campaign_view(service.create_campaign(salon_id, spec, who, now, key))), 201


@router.get("/v1/admin/campaigns/<campaign_id>", summary="A campaign and how far its sending is", tags=TAGS)
@operation("campaigns.read")
def campaign(campaign_id: CampaignId) -> CampaignOut:
    salon_id, _ = caller(router)
    return CampaignOut(**service.campaign(salon_id, campaign_id))


@router.post(
    "/v1/admin/campaigns/<campaign_id>/cancel", summary="Cancel a campaign before it starts", tags=TAGS
)
@operation("campaigns.cancel")
def cancel(campaign_id: CampaignId) -> CampaignOut:
    salon_id, who = caller(router)
    return CampaignOut(**service.campaign_view(service.cancel(salon_id, campaign_id, clock.now(), who)))


@router.get(
    "/v1/admin/campaigns/<campaign_id>/report",
    summary="Sent group against holdout over the attribution window: bookings, visits, revenue, bonus, "
    "cost, the incremental figures with their 95 % interval, and the return",
    tags=TAGS,
)
@operation("campaigns.read")
def report(campaign_id: CampaignId) -> CampaignReportOut:
    salon_id, _ = caller(router)
    return CampaignReportOut(**service.report(salon_id, campaign_id, clock.now()))
