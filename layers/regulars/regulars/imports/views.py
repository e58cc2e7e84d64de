"""An import run as the API shows it."""

from __future__ import annotations

from regulars.imports.model import ImportState
from regulars.imports.schemas import ImportOut


def run(item: ImportState) -> ImportOut:
    sent, done, chunks = len(item.chunks_sent), len(item.chunks_done), item.chunks
    return ImportOut(
        id=item.id,
        kind="visits" if item.kind == "visits" else "clients",
        preset=item.preset,
        file_name=item.file_name,
        rows=item.rows,
        chunks=chunks,
        chunks_sent=sent,
        chunks_done=done,
        rows_done=item.rows_done,
        rejected=item.rejected,
        created=item.created,
        updated=item.updated,
        unchanged=item.unchanged,
        visits_added=item.visits_added,
        status="done" if done >= chunks else "running" if sent >= chunks else "receiving",
        created_by=item.created_by,
        created_at=item.created_at,
        finished_at=item.finished_at,
    )
