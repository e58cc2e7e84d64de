"""Move the per-cell lock items of earlier releases into day items: the upgrade's command, run right
after deploying the release that reads day items (never before: the old code still reads the old items).

    python -m regulars.booking.locks_migration --table <table> --salon <salon id> [--salon ...]

Prints what it did per salon; exits 1 when a holder's time was found taken by another (a conflict
for the desk to resolve), 0 otherwise. What it does: :mod:`regulars.booking.locks_upgrade_repo`.
"""

from __future__ import annotations

import argparse
import sys

from regulars.booking.locks_upgrade_repo import migrate
from regulars.core import clock


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m regulars.booking.locks_migration", description=__doc__)
    parser.add_argument("--table", required=True, help="the application's table (the stack's TableName)")
    parser.add_argument("--salon", action="append", required=True, help="a salon id (repeat for more)")
    parser.add_argument("--staff", action="append", help="only these staff members (default: the catalog's)")
    args = parser.parse_args(argv)
    from regulars.store.base import bind_table

    bind_table(args.table)
    conflicts = 0
    for salon_id in args.salon:
        r = migrate(salon_id, clock.now(), args.staff)
        conflicts += len(r.conflicts)
        print(
            f"{salon_id}: {r.holders} holders, {r.cells} cells in day items; {r.stale} old items of "
            f"holders that hold no time any more; {r.deleted} old items deleted; conflicts: {r.conflicts or 'none'}"
        )
    return 1 if conflicts else 0


if __name__ == "__main__":
    sys.exit(main())
