"""The settled demo kept between runs: `make dev` starts from it in seconds instead of sending the
demo's whole history through the stream processor again (a minute or two on a 2-core machine).

The first start loads the demo as always and, once its history is through the functions, saves the
table (:mod:`regulars_local.demo.snapshot`) with the application's time it was taken at. A later
start restores it and places the application's clock at that time, so the demo's "today" is the
day it was settled on, with its visits, reminders and the ticker's watermark as they were (the clock
then runs on from there; ``--fresh-demo`` builds a new one for today, as does a start more than
:data:`MAX_AGE` after it was kept). The file's name holds a
fingerprint of everything the settled items depend on: the application's code, the functions, the
template, the local runtime, the demo's size and the parameter overrides; a change to any of them
makes a new file, and older ones of the same size are deleted.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from regulars_local.demo import snapshot
from regulars_local.emulator.template import ROOT

log = logging.getLogger("local")

DEFAULT_DIRECTORY = ROOT / ".cache" / "demo"
MAX_AGE = timedelta(days=7)  # older than this (in real time), a kept demo is built anew for today
# what the settled items are made by
SOURCES = ("layers/regulars/regulars", "functions", "local/regulars_local")


def fingerprint(template: Path, clients: int, parameters: dict[str, str], root: Path = ROOT) -> str:
    digest = hashlib.sha256(json.dumps([clients, sorted(parameters.items())]).encode())
    files = [template, *(p for source in SOURCES for p in sorted((root / source).rglob("*.py")))]
    for path in files:
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class DemoCache:
    directory: Path
    clients: int
    key: str

    @property
    def items(self) -> Path:
        return self.directory / f"demo-{self.clients}-{self.key}.jsonl"

    @property
    def clock(self) -> Path:
        return self.items.with_suffix(".json")

    def saved_at(self) -> datetime | None:
        """The application's time the saved demo was taken at; None when there is none to restore."""
        if not (self.items.exists() and self.clock.exists()):
            return None
        try:
            kept = json.loads(self.clock.read_text())
            clock, saved = datetime.fromisoformat(kept["clock"]), datetime.fromisoformat(kept["saved"])
        except (ValueError, KeyError, TypeError):
            return None
        if datetime.now(UTC) - saved > MAX_AGE:
            log.info("the kept demo is from %s: building one for today", f"{saved:%Y-%m-%d}")
            return None
        return clock

    def save(self, ddb: Any, table: str, at: datetime) -> int:
        """The table and the time it was taken at; the older demos of this size deleted."""
        self.directory.mkdir(parents=True, exist_ok=True)
        count = snapshot.save(ddb, table, self.items)
        kept = {"clock": at.isoformat(), "saved": datetime.now(UTC).isoformat(), "items": count}
        self.clock.write_text(json.dumps(kept) + "\n")
        for old in self.directory.glob(f"demo-{self.clients}-*"):
            if old not in (self.items, self.clock):
                old.unlink(missing_ok=True)
        return count
