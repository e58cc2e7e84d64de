"""The salon's waitlist: whether clients may join it, how long an offer of a freed time holds, and
how many offers a freed time and a client may get."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class WaitlistSettings(BaseModel):
    """Clients who found no time wait for one; a freed time is offered to the first who match."""

    model_config = ConfigDict(extra="ignore")

    enabled: bool = Field(default=True, description="Clients may join the waitlist from the booking page")
    hold_minutes: int = Field(
        default=15, ge=5, le=240, description="How long an offer of a freed time waits for its answer"
    )
    offers_per_slot: int = Field(
        default=3,
        ge=1,
        le=10,
        description="Clients offered one freed time at once (the first to accept books it)",
    )
    offers_per_client_day: int = Field(
        default=3, ge=1, le=20, description="Offers one phone gets at most a day"
    )
    joins_per_address_hour: int = Field(
        default=10, ge=1, le=100_000, description="Waitlist entries from one network address an hour"
    )
    joins_per_phone_day: int = Field(
        default=3, ge=1, le=1_000, description="Waitlist entries for one phone a day"
    )
    joins_per_salon_hour: int = Field(
        default=60, ge=1, le=100_000, description="Waitlist entries an hour, salon-wide"
    )
