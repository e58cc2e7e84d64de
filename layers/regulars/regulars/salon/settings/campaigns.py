"""The salon's campaign defaults and how message costs count against revenue."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CampaignSettings(BaseModel):
    """Campaign defaults and how message costs are counted against revenue."""

    model_config = ConfigDict(extra="ignore")

    holdout_percent: float = Field(
        default=10, ge=0, le=50, description="Share of a campaign's audience held out"
    )
    window_days: int = Field(
        default=30, ge=1, le=90, description="Days after sending that bookings are attributed"
    )
    message_cost_rate: int = Field(
        default=100,
        ge=1,
        le=10**6,
        description="Minor units of the salon's currency per unit of the providers' price currency (100: the same "
        "value, e.g. cents per dollar)",
    )
