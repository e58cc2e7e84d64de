"""The salon's feedback settings: when to ask, what a happy or unhappy answer leads to."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class ReviewLink(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=40)]
    url: Annotated[str, Field(min_length=8, max_length=500, pattern=r"^https?://")]


class FeedbackSettings(BaseModel):
    """Asking for feedback after a visit, and what an answer leads to."""

    model_config = ConfigDict(extra="ignore")

    enabled: bool = True
    # off unless the salon asks: the booking notice, the bonus message and the feedback request already
    # reach a new client at these moments, and every SMS costs
    welcome: bool = Field(default=False, description="A welcome after a new client's first booking")
    thank_you: bool = Field(default=False, description="A thank-you after a client's first visit")
    delay_minutes: int = Field(default=120, ge=0, le=7 * 24 * 60, description="After the visit is completed")
    happy_from: int = Field(
        default=5, ge=1, le=5, description="A rating at least this shows the review links"
    )
    unhappy_to: int = Field(default=3, ge=1, le=5, description="A rating at most this alerts the manager")
    review_links: list[ReviewLink] = Field(default_factory=list, max_length=5)
    manager_phones: list[Annotated[str, Field(pattern=r"^\+[1-9]\d{6,14}$")]] = Field(
        default_factory=list, max_length=5
    )
    link_days: int = Field(default=14, ge=1, le=60, description="How long the feedback link works")
