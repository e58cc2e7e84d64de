"""The salon's loyalty settings: tiers and their rates, the bonus's lifetime and cap, birthday and referral bonuses."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Tier(BaseModel):
    """A loyalty level: its cashback rate, and what qualifies a client (visits or spend in the last 12
    months; either is enough)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=40)]
    rate_bp: int = Field(ge=0, le=10_000, description="Cashback in basis points: 500 = 5 %")
    min_visits: int = Field(default=0, ge=0, le=1000)
    min_spend: int | None = Field(default=None, ge=0, le=10**12, description="Minor units spent in 12 months")


def _default_tiers() -> list[Tier]:
    return [
        Tier(name="Base", rate_bp=500),
        Tier(name="Silver", rate_bp=700, min_visits=3),
        Tier(name="Gold", rate_bp=1000, min_visits=8, min_spend=100_000),
    ]


class LoyaltySettings(BaseModel):
    """Cashback that burns: the rates by tier, how long a bonus lives, how much of a bill it may pay."""

    model_config = ConfigDict(extra="ignore")

    enabled: bool = True
    lifetime_days: int = Field(
        default=60, ge=1, le=365, description="How long a visit's cashback can be spent"
    )
    redeem_cap_percent: int = Field(default=30, ge=0, le=100, description="The most of a bill bonus may pay")
    warn_days_before: int = Field(
        default=7, ge=0, le=60, description="Warn this many days before bonus burns"
    )
    tiers: list[Tier] = Field(default_factory=_default_tiers, min_length=1, max_length=10)
    birthday_amount: int = Field(default=500, ge=0, le=10_000_000)
    birthday_days_before: int = Field(default=3, ge=0, le=30)
    birthday_lifetime_days: int = Field(default=14, ge=1, le=365)
    referral_referrer_amount: int = Field(default=500, ge=0, le=10_000_000)
    referral_referee_amount: int = Field(default=500, ge=0, le=10_000_000)
    referral_lifetime_days: int = Field(default=60, ge=1, le=365)

    @field_validator("tiers")
    @classmethod
    def _base_first(cls, value: list[Tier]) -> list[Tier]:
        if value[0].min_visits != 0 or value[0].min_spend not in (None, 0):
            raise ValueError("the first tier is the base: it needs no visits or spend")
        if len({t.name for t in value}) != len(value):
            raise ValueError("tier names must differ")
        return value
