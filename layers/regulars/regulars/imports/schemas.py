"""Request and response models of the import."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from regulars.imports.service import CHUNK_ROWS, MAX_ROWS

Cell = Annotated[str, StringConstraints(max_length=2000)]
Header = Annotated[str, StringConstraints(max_length=200)]
FileKind = Literal["clients", "visits"]


class Reading(BaseModel):
    """How the file is read: its kind, its header and which column holds which field."""

    model_config = ConfigDict(extra="forbid")
    kind: FileKind
    header: list[Header] = Field(min_length=1, max_length=100)
    mapping: dict[str, Header] = Field(
        description="field -> the header of its column (fields: GET /v1/admin/imports/presets)", max_length=30
    )
    day_first: bool = Field(
        True, description="03/04/2025 is 3 April (false: 4 March); dotted dates are always day first"
    )


class CheckIn(Reading):
    first_row: int = Field(2, ge=2, description="the file's line number of rows[0] (the header is line 1)")
    rows: list[list[Cell]] = Field(max_length=CHUNK_ROWS)


class RejectOut(BaseModel):
    row: int = Field(description="the file's line number (the header is line 1)")
    column: str | None = Field(description="the header of the column at fault; none: the row as a whole")
    code: str = Field(
        description="phone_missing, phone_invalid, phone_repeated, name_missing, name_too_long, email_invalid, "
        "birthday_invalid, date_missing, date_invalid, date_future, amount_invalid, count_invalid, "
        "consent_invalid, row_empty"
    )


class CheckOut(BaseModel):
    accepted: int
    known_clients: int = Field(description="accepted rows whose phone is a client's already")
    new_clients: int
    rejects: list[RejectOut]


class ImportIn(Reading):
    preset: str | None = Field(None, max_length=40)
    file_name: str = Field(min_length=1, max_length=200)
    rows: int = Field(ge=1, le=MAX_ROWS, description="the file's data rows (lines after the header)")


class ChunkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    first_row: int = Field(ge=2)
    rows: list[list[Cell]] = Field(min_length=1, max_length=CHUNK_ROWS)


class ChunkOut(BaseModel):
    accepted: int
    rejects: list[RejectOut]


class ImportOut(BaseModel):
    id: str
    kind: FileKind
    preset: str | None
    file_name: str
    rows: int
    chunks: int
    chunks_sent: int
    chunks_done: int
    rows_done: int
    rejected: int
    created: int = Field(description="clients added")
    updated: int = Field(description="known clients given what they lacked")
    unchanged: int = Field(description="rows that brought nothing new")
    visits_added: int
    status: Literal["receiving", "running", "done"]
    created_by: str
    created_at: datetime
    finished_at: datetime | None


class ImportsOut(BaseModel):
    imports: list[ImportOut]


class PresetOut(BaseModel):
    id: str
    platform: str
    kind: FileKind
    columns: dict[str, str] = Field(description="field -> the header the platform's export gives it")
    day_first: bool


class PresetsOut(BaseModel):
    presets: list[PresetOut]
    fields: dict[str, list[str]] = Field(description="kind -> the fields a file of that kind may map")
    chunk_rows: int = Field(description="the most rows a check or a chunk may carry")


class ChannelOut(BaseModel):
    channel: str = Field(description="push, telegram, whatsapp or sms")
    connected: bool = Field(description="whether the deployment has this channel's provider account")


class SetupOut(BaseModel):
    booking_link: str = Field(description="the salon's booking page, for its site and social profiles")
    services: int = Field(description="services offered online")
    staff_with_hours: int = Field(description="active staff members with services and weekly hours")
    manager_phones: int
    review_links: int
    channels: list[ChannelOut]
    imports: int = Field(description="imports finished")
