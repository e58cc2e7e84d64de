"""The bonus ledger in the table: accounts, lots, entries, referral codes."""

from __future__ import annotations

from datetime import datetime

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from regulars.store.base import Entity

LOTS = "LOT#"  # a client's bonus lots


LEDGER = "LEDGER#"  # a client's ledger entries, in time order


class LoyaltyAccount(Entity, discriminator="LoyaltyAccount"):
    """A client's bonus balance: changed only with ADD in the same transaction as the ledger entry
    that explains it, under a condition that it never goes below zero. The sum of the remaining
    amounts of the client's lots that have not been written off."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": "LOYALTY#{client_id}"}

    salon_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    balance = NumberAttribute(default=0)
    tier = UnicodeAttribute(null=True)
    visits_12m = NumberAttribute(default=0)
    spend_12m = NumberAttribute(default=0)
    updated_at = UTCDateTimeAttribute(null=True)


class Lot(Entity, discriminator="Lot"):
    """One accrual: what is left of it and when it burns. Open lots are in the salon's expiry index."""

    __keys__ = {
        "pk": "SALON#{salon_id}",
        "sk": LOTS + "{client_id}#{lot_id}",
        "gsi1pk": "SALON#{salon_id}#LOTS",
        "gsi1sk": "{open_until}#{client_id}#{lot_id}",
    }

    salon_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    lot_id = UnicodeAttribute()
    amount = NumberAttribute()
    remaining = NumberAttribute()
    expires_at = UTCDateTimeAttribute()
    source = UnicodeAttribute()  # visit | birthday | referral | campaign | manual
    source_id = UnicodeAttribute()
    status = UnicodeAttribute(default="open")  # open | spent | expired | reversed
    created_at = UTCDateTimeAttribute()

    @property
    def open_until(self) -> datetime | None:
        return self.expires_at if self.status == "open" and (self.remaining or 0) > 0 else None


class LedgerEntry(Entity, discriminator="LedgerEntry"):
    """One movement of a client's bonus: accrual, redemption, expiry, reversal, adjustment. Its key
    is its source (``accrual:visit:<visit>``), so a source moves the balance once."""

    __keys__ = {
        "pk": "SALON#{salon_id}",
        "sk": LEDGER + "{client_id}#{entry_id}",
        "gsi2pk": "SALON#{salon_id}#CLIENT#{client_id}",
        "gsi2sk": LEDGER + "{created_at}#{entry_id}",
    }

    salon_id = UnicodeAttribute()
    client_id = UnicodeAttribute()
    entry_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # accrual | redemption | expiry | reversal | adjustment
    amount = NumberAttribute()  # signed: what the balance moved by
    lots = JSONAttribute(default=list)  # [{"lot_id": ..., "amount": ...}] taken from or given to
    source = UnicodeAttribute()
    source_id = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
