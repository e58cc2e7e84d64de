"""Moving in: the dry run, the run, and the worker's part of it.

The console reads the file in the browser and sends its rows in chunks of at most :data:`CHUNK_ROWS`
with the column mapping (a request stays far below API Gateway's 10 MB and 29 s). A dry run reads the
rows and answers every rejected one with why; it writes nothing. A run is written first (its size, its
mapping), then each chunk is read again and its accepted rows go, in a job's payload, to the job
worker, which writes the clients and visits and adds the chunk's counts to the run once. The console
polls the run for its progress.

Idempotent when repeated: a client is found by their phone in E.164, a visit has an id made from what
the row says of it, so a second import of the same file adds nothing. Without messages: imported
visits are written with the source ``import`` and the stream processor only counts them in the
client's statistics and the analytics (no reminder, feedback request, cashback or invitation); a
known client keeps what they have, and only gets what they lack. Consent: only where the file has a
consent column, as it says; nothing is assumed from an empty cell.
"""

from __future__ import annotations

import base64
import json
import math
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

from regulars.clients import birthdays
from regulars.clients import repo as client_store
from regulars.clients.model import Client
from regulars.core.errors import Conflict, InvalidInput
from regulars.core.ids import new_id
from regulars.core.phones import region_of_country
from regulars.imports import repo as store
from regulars.imports.model import ImportState, PastVisit
from regulars.imports.presets import FIELDS, PRESETS, Field, Kind
from regulars.imports.rows import Settings, check_mapping, read, visit_id
from regulars.runtime import queues
from regulars.runtime.jobs import repo as job_store
from regulars.runtime.jobs.outcome import Outcome
from regulars.runtime.jobs.repo import DueJob, JobRef
from regulars.runtime.jobs.subjects import Subject
from regulars.salon import service as salon_service
from regulars.salon.model import Catalog
from regulars.store import audit
from regulars.store.base import StoreError, item_too_large

CHUNK = "import-chunk"
CHUNK_ROWS = 200  # a chunk is one request and one job: 200 rows are a few seconds of the worker's time
MAX_ROWS = 1_000_000
WRITERS = 8  # a chunk's rows written this many at a time
IMPORTED = "imported"  # the service and staff id of a visit whose service or staff the salon has not
VISIT_LENGTH = timedelta(hours=1)  # an imported visit of a service the salon does not have


def presets() -> list[dict]:
    return [
        {
            "id": p.id,
            "platform": p.platform,
            "kind": p.kind.value,
            "columns": {f.value: h for f, h in p.columns.items()},
            "day_first": p.day_first,
        }
        for p in PRESETS
    ]


def fields() -> dict[str, list[str]]:
    return {k.value: [f.value for f in fs] for k, fs in FIELDS.items()}


def _settings(
    cat: Catalog, kind: Kind, header: list[str], mapping: dict[str, str], day_first: bool
) -> Settings:
    """The file's reading: each mapped field's column found in the header (InvalidInput otherwise)."""
    columns: dict[Field, int] = {}
    for name, column in mapping.items():
        try:
            f = Field(name)
        except ValueError:
            raise InvalidInput.field(f"mapping.{name}", "not a field", code="field_unknown") from None
        if column not in header:
            raise InvalidInput.field(f"mapping.{name}", "no such column in the header", code="column_unknown")
        columns[f] = header.index(column)
    check_mapping(kind, columns, header)
    s = cat.salon
    return Settings(kind, columns, header, region_of_country(s.country), s.tz, s.currency, day_first)


def check(
    salon_id: str,
    *,
    kind: Kind,
    header: list[str],
    mapping: dict[str, str],
    day_first: bool,
    first_row: int,
    rows: list[list[str]],
    now: datetime,
) -> dict:
    """The dry run of some rows: how many would be taken, how many of their clients are known and
    every row that would be refused with why. Writes nothing."""
    s = _settings(salon_service.catalog(salon_id), kind, header, mapping, day_first)
    accepted, rejects = read(rows, first_row, s, now)
    known = store.clients_by_phone(salon_id, [r["phone"] for r in accepted])
    phones = {r["phone"] for r in accepted}
    return {
        "accepted": len(accepted),
        "known_clients": len(phones & known.keys()),
        "new_clients": len(phones - known.keys()),
        "rejects": [r.as_dict() for r in rejects],
    }


def start(
    salon_id: str,
    *,
    kind: Kind,
    preset: str | None,
    file_name: str,
    header: list[str],
    mapping: dict[str, str],
    day_first: bool,
    rows: int,
    who: str,
    now: datetime,
) -> ImportState:
    """A new run for a file of ``rows`` data rows (its chunks follow)."""
    _settings(salon_service.catalog(salon_id), kind, header, mapping, day_first)
    if preset is not None and preset not in {p.id for p in PRESETS}:
        raise InvalidInput.field("preset", "not a known preset", code="preset_unknown")
    run = store.create_run(
        salon_id,
        new_id(now),
        kind=kind.value,
        preset=preset,
        file_name=file_name,
        mapping={"header": header, "columns": mapping, "day_first": day_first},
        rows=rows,
        chunks=max(1, math.ceil(rows / CHUNK_ROWS)),
        who=who,
        now=now,
    )
    audit.record(
        audit.entry(
            salon_id,
            new_id(now),
            "clients.imported",
            who,
            now,
            detail={"import_id": run.id, "kind": kind.value, "rows": rows, "file": file_name},
        )
    )
    return run


def send_chunk(
    salon_id: str, import_id: str, chunk: int, *, first_row: int, rows: list[list[str]], now: datetime
) -> dict:
    """Read one chunk and hand its accepted rows to the worker (once: sending it again changes
    nothing). The chunk's rejects are in the answer."""
    run = store.run(salon_id, import_id)
    if not 0 <= chunk < run.chunks:
        raise InvalidInput.field("chunk", f"the import has {run.chunks} chunks", code="chunk_unknown")
    expected = 2 + chunk * CHUNK_ROWS
    if first_row != expected:
        raise InvalidInput.field(
            "first_row", f"chunk {chunk} starts at row {expected}", code="chunk_misplaced"
        )
    size = min(CHUNK_ROWS, run.rows - chunk * CHUNK_ROWS)
    if len(rows) != size:
        raise InvalidInput.field("rows", f"chunk {chunk} has {size} rows", code="chunk_size")
    m = run.mapping
    s = _settings(salon_service.catalog(salon_id), Kind(run.kind), m["header"], m["columns"], m["day_first"])
    accepted, rejects = read(rows, first_row, s, now)
    job_id = f"{CHUNK}-{import_id}-{chunk}"
    try:
        scheduled = job_store.schedule(
            salon_id,
            job_id,
            kind=CHUNK,
            subject=Subject.IMPORT.of(import_id),
            due_at=now,
            now=now,
            payload={
                "import_id": import_id,
                "chunk": chunk,
                "rows": pack(accepted),
                "rejected": len(rejects),
                "size": size,
            },
        )
    except StoreError as exc:
        if item_too_large(exc):
            raise InvalidInput.field(
                "rows", "the chunk's rows are too long to import (notes, tags)", code="chunk_too_large"
            ) from exc
        raise
    if scheduled:
        _queue_now(JobRef(salon_id, job_id), now)
    store.mark_sent(salon_id, import_id, chunk)
    return {"accepted": len(accepted), "rejects": [r.as_dict() for r in rejects]}


def pack(rows: list[dict]) -> str:
    """A chunk's rows as they travel in the job's item: JSON, compressed (a tenth of the size, and of
    the job's write units), in base64."""
    raw = json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.b64encode(zlib.compress(raw, 6)).decode("ascii")


def unpack(text: str) -> list[dict]:
    rows: list[dict] = json.loads(zlib.decompress(base64.b64decode(text)))
    return rows


def _queue_now(ref: JobRef, now: datetime) -> None:
    """Hand a chunk to the worker at once rather than at the ticker's next minute; if the queue
    cannot be reached the job stays pending and the ticker queues it."""
    if not job_store.mark_queued(ref, now):
        return
    try:
        refused = queues.send_jobs([ref])
    except Exception:
        refused = [ref]
    if refused:
        job_store.unmark_queued(ref, now, now)


def status(salon_id: str, import_id: str) -> ImportState:
    return store.run(salon_id, import_id)


def recent(salon_id: str) -> list[ImportState]:
    return store.runs(salon_id)


# --- the worker ------------------------------------------------------------------------------------------
def apply_chunk(job: DueJob, now: datetime) -> Outcome:
    """Write one chunk's clients or visits, then count it in its run (once). The rows are written
    :data:`WRITERS` at a time: each is one conditional write (or none), and a chunk is done in the
    time of a few dozen round trips to the table."""
    salon_id, import_id, chunk = job.salon_id, job.payload["import_id"], int(job.payload["chunk"])
    run = store.run(salon_id, import_id)
    if chunk in run.chunks_done:
        return Outcome(False, "the chunk was counted already")
    rows = unpack(job.payload["rows"])
    known = store.clients_by_phone(salon_id, [r["phone"] for r in rows])
    cat = salon_service.catalog(salon_id)
    consent_column = run.mapping["columns"].get(Field.MARKETING_CONSENT.value)
    source_text = f"the column {consent_column!r} of {run.file_name}" if consent_column else ""
    if run.kind == Kind.CLIENTS:
        have = store.clients(salon_id, known.values())

        def one(row: dict) -> str:
            client_id = known.get(row["phone"])
            if client_id is None:
                return "created" if _new_client(salon_id, row, source_text, now) else "unchanged"
            client = have.get(client_id)
            if client is None or not _lacks(client, row, source_text, now):
                return "unchanged"
            return "updated" if _fill(salon_id, client_id, row, source_text, now) else "unchanged"

    else:
        # a phone new to the salon becomes a client first, once, however many of its visits the chunk has
        for row in rows:
            if row["phone"] not in known:
                made = _new_client(salon_id, row, "", now)
                known[row["phone"]] = made or store.clients_by_phone(salon_id, [row["phone"]])[row["phone"]]
                row["_created"] = made is not None

        def one(row: dict) -> str:
            visit = _visit(salon_id, known[row["phone"]], row, cat, import_id, now)
            return "visits_added" if store.add_visit(visit) else "unchanged"

    counts = {"created": 0, "updated": 0, "unchanged": 0, "visits_added": 0}
    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        for outcome in pool.map(one, rows):
            counts[outcome] += 1
    counts["created"] += sum(1 for r in rows if r.get("_created"))
    store.chunk_done(
        salon_id,
        import_id,
        chunk,
        {**counts, "rows_done": int(job.payload["size"]), "rejected": int(job.payload["rejected"])},
        now,
    )
    return Outcome(True, f"chunk {chunk}: {len(rows)} rows, {counts}")


def _stats(row: dict) -> dict:
    out: dict = {}
    if row.get("visits") is not None:
        out["visits"] = row["visits"]
    if row.get("spent") is not None:
        out["total_spent"] = row["spent"]
    if row.get("last_visit"):
        out["last_visit_at"] = datetime.fromisoformat(row["last_visit"])
    return out


def _consent(row: dict, source_text: str, now: datetime) -> dict:
    if row.get("consent") is None:
        return {}
    return {
        "marketing": {
            "granted": row["consent"],
            "at": now.isoformat(),
            "source": "import",
            "text": source_text,
        }
    }


def _new_client(salon_id: str, row: dict, source_text: str, now: datetime) -> str | None:
    """A client for this row; None if another wrote this phone's client meanwhile."""
    cat = salon_service.catalog(salon_id, max_age=60)
    client = Client(
        id=new_id(now),
        name=row.get("name") or row["phone"],
        phone=row["phone"],
        email=row.get("email"),
        birthday=date.fromisoformat(row["birthday"]) if row.get("birthday") else None,
        locale=cat.salon.locale,
        notes=row.get("notes"),
        tags=row.get("tags") or [],
        consents=_consent(row, source_text, now),
        created_at=now,
        source="import",
    )
    if not store.add_client(salon_id, client, _stats(row)):
        return None
    birthdays.schedule_birthday(salon_id, client, now)
    return client.id


def _lacks(c: Client, row: dict, source_text: str, now: datetime) -> dict:
    """What a known client lacks that the row has (an email, a birthday, notes, tags, the consent the
    file states when none is recorded, higher totals): the changes to make, none for an erased client."""
    if c.erased_at is not None:
        return {}
    out: dict = {}
    if row.get("email") and not c.email:
        out["email"] = row["email"]
    if row.get("birthday") and not c.birthday:
        out["birthday"] = date.fromisoformat(row["birthday"])
    if row.get("notes") and not c.notes:
        out["notes"] = row["notes"]
    if row.get("tags") and not set(row["tags"]) <= set(c.tags):
        out["tags"] = sorted(set(c.tags) | set(row["tags"]))
    if row.get("consent") is not None and "marketing" not in c.consents:
        out["consents"] = {**c.consents, **_consent(row, source_text, now)}
    stats = _stats(row)
    if stats.get("visits", 0) > c.stats.visits:
        out["visits"] = stats["visits"]
    if stats.get("total_spent", 0) > c.stats.total_spent:
        out["total_spent"] = stats["total_spent"]
    if "last_visit_at" in stats and (
        c.stats.last_visit_at is None or stats["last_visit_at"] > c.stats.last_visit_at
    ):
        out["last_visit_at"] = stats["last_visit_at"]
    return out


def _fill(salon_id: str, client_id: str, row: dict, source_text: str, now: datetime) -> bool:
    """Give a known client what they lack from the row (read again: the client may have changed);
    True if anything changed."""

    def change(c: Client) -> dict:
        return _lacks(c, row, source_text, now)

    changed: list[bool] = []

    def tracked(c: Client) -> dict:
        out = change(c)
        changed.append(bool(out))
        return out

    try:
        client_store.modify(salon_id, client_id, tracked)
    except Conflict:
        return False
    return bool(changed and changed[-1])


def _visit(
    salon_id: str, client_id: str, row: dict, cat: Catalog, import_id: str, now: datetime
) -> PastVisit:
    start = datetime.fromisoformat(row["at"])
    service = _by_name(cat.services, row.get("service"))
    staff = _by_name(cat.staff, row.get("staff"))
    length = cat.services[service].duration if service in cat.services else VISIT_LENGTH
    price = row.get("price") or 0
    return PastVisit(
        salon_id=salon_id,
        id=visit_id(salon_id, row["phone"], start, row.get("service"), row.get("staff"), row.get("price")),
        client_id=client_id,
        client_name=row.get("name"),
        staff_id=staff,
        service_id=service,
        start=start,
        end=start + length,
        price=price,
        currency=cat.salon.currency,
        now=now,
        history=[
            {
                "at": now.isoformat(),
                "action": "imported",
                "by": f"import:{import_id}",
                "service": row.get("service"),
                "staff": row.get("staff"),
            }
        ],
    )


def _by_name(things: dict, name: str | None) -> str:
    """The id of the service or staff member of this name (case aside), or :data:`IMPORTED`."""
    if name:
        folded = name.casefold()
        for key, thing in things.items():
            if thing.name.casefold() == folded:
                return str(key)
    return IMPORTED
