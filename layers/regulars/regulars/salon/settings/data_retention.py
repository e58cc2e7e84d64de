"""How long the salon keeps the data of a client who stopped coming."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class DataRetentionSettings(BaseModel):
    """How long the salon keeps the data of a client who stopped coming. Off by default: nobody is
    forgotten unless the salon says so."""

    model_config = ConfigDict(extra="ignore")

    forget_inactive_after_years: int | None = Field(
        default=None,
        ge=1,
        le=20,
        description="Erase, each night, the clients whose last visit (or creation, if they never came) is "
        "older than this many years and who have nothing booked (None: never)",
    )
