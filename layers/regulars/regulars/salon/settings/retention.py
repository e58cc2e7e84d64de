"""The salon's retention settings: invitations, lifecycle thresholds, win-back waves, follow-ups."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator


class WinbackWave(BaseModel):
    """One message to a client who lapsed, this many days after they did, with an optional offer."""

    model_config = ConfigDict(extra="forbid")

    delay_days: int = Field(ge=0, le=365, description="Days after the client lapsed")
    bonus_amount: int = Field(default=0, ge=0, le=10_000_000, description="Bonus credited with the message")
    bonus_lifetime_days: int = Field(default=30, ge=1, le=365, description="How long that bonus can be spent")
    offer: Annotated[str, Field(max_length=200)] = Field(
        default="", description="The salon's offer, in words"
    )


def _default_waves() -> list[WinbackWave]:
    return [
        WinbackWave(delay_days=0),
        WinbackWave(delay_days=14, bonus_amount=500, bonus_lifetime_days=30),
        WinbackWave(delay_days=30),
    ]


class RetentionSettings(BaseModel):
    """Repeat-visit invitations, lifecycle statuses, win-back waves and the follow-up of no-shows
    and cancellations."""

    model_config = ConfigDict(extra="ignore")

    invitations: bool = Field(default=True, description="Invite a client back when a service falls due")
    join_days: int = Field(
        default=4, ge=0, le=14, description="Services due within this many days share one invitation"
    )
    own_cadence_visits: int = Field(
        default=3, ge=2, le=20, description="With this many visits, the client's own median interval counts"
    )
    default_interval_days: int = Field(
        default=30, ge=1, le=365, description="For services without an interval"
    )
    at_risk_factor: float = Field(
        default=1.5,
        ge=1.0,
        le=5.0,
        description="At risk once the time since the last visit is this many cadences",
    )
    lapsed_days: int = Field(default=90, ge=14, le=730)
    lost_days: int = Field(default=180, ge=15, le=1095)
    winback: bool = Field(default=True, description="Send the win-back waves to clients who lapse")
    winback_waves: list[WinbackWave] = Field(default_factory=_default_waves, max_length=6)
    rebook_invitations: bool = Field(
        default=True, description="Invite to rebook after a no-show or late cancellation"
    )
    rebook_delay_hours: int = Field(default=24, ge=0, le=24 * 14)
    rebooked_within_days: int = Field(
        default=14,
        ge=1,
        le=90,
        description="A cancellation not rebooked within this many days is a defection",
    )

    @model_validator(mode="after")
    def _ordered(self) -> RetentionSettings:
        if self.lost_days <= self.lapsed_days:
            raise ValueError("lost_days must be more than lapsed_days")
        delays = [w.delay_days for w in self.winback_waves]
        if delays != sorted(set(delays)):
            raise ValueError("win-back waves must have increasing delay_days")
        return self
