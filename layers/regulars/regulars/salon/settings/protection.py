"""What the salon's public booking page may do, and what anonymous callers may make it pay for."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class ProtectionSettings(BaseModel):
    """What the public booking page may do, and what anonymous callers may make the salon pay for."""

    model_config = ConfigDict(extra="ignore")

    phone_check: Literal["never", "new_phones", "always"] = Field(
        default="new_phones",
        description="When a booking from the page needs a one-time code sent to the phone: never, for phones "
        "the salon does not know yet, or always (also hides whether a phone is a client)",
    )
    calling_codes: list[Annotated[str, Field(pattern=r"^[1-9]\d{0,2}$")]] = Field(
        default_factory=list,
        max_length=50,
        description='Country calling codes phones are accepted from ("49", "7"); empty: the salon\'s country\'s',
    )
    bookings_per_address_hour: int = Field(
        default=10, ge=1, le=100_000, description="Bookings from one network address an hour"
    )
    bookings_per_phone_day: int = Field(default=3, ge=1, le=1_000, description="Bookings for one phone a day")
    new_phones_per_hour: int = Field(
        default=30,
        ge=1,
        le=100_000,
        description="Phones the salon does not know that may get a code or book without one, an hour, salon-wide "
        "(where every phone needs a code, codes_per_hour limits them all alike instead)",
    )
    codes_per_hour: int = Field(
        default=30,
        ge=1,
        le=100_000,
        description="One-time codes sent an hour, salon-wide, to any phone: the most the codes can cost the salon",
    )
    codes_per_phone_hour: int = Field(
        default=3, ge=1, le=100, description="One-time codes sent to one phone an hour"
    )
    codes_per_address_hour: int = Field(
        default=10, ge=1, le=100_000, description="One-time codes asked for from one network address an hour"
    )
    actions_per_address_hour: int = Field(
        default=60,
        ge=1,
        le=100_000,
        description="Changes through manage and feedback links from one network address an hour",
    )
    sms_daily_parts: int | None = Field(
        default=500,
        ge=0,
        le=10_000_000,
        description="SMS parts a day (the salon's local day) after which only visit messages and codes go by SMS, "
        "and an alarm fires; None: no budget",
    )
