"""``python -m regulars_local``: the whole application on this machine, until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from regulars_local.demo import cache as democache
from regulars_local.runtime import Options, Runtime, StartupError, banner

log = logging.getLogger("local")
QUIET_LOGGERS = ("botocore", "boto3", "pynamodb", "werkzeug", "urllib3")


class Interrupted(BaseException):
    """A stop signal arrived while the runtime was starting."""


def _clients(text: str) -> int:
    n = int(text)
    if not 1 <= n <= 5000:
        raise argparse.ArgumentTypeError("give a number of clients from 1 to 5000")
    return n


def _parameter(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name:
        raise argparse.ArgumentTypeError(f"give NAME=VALUE, not {text!r}")
    return name, value


def _rate_limits(text: str) -> dict[str, int]:
    """``"telegram=30,whatsapp=80"``: each fake provider's sends a second, a whole number above 0."""
    from regulars_local.providers.phone import RATE_LIMITED

    limits: dict[str, int] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = part.partition("=")
        if name not in RATE_LIMITED:
            raise argparse.ArgumentTypeError(
                f"{name!r}: the fakes that take a rate are {', '.join(RATE_LIMITED)}"
            )
        if not value.isdigit() or int(value) < 1:
            raise argparse.ArgumentTypeError(f"{part!r}: give sends a second as a whole number above 0")
        limits[name] = int(value)
    return limits


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m regulars_local",
        description="Run Regulars locally: DynamoDB Local, moto, the API, stream pumps, schedules, demo data.",
    )
    parser.add_argument("--port", type=int, default=None, help="HTTP port (default: $PORT, else 3000)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--no-demo", dest="demo", action="store_false", help="start with an empty table")
    parser.add_argument(
        "--demo-clients",
        type=_clients,
        default=300,
        help="clients in the demo salon (default 300; fewer start faster: their history goes through the stream)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help="keep the table here across runs (the team's members too; the user pool is moto's, in memory: at "
        "each start it holds the demo's users, and others are added or invited again)",
    )
    parser.add_argument(
        "--restore",
        type=Path,
        default=None,
        metavar="FILE",
        help="start from the items in FILE (a table saved by regulars_local.demo.snapshot.save, the demo salon "
        "with its history through the functions, say) instead of loading the demo",
    )
    parser.add_argument(
        "--dynamodb",
        choices=("auto", "local", "moto"),
        default="auto",
        help="auto: DynamoDB Local, or moto's DynamoDB when Java or the jar is missing (default)",
    )
    parser.add_argument(
        "--template", type=Path, default=None, help="the SAM template (default: template.yaml)"
    )
    parser.add_argument(
        "--fresh-demo",
        action="store_true",
        help="build the demo for today even when a settled one is kept from an earlier start",
    )
    parser.add_argument(
        "--demo-cache",
        type=Path,
        default=democache.DEFAULT_DIRECTORY,
        metavar="DIR",
        help="where the settled demo is kept between starts (default .cache/demo); a later start restores it "
        "in seconds with the clock at the day it was settled",
    )
    parser.add_argument(
        "--no-demo-cache",
        dest="demo_cache",
        action="store_const",
        const=None,
        help="neither keep nor restore it",
    )
    parser.add_argument(
        "--parameter-overrides",
        nargs="+",
        type=_parameter,
        default=[],
        metavar="NAME=VALUE",
        help="the template's parameters, as `sam deploy --parameter-overrides` gives them "
        "(SendRates=sms=100,telegram=100, say)",
    )
    parser.add_argument(
        "--provider-rate-limits",
        type=_rate_limits,
        default={},
        metavar="CHANNEL=N,...",
        help="make the fake Telegram and WhatsApp refuse past N sends a second, as the providers do "
        "(telegram=30,whatsapp=80, say): the sender's pacing and its retries, seen locally",
    )
    parser.add_argument("--log-level", default="INFO", choices=("DEBUG", "INFO", "WARNING", "ERROR"))
    return parser.parse_args(argv)


def options_from(args: argparse.Namespace) -> Options:
    options = Options(
        port=args.port if args.port is not None else int(os.environ.get("PORT") or 3000),
        host=args.host,
        demo=args.demo,
        demo_clients=args.demo_clients,
        data_dir=args.data_dir.resolve() if args.data_dir else None,
        dynamodb=args.dynamodb,
        restore=args.restore.resolve() if args.restore else None,
        parameters=dict(args.parameter_overrides),
        demo_cache=args.demo_cache.resolve() if args.demo_cache else None,
        fresh_demo=args.fresh_demo,
        provider_rate_limits=args.provider_rate_limits,
    )
    if args.template:
        options.template = args.template.resolve()
    return options


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=args.log_level,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    for noisy in QUIET_LOGGERS:
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLevelName(args.log_level)))
    stopping = threading.Event()

    def on_signal(signum: int, _: FrameType | None) -> None:
        if stopping.is_set():
            return
        stopping.set()
        log.info("%s: stopping", signal.Signals(signum).name)
        raise Interrupted

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        runtime = Runtime(options_from(args))
    except OSError as exc:
        log.error("cannot listen on port %s: %s", args.port or os.environ.get("PORT") or 3000, exc)
        return 1
    except ValueError as exc:  # a parameter override the template refuses
        log.error("--parameter-overrides: %s", exc)
        return 2
    try:
        runtime.start()
        print(banner(runtime), file=sys.stderr, flush=True)
        while not stopping.wait(1.0):
            pass
    except Interrupted:
        pass
    except StartupError as exc:
        log.error("could not start: %s", exc)
        return 1
    finally:
        runtime.stop()
    log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
