"""Request and response models of the retention routes: lifecycle lists, defections and their statistics."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

# --------------------------------------------------------------------------- retention
LifecycleStatus = Literal["new", "active", "at_risk", "lapsed", "lost", "won_back"]


DefectionReason = Literal["price", "quality", "staff", "moved_away", "schedule", "other"]


class RetentionClientOut(BaseModel):
    client_id: str
    name: str
    phone: str
    status: LifecycleStatus
    reason: str = Field(description="Why, in words, as of now")
    since: datetime | None
    visits: int
    total_spent: int = Field(description="Minor units, all visits")
    average_spend: int = Field(description="Minor units per visit")
    last_visit_at: datetime | None
    cadence_days: float | None = Field(
        description="How often the client comes (their own, or their service's)"
    )
    marketing: bool = Field(
        False, description="Whether the client agreed to offers on a channel they have (an invitation may go)"
    )


class RetentionClientsOut(BaseModel):
    clients: list[RetentionClientOut]
    next_cursor: str | None = Field(default=None, description="Pass as cursor for the next page")


class DefectionOut(BaseModel):
    id: str
    client_id: str
    type: str = Field(description="no_show | late_cancellation | cancelled_not_rebooked | lapsed | lost")
    at: datetime
    month: str
    appointment_id: str | None
    staff_id: str | None
    service_id: str | None
    reason: str | None
    reason_source: str | None = Field(description="feedback | reply | cancellation | admin")
    detail: str | None


class DefectionsOut(BaseModel):
    defections: list[DefectionOut]


class DefectionReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: DefectionReason
    note: Annotated[str, StringConstraints(max_length=500, strip_whitespace=True)] | None = None


class DefectionMonthOut(BaseModel):
    total: int
    by_type: dict[str, int]
    by_reason: dict[str, int]
    by_staff: dict[str, int]
    by_service: dict[str, int]


class DefectionStatsOut(BaseModel):
    first_month: str
    last_month: str
    total: int
    by_type: dict[str, int]
    by_reason: dict[str, int] = Field(description="'unknown' where no reason is known yet")
    by_staff: dict[str, int]
    by_service: dict[str, int]
    by_month: dict[str, DefectionMonthOut]


class InvitationIn(BaseModel):
    """A client invited back by the salon: the win-back message in their language, with a bonus if given."""

    model_config = ConfigDict(extra="forbid")
    offer: Annotated[str, StringConstraints(max_length=200, strip_whitespace=True)] = Field(
        "", description="Words of the offer put in the message ({offer}); empty for none"
    )
    bonus_amount: int = Field(
        0, ge=0, le=1_000_000, description="Minor units credited with the message; 0: none"
    )
    bonus_lifetime_days: int = Field(30, ge=1, le=730, description="Days the bonus lasts")


class InvitationOut(BaseModel):
    message_id: str
    kind: str = Field(description="winback, or winback_bonus with a bonus")
    status: str = Field(description="The message's fate so far (planned, held by the quiet hours, sent, ...)")
    bonus_amount: int
    bonus_expires_at: datetime | None
