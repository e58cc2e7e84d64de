"""Request and response models of the team routes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
)

from regulars.core.fields import Email, Id

# --------------------------------------------------------------------------- admin: the team
RoleName = Literal["owner", "manager", "reception", "staff"]


class MeOut(BaseModel):
    salon_id: str
    user_id: str
    email: str
    role: RoleName
    staff_id: str | None = Field(description="the staff member a staff user is (their own book)")
    operations: list[str] = Field(description="every operation the role allows: show only these")


class TeamMemberOut(BaseModel):
    user_id: str
    email: str
    role: RoleName
    staff_id: str | None
    added_by: str
    added_at: datetime | None


class TeamOut(BaseModel):
    members: list[TeamMemberOut]


class InviteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: Email
    role: RoleName
    staff_id: Id | None = Field(default=None, description="for a staff user: the staff member they are")


class RoleChangeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: RoleName
    staff_id: Id | None = Field(default=None, description="for a staff user: the staff member they are")
