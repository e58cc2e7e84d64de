"""Which visit notices go out, and the salon's approved WhatsApp templates."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class Notifications(BaseModel):
    """Which visit notices go out. Reminders are set apart (``reminders_enabled``)."""

    model_config = ConfigDict(extra="ignore")

    client_booked: bool = True
    client_moved: bool = True
    client_cancelled: bool = True
    staff_booked: bool = True
    staff_moved: bool = True
    staff_cancelled: bool = True


class WhatsAppTemplateSetting(BaseModel):
    """An approved WhatsApp template for a message kind: outside the client's 24-hour window only a
    template may be sent. ``parameters`` name the placeholders ({{1}}, {{2}}, ...) in order."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=512, pattern=r"^[a-z0-9_]+$")]
    language: Annotated[str, Field(min_length=2, max_length=15)] | None = Field(
        default=None, description="The template's language code; default: the message's locale"
    )
    parameters: list[Annotated[str, Field(max_length=40)]] = Field(default_factory=list, max_length=10)
