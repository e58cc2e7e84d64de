"""Blocked time: a staff member's meeting, training or time off, which holds their time as a visit
does. Pure data: no database, no HTTP."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel

# The longest block: a week. A block holds one lock cell per 5 minutes (2,016 for a week), written in
# transactions of at most 100 items, 21 for a week, within the admin function's time (see
# docs/architecture.md); a longer absence is the staff member's days off.
MAX_BLOCK = timedelta(days=7)


class BlockKind(StrEnum):
    MEETING = "meeting"
    TRAINING = "training"
    TIME_OFF = "time_off"
    OTHER = "other"


class Block(BaseModel):
    id: str
    salon_id: str
    staff_id: str
    start: datetime
    end: datetime
    kind: BlockKind
    note: str | None = None
    held: bool = True  # False while a long block's cells are being written (or if that was interrupted)
    created_by: str
    created_at: datetime

    def overlaps(self, start: datetime, end: datetime) -> bool:
        return self.start < end and start < self.end
