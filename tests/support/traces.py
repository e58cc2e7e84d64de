"""Where a person's words are still held: a table's items as text, the packed binary attributes
(the segment preview's profile chunks) unpacked, so a search for a name, a phone or an e-mail
address sees everything an item holds."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from regulars.campaigns import projection_repo as projection


def as_text(item: dict[str, Any]) -> str:
    """A raw DynamoDB item (as a Scan returns it) as JSON, packed profiles unpacked."""
    return json.dumps(item, ensure_ascii=False, default=_shown)


def holding(pages: Any, needles: list[str]) -> list[dict[str, Any]]:
    """The items of Scan ``pages`` that hold any of ``needles`` anywhere, keys included."""
    return [i for page in pages for i in page["Items"] if any(n in as_text(i) for n in needles)]


def _shown(value: object) -> object:
    if isinstance(value, bytes):
        return [dataclasses.asdict(p) for p in projection.unpack(value)]
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return str(value)
