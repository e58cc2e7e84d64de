"""The feedback feature's domain types. Pure data."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class VisitFeedback(BaseModel):
    """A client's answer about one visit: a rating, a comment, a tip for the staff member."""

    appointment_id: str
    client_id: str
    staff_id: str
    service_id: str
    rating: int
    mood: str  # happy | neutral | unhappy
    comment: str | None = None
    tip_amount: int = 0
    created_at: datetime


class FollowUp(BaseModel):
    """A follow-up task the salon owes a client (call back after an unhappy rating), closed with a note."""

    id: str
    kind: str
    client_id: str
    appointment_id: str | None = None
    summary: str
    status: str  # open | closed
    note: str | None = None
    closed_by: str | None = None
    closed_at: datetime | None = None
    created_at: datetime
