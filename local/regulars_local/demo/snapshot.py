"""A table saved to a file and restored from it: the demo salon with its history already through the
functions, for a runtime that should start with it settled (``python -m regulars_local --restore FILE``)
instead of sending the whole history through the stream processor again.

The file holds one item per line in DynamoDB's JSON, as a Scan returns it (binary values, such as
the segment preview's packed profiles, in base64 as DynamoDB's own JSON has them). Restoring writes the items
into an empty table before the runtime's pumps start, so their stream records are not delivered: what
they derive from has been derived already.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

BATCH = 25  # the most items one BatchWriteItem takes


def save(ddb: Any, table: str, path: Path) -> int:
    """Write every item of ``table`` to ``path`` (written whole or not at all); the number of items."""
    count = 0
    partial = path.with_name(path.name + ".partial")
    with partial.open("w") as out:
        for page in ddb.get_paginator("scan").paginate(TableName=table, ConsistentRead=True):
            for item in page["Items"]:
                out.write(json.dumps(item, sort_keys=True, default=_base64) + "\n")
                count += 1
    partial.replace(path)
    return count


def items(path: Path) -> Iterator[dict[str, Any]]:
    with path.open() as lines:
        for line in lines:
            if line.strip():
                yield {name: _binary(value) for name, value in json.loads(line).items()}


def restore(ddb: Any, table: str, path: Path) -> int:
    """Write the items saved in ``path`` into ``table``; the number of items."""
    count = 0
    batch: list[dict[str, Any]] = []
    for item in items(path):
        batch.append({"PutRequest": {"Item": item}})
        if len(batch) == BATCH:
            count += _write(ddb, table, batch)
            batch = []
    if batch:
        count += _write(ddb, table, batch)
    return count


def _write(ddb: Any, table: str, batch: list[dict[str, Any]]) -> int:
    pending = {table: batch}
    while pending:
        pending = ddb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    return len(batch)


def _base64(value: object) -> str:
    if isinstance(value, bytes | bytearray):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"{type(value).__name__} is not an item's value")


def _binary(value: Any) -> Any:
    """An attribute value as the client takes it: binary ones (B, BS, and within M and L) as bytes."""
    if not isinstance(value, dict) or len(value) != 1:
        return value
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": base64.b64decode(inner)}
    if kind == "BS":
        return {"BS": [base64.b64decode(b) for b in inner]}
    if kind == "M":
        return {"M": {k: _binary(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [_binary(v) for v in inner]}
    return value
