"""Request and response models of the feedback routes: the client's page, the inbox, follow-up tasks."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from regulars.core.fields import PlainText
from regulars.salon.schemas import SalonOut


# --------------------------------------------------------------------------- feedback
class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    rating: int = Field(ge=1, le=5)
    comment: Annotated[PlainText, StringConstraints(max_length=2000, strip_whitespace=True)] | None = None
    tip_amount: int = Field(default=0, ge=0, le=1_000_000, description="Minor units, for the staff member")


class FeedbackGiven(BaseModel):
    rating: int
    comment: str | None
    tip_amount: int


class ReviewLinkOut(BaseModel):
    name: str
    url: str


class FeedbackPageOut(BaseModel):
    salon: SalonOut
    service_name: str
    staff_name: str
    start: str
    given: FeedbackGiven | None
    review_links: list[ReviewLinkOut] = Field(
        default_factory=list, description="Where a happy client may say so in public"
    )


class FeedbackOut(BaseModel):
    appointment_id: str
    client_id: str
    staff_id: str
    service_id: str
    rating: int
    mood: str
    comment: str | None
    tip_amount: int
    created_at: datetime


class FeedbackInboxOut(BaseModel):
    feedback: list[FeedbackOut]


class TaskOut(BaseModel):
    id: str
    kind: str
    client_id: str
    appointment_id: str | None
    summary: str
    status: str
    note: str | None
    closed_by: str | None
    closed_at: datetime | None
    created_at: datetime


class TasksOut(BaseModel):
    tasks: list[TaskOut]


class TaskIn(BaseModel):
    """A follow-up the desk opens by hand: a client to call, and why."""

    model_config = ConfigDict(extra="forbid")
    client_id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    summary: Annotated[str, StringConstraints(min_length=3, max_length=500, strip_whitespace=True)]


class TaskCloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: Annotated[str, StringConstraints(min_length=1, max_length=2000, strip_whitespace=True)]
