"""Move the messages and jobs of earlier releases from the second index to the third: the upgrade's
command, run right after deploying the release that adds the third index (docs/decisions.md, "Messages
and jobs are found through an index of their keys").

    python -m regulars.app.index_upgrade --table <table> --salon <salon id> [--salon ...]

Earlier releases filed a client's messages and a subject's jobs in the second index, which copies
every attribute, so each change of a message's or a job's status was written twice. This release finds
them in the third, which holds their keys and what never changes. Until they are moved, the items of
earlier releases are not found there: a client's message history, the marketing frequency cap and an
erasure would miss them. Nothing is scanned: one Query of each salon's messages and jobs. An item moves
with one conditional update (its keys for the third index set, those of the second removed), so a
second run, or a run beside the application, changes nothing more.
"""

from __future__ import annotations

import argparse
import sys

from regulars.app.index_upgrade_repo import upgrade


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m regulars.app.index_upgrade", description=__doc__)
    parser.add_argument("--table", required=True, help="the application's table (the stack's TableName)")
    parser.add_argument("--salon", action="append", required=True, help="a salon id (repeat for more)")
    args = parser.parse_args(argv)
    from regulars.store.base import bind_table

    bind_table(args.table)
    for salon_id in args.salon:
        moved = upgrade(salon_id)
        print(
            f"{salon_id}: "
            + ", ".join(f"{n} {kind} items moved to the third index" for kind, n in moved.items())
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
