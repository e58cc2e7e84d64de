"""A client and their visit statistics; a line of the salon's audit trail. Pure data."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel


class ClientStats(BaseModel):
    visits: int = 0
    no_shows: int = 0
    cancellations: int = 0
    late_cancellations: int = 0
    total_spent: int = 0
    first_visit_at: datetime | None = None
    last_visit_at: datetime | None = None
    # the last completed visits, oldest first: [start, service, staff, booked at] (ISO instants)
    visit_log: list[list[str]] = []


class Client(BaseModel):
    id: str
    name: str
    phone: str | None  # none once the client's data was erased
    email: str | None = None
    birthday: date | None = None
    locale: str | None = None
    notes: str | None = None
    tags: list[str] = []
    consents: dict[str, dict] = {}
    channels: dict[str, dict] = {}
    referred_by: str | None = None  # the client whose referral code brought this one
    lifecycle: dict | None = None  # {"status": "at_risk", "reason": ..., "since": ...}
    invited: dict[str, str] = {}  # service -> when a repeat-visit invitation last named it
    created_at: datetime
    source: str = "admin"
    erased_at: datetime | None = None
    stats: ClientStats = ClientStats()


class AuditRecord(BaseModel):
    """One line of the salon's audit trail: who did what, when (what was done in counts, never the
    personal data itself)."""

    id: str
    at: datetime
    action: str  # client.exported | client.erased | loyalty.adjusted | salon.updated | ...
    by: str
    client_id: str | None = None
    detail: dict = {}
