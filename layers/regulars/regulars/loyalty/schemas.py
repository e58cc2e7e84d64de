"""Request and response models of the loyalty routes: balance, lots, tiers, the ledger, adjustments, liability."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)


# --------------------------------------------------------------------------- loyalty
class LotOut(BaseModel):
    id: str
    amount: int
    remaining: int
    expires_at: datetime
    source: str


class TierOut(BaseModel):
    name: str
    rate_bp: int
    min_visits: int
    min_spend: int | None


class ClientTiersOut(BaseModel):
    tiers: dict[str, TierOut] = Field(description="Each client asked for, by id: their tier now")


class LoyaltyOut(BaseModel):
    balance: int = Field(description="What the client can spend now (lots that have not burned), minor units")
    currency: str
    lots: list[LotOut] = Field(description="Open lots, soonest to burn first")
    tier: TierOut
    next_tier: TierOut | None
    visits_12m: int
    spend_12m: int
    referral_code: str
    referral_url: str


class LedgerEntryOut(BaseModel):
    id: str
    kind: str = Field(description="accrual, redemption, expiry, reversal or adjustment")
    amount: int = Field(description="What the balance moved by (signed)")
    lots: list[dict]
    source: str
    source_id: str
    reason: str | None
    by: str
    created_at: datetime


class LedgerOut(BaseModel):
    entries: list[LedgerEntryOut]


class AdjustmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    amount: int = Field(
        ge=-10_000_000, le=10_000_000, description="Minor units: positive credits, negative debits"
    )
    reason: Annotated[str, StringConstraints(min_length=3, max_length=500, strip_whitespace=True)]

    @field_validator("amount")
    @classmethod
    def _not_zero(cls, value: int) -> int:
        if value == 0:
            raise ValueError("must not be zero")
        return value


class LiabilityOut(BaseModel):
    outstanding: int = Field(description="Bonus the salon's clients can still spend, minor units")
    burning_30_days: int = Field(description="Of that, what burns in the next 30 days unless spent")
    burning_by_day: list[dict]
    currency: str


class BurnOut(BaseModel):
    day: str = Field(description="The salon's local day (YYYY-MM-DD) at whose end this amount burns")
    amount: int = Field(description="Minor units")


class LinkBonusOut(BaseModel):
    shown: bool = Field(description="False for a link that acts on the visit only: the bonus is the client's")
    balance: int | None = Field(default=None, description="What the client can spend now, minor units")
    currency: str | None = None
    burns: list[BurnOut] = Field(
        default=[], description="Soonest first: up to three days on which some burns"
    )
