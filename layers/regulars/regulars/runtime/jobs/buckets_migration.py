"""Move the pending jobs of earlier releases from due-hour buckets into due-day buckets: the
upgrade's command, run right after deploying the release whose ticker reads day buckets.

    python -m regulars.runtime.jobs.buckets_migration --table <table> --salon <salon id> [--salon ...]

Earlier releases indexed a pending job under its due hour (``DUE#2026-11-23T10#3``); this one reads
its due day (``DUE#2026-11-23#3``), so a job left in an hour bucket would never be read. Each of the
salon's pending jobs in an hour bucket is moved to the day bucket of its due time, or of now when its
due time has passed (the ticker may already have read past it since the deploy: it is then queued at
the next tick, late rather than never). One Query of the salon's jobs (never a Scan); each move is
conditional on the job being still pending in the bucket it was read in, so it is safe to run twice
and while the ticker runs. Prints what it did per salon.
"""

from __future__ import annotations

import argparse
import sys

from regulars.runtime.jobs.repo import move_hour_buckets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m regulars.runtime.jobs.buckets_migration", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--table", required=True, help="the application's table (the stack's TableName)")
    parser.add_argument("--salon", action="append", required=True, help="a salon id (repeat for more)")
    args = parser.parse_args(argv)
    from regulars.core import clock
    from regulars.store.base import bind_table

    bind_table(args.table)
    for salon_id in args.salon:
        r = move_hour_buckets(salon_id, clock.now())
        print(
            f"{salon_id}: {r.pending} pending jobs; {r.moved} moved into day buckets ({r.late} of them late, "
            f"due now); {r.changed} changed meanwhile and left to the ticker"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
