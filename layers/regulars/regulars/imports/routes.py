"""Admin: moving in, an import of clients or visit history from another platform's CSV export.

The console reads the file and sends its rows in chunks (see :mod:`regulars.imports.service`)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router

from regulars.core import clock
from regulars.http.auth import caller, operation
from regulars.imports import service as imports
from regulars.imports import setup, views
from regulars.imports.presets import Kind
from regulars.imports.schemas import (
    CheckIn,
    CheckOut,
    ChunkIn,
    ChunkOut,
    ImportIn,
    ImportOut,
    ImportsOut,
    PresetOut,
    PresetsOut,
    RejectOut,
    SetupOut,
)

router = Router()
ImportId = Annotated[str, Path(min_length=1, max_length=64)]
TAGS = ["admin: import"]


@router.get("/v1/admin/imports/presets", summary="The known exports' columns and the fields", tags=TAGS)
@operation("clients.import")
def presets() -> PresetsOut:
    caller(router)
    return PresetsOut(
        presets=[PresetOut(**p) for p in imports.presets()],
        fields=imports.fields(),
        chunk_rows=imports.CHUNK_ROWS,
    )


@router.post(
    "/v1/admin/imports/check",
    summary="Dry run: read some rows as they would be imported, and say which would be refused and why",
    tags=TAGS,
)
@operation("clients.import")
def check(body: CheckIn) -> CheckOut:
    salon_id, _ = caller(router)
    answer = imports.check(
        salon_id,
        kind=Kind(body.kind),
        header=body.header,
        mapping=body.mapping,
        day_first=body.day_first,
        first_row=body.first_row,
        rows=body.rows,
        now=clock.now(),
    )
    return CheckOut(**{**answer, "rejects": [RejectOut(**r) for r in answer["rejects"]]})


@router.post(
    "/v1/admin/imports", summary="Start an import (its rows follow in chunks)", tags=TAGS, status_code=201
)
@operation("clients.import")
def start(body: ImportIn) -> tuple[ImportOut, int]:
    salon_id, who = caller(router)
    run = imports.start(
        salon_id,
        kind=Kind(body.kind),
        preset=body.preset,
        file_name=body.file_name,
        header=body.header,
        mapping=body.mapping,
        day_first=body.day_first,
        rows=body.rows,
        who=who,
        now=clock.now(),
    )
    return views.run(run), 201


@router.put(
    "/v1/admin/imports/<import_id>/chunks/<chunk>",
    summary="Send one chunk of an import's rows (again: nothing more happens)",
    tags=TAGS,
)
@operation("clients.import")
def chunk(import_id: ImportId, chunk: Annotated[int, Path(ge=0, le=10_000)], body: ChunkIn) -> ChunkOut:
    salon_id, _ = caller(router)
    answer = imports.send_chunk(
        salon_id, import_id, chunk, first_row=body.first_row, rows=body.rows, now=clock.now()
    )
    return ChunkOut(accepted=answer["accepted"], rejects=[RejectOut(**r) for r in answer["rejects"]])


@router.get("/v1/admin/imports/<import_id>", summary="An import and how far it is", tags=TAGS)
@operation("clients.import")
def status(import_id: ImportId) -> ImportOut:
    salon_id, _ = caller(router)
    return views.run(imports.status(salon_id, import_id))


@router.get("/v1/admin/imports", summary="The salon's recent imports", tags=TAGS)
@operation("clients.import")
def recent() -> ImportsOut:
    salon_id, _ = caller(router)
    return ImportsOut(imports=[views.run(r) for r in imports.recent(salon_id)])


@router.get(
    "/v1/admin/setup",
    summary="A new salon's set-up: what is done and what is left, with the booking link",
    tags=TAGS,
)
@operation("salon.update")
def setup_status() -> SetupOut:
    salon_id, _ = caller(router)
    return SetupOut(**setup.status(salon_id))
