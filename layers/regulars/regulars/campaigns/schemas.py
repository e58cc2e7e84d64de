"""Request and response models of segments and campaigns."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from regulars.campaigns.segments import SegmentFilter
from regulars.core.fields import Locale, Name


class SegmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    filter: SegmentFilter


class SegmentOut(BaseModel):
    id: str
    name: str
    filter: dict
    created_by: str
    created_at: datetime
    updated_at: datetime


class SegmentsOut(BaseModel):
    segments: list[SegmentOut]


class PreviewClient(BaseModel):
    client_id: str
    name: str
    visits: int
    total_spent: int
    last_visit_at: datetime | None
    lifecycle: str | None
    tier: str | None
    balance: int


class PreviewOut(BaseModel):
    count: int = Field(description="clients in the segment now")
    reachable: int = Field(
        description="of them, with marketing consent on a channel that reaches them: "
        "who a campaign would go to (less its holdout)"
    )
    clients_in_salon: int
    sample: list[PreviewClient]
    computed_at: datetime


class OfferIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    bonus_amount: Annotated[int, Field(ge=1, le=10**8)] | None = Field(
        default=None, description="credited to each member of the sent group through the ledger"
    )
    bonus_lifetime_days: Annotated[int, Field(ge=1, le=730)] = 30
    text: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)] | None = (
        Field(default=None, description="an offer in words, put where the message says {offer}")
    )


class CampaignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    kind: Literal["new_services", "holiday_bonus", "personal_offer", "early_access", "other"] = "other"
    segment_id: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    filter: SegmentFilter | None = Field(default=None, description="instead of a saved segment")
    messages: dict[
        Locale, Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
    ] = Field(
        min_length=1,
        max_length=10,
        description="locale -> text; placeholders {name} {salon} {link} {offer} {bonus} {expires}",
    )
    offer: OfferIn | None = None
    send_at: datetime = Field(description="without an offset: the salon's local time")
    holdout_percent: Annotated[float, Field(ge=0, le=50)] | None = Field(
        default=None, description="default 10"
    )
    window_days: Annotated[int, Field(ge=1, le=90)] | None = Field(default=None, description="default 30")

    @model_validator(mode="after")
    def _one_audience(self) -> CampaignIn:
        if (self.segment_id is None) == (self.filter is None):
            raise ValueError("give segment_id or filter, not both")
        return self


class CampaignOut(BaseModel):
    id: str
    name: str
    kind: str
    status: str = Field(description="scheduled, sending, sent or cancelled")
    segment_id: str | None
    filter: dict
    messages: dict[str, str]
    offer: dict | None
    send_at: datetime
    holdout_percent: float
    window_days: int
    audience: int
    sent_group: int
    holdout_group: int
    batches: int
    batches_done: int
    started_at: datetime | None
    created_by: str
    created_at: datetime


class CampaignsOut(BaseModel):
    campaigns: list[CampaignOut]


class CampaignReportOut(BaseModel):
    campaign: CampaignOut
    window: dict
    currency: str
    groups: dict
    messages: dict
    incremental: dict
    cost: float
    roi: float | None
    definitions: dict[str, str]
