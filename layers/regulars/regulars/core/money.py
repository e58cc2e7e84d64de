"""Money is integer minor units with a currency; never a float."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Money(BaseModel):
    amount: int = Field(description="Integer minor units (cents, kopecks)")
    currency: str = Field(min_length=3, max_length=3, description="ISO 4217 code")
