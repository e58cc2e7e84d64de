"""Response models of the analytics routes."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated, Literal
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from regulars.core import text
from regulars.booking import model as m
from regulars.campaigns.segments import SegmentFilter
from regulars.core.money import Money


class SnapshotRequestedOut(BaseModel):
    due_at: datetime
    detail: str
