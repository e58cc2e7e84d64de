"""Segments and campaigns as the use cases and the routes see them. Pure data."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class Segment(BaseModel):
    """A saved filter over the salon's clients; its members are found afresh each time it is used."""

    salon_id: str
    id: str
    name: str
    filter: dict  # a SegmentFilter's conditions, as saved
    created_by: str
    created_at: datetime
    updated_at: datetime


class Campaign(BaseModel):
    """A message to a segment at a moment, with an optional offer, a holdout that gets nothing, and
    an attribution window over which the two groups are compared.
    Status: scheduled -> sending -> sent | cancelled (sent: every batch done, read from the jobs)."""

    salon_id: str
    id: str
    name: str
    kind: str  # new_services | holiday_bonus | personal_offer | early_access | other
    segment_id: str | None = None
    filter: dict  # the segment's conditions as they were when it was created
    messages: dict[str, str]  # locale -> text
    offer: dict | None = None  # {"bonus_amount", "bonus_lifetime_days", "text"}
    send_at: datetime
    holdout_percent: float
    window_days: int
    status: str = "scheduled"
    audience: int = 0  # in the segment with marketing consent when it started
    sent_group: int = 0
    holdout_group: int = 0
    batches: int = 0
    started_at: datetime | None = None
    created_by: str
    created_at: datetime
    updated_at: datetime
