"""An import run as the features see it (pure data)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ImportState:
    salon_id: str
    id: str
    kind: str
    preset: str | None
    file_name: str
    mapping: dict  # {"header": [...], "columns": {field: header}, "day_first": bool}
    rows: int
    chunks: int
    chunks_sent: frozenset[int]
    chunks_done: frozenset[int]
    rows_done: int
    rejected: int
    created: int
    updated: int
    unchanged: int
    visits_added: int
    created_by: str
    created_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class PastVisit:
    """An imported visit, ready to be written."""

    salon_id: str
    id: str
    client_id: str
    client_name: str | None
    staff_id: str
    service_id: str
    start: datetime
    end: datetime
    price: int
    currency: str
    history: list[dict]
    now: datetime
