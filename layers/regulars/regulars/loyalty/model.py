"""A movement of a client's bonus as the ledger records it. Pure data (a lot is :class:`rules.Lot`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Movement:
    """One entry of the ledger: accrual, redemption, expiry, reversal or adjustment, and the lots it
    moved. Its id is its source (``accrual:visit:<visit>``)."""

    salon_id: str
    client_id: str
    entry_id: str
    kind: str  # accrual | redemption | expiry | reversal | adjustment
    amount: int  # signed: what the balance moved by
    source: str
    source_id: str
    by: str
    created_at: datetime
    lots: list[dict] = field(default_factory=list)  # [{"lot_id": ..., "amount": ...}] taken from or given to
    reason: str | None = None
