"""An import run: what the salon said it would send, and how far the worker is with it."""

from __future__ import annotations

from pynamodb.attributes import (
    JSONAttribute,
    NumberAttribute,
    NumberSetAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from regulars.store.base import Entity

IMPORTS = "IMPORT#"


class ImportRun(Entity, discriminator="ImportRun"):
    """One import of one file. Each chunk's rows travel in a job's payload; the worker adds the
    chunk's counts here once (the chunk's number joins ``chunks_done`` in the same write)."""

    __keys__ = {"pk": "SALON#{salon_id}", "sk": IMPORTS + "{import_id}"}

    salon_id = UnicodeAttribute()
    import_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # clients | visits
    preset = UnicodeAttribute(null=True)
    file_name = UnicodeAttribute()
    mapping = JSONAttribute(default=dict)  # field -> column header
    rows = NumberAttribute()  # the file's data rows
    chunks = NumberAttribute()
    chunks_sent = NumberSetAttribute(default=set)
    chunks_done = NumberSetAttribute(default=set)
    rows_done = NumberAttribute(default=0)
    rejected = NumberAttribute(default=0)
    created = NumberAttribute(default=0)  # clients added
    updated = NumberAttribute(default=0)  # known clients given what they lacked
    unchanged = NumberAttribute(default=0)  # rows that brought nothing new
    visits_added = NumberAttribute(default=0)
    created_by = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    finished_at = UTCDateTimeAttribute(null=True)
