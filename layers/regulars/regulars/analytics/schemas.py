"""Response models of the analytics routes."""

from __future__ import annotations

from datetime import datetime

from pydantic import (
    BaseModel,
)


class SnapshotRequestedOut(BaseModel):
    due_at: datetime
    detail: str
