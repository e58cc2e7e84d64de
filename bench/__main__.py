"""``python -m bench``: cold starts, DynamoDB calls per booking and request latency, the console's first screen, SMS parts of every message kind, what AWS bills for each unit of work and a month, as Markdown tables."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
import warnings

from bench import analytics, bill, booking, campaign, coldstart, console, imports, pacing, sms, sweep


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--only",
        choices=[
            "coldstart",
            "dynamodb",
            "sweep",
            "campaign",
            "analytics",
            "import",
            "console",
            "sms",
            "bill",
            "pacing",
        ],
        help="run one part only",
    )
    parser.add_argument("--runs", type=int, default=7, help="fresh interpreters per function (default 7)")
    parser.add_argument("--requests", type=int, default=200, help="GET slots requests timed (default 200)")
    parser.add_argument("--bookings", type=int, default=100, help="bookings timed (default 100)")
    parser.add_argument(
        "--clients", type=int, default=100_000, help="clients in the sweep's table (default 100,000)"
    )
    parser.add_argument(
        "--audience", type=int, default=50_000, help="clients a campaign goes to (default 50,000)"
    )
    parser.add_argument(
        "--history",
        type=int,
        default=1_000,
        help="clients whose three years of visits the analytics bench keeps (default 1,000)",
    )
    parser.add_argument(
        "--import-clients", type=int, default=5_000, help="clients the import bench moves in (default 5,000)"
    )
    parser.add_argument(
        "--import-visits", type=int, default=50_000, help="visits the import bench moves in (default 50,000)"
    )
    parser.add_argument(
        "--campaign-messages",
        type=int,
        default=50_000,
        help="messages the pacing bench sends at the providers' rates (default 50,000: about 16 minutes)",
    )
    args = parser.parse_args(argv)

    # Powertools warns once per process that a request published no metrics; it is not a finding.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    started = time.perf_counter()
    print(
        f"## Benchmarks\n\nPython {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} cores.\n",
        flush=True,
    )
    if args.only in (None, "coldstart"):
        print(coldstart.report(runs=args.runs), flush=True)
    if args.only in (None, "dynamodb"):
        print(booking.report(requests=args.requests, bookings=args.bookings), flush=True)
    if args.only in (None, "sweep"):
        print(sweep.report(clients=args.clients), flush=True)
    if args.only in (None, "campaign"):
        print(campaign.report(clients=args.audience), flush=True)
    if args.only in (None, "analytics"):
        print(analytics.report(clients=args.history), flush=True)
    if args.only in (None, "import"):
        print(imports.report(clients=args.import_clients, visits=args.import_visits), flush=True)
    if args.only in (None, "console"):
        print(console.report(), flush=True)
    if args.only in (None, "sms"):
        print(sms.report(), flush=True)
    if args.only in (None, "bill"):
        print(bill.report(), flush=True)
    if args.only in (None, "pacing"):
        print(pacing.report(messages=args.campaign_messages), flush=True)
    print(f"Ran in {time.perf_counter() - started:.0f} s.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
