"""Cold start: each function's handler module imported in a fresh interpreter with a Lambda's
environment, against the floor every Python function pays: boto3 and one DynamoDB client.

Runs are interleaved (function A, B, C, baseline, A, B, ...) so that drift on a busy machine
spreads over all of them, and one discarded round first warms the page cache and the bytecode
caches. ``-X importtime`` then names the imports that dominate each function's import.
"""

from __future__ import annotations

import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.report import median_ms, ratio, table, verdict

ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS = ROOT / "functions"
GOAL = 1.3
BASELINE = "baseline"
TRACED = " (X-Ray SDK on)"  # the same function deployed with XRaySdkTracing=true
_MARK = "--- bench: main ---"

# What the child measures: the import of main.py exactly as the Lambda runtime does it (the task
# root first on sys.path, the module loaded from its file), or the baseline; then its peak RSS.
# Packages of the development environment that the dependencies layer does not ship (argv[2]) cannot
# be imported: a library that imports one when present (httpx imports click and rich for its
# command line) does without it in Lambda, and so here.
_CHILD = f"""
import importlib.util, json, os, resource, sys, time

target, absent, first = sys.argv[1], set(sys.argv[2].split(",")), sys.argv[3]


class _NotShipped:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.partition(".")[0] in absent:
            raise ModuleNotFoundError(f"No module named {{name!r}} (not in the dependencies layer)", name=name)
        return None


sys.meta_path.insert(0, _NotShipped)
print("{_MARK}", file=sys.stderr, flush=True)
start, cpu = time.perf_counter(), time.process_time()
if target == "baseline":
    import boto3

    boto3.client("dynamodb", region_name="us-east-1")
else:
    sys.path.insert(0, os.path.dirname(target))
    spec = importlib.util.spec_from_file_location("main", target)
    module = importlib.util.module_from_spec(spec)
    sys.modules["main"] = module
    spec.loader.exec_module(module)
    assert callable(module.handler)
seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
if first:
    exec(first, vars(module))
first_cpu_seconds = time.process_time() - cpu
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "cpu_seconds": cpu_seconds, "first_cpu_seconds": first_cpu_seconds, "peak_bytes": peak if sys.platform == "darwin" else peak * 1024}}))
"""


# What a typical first request imports beyond the handler's module, where that is more than nothing
# (the routers and job handlers are imported when first reached): the admin calendar's day, the
# booking page's times, a reminder, an appointment's event (its subscribers' features). Run in main.py's
# namespace after the import is timed.
FIRST_REQUEST = {
    "admin_api": "app.include_routes('/v1/admin/appointments')\nimport regulars.team.gate",
    "public_api": "app.include_routes('/v1/salons/demo/slots')",
    "job_worker": "import regulars.app.jobs\nregulars.app.jobs.HANDLERS['reminder']",
    "stream_processor": "for module in ('booking.reminders', 'booking.notices', 'loyalty.visits', 'feedback.service', "
    "'clients.stats_repo', 'retention.defections', 'retention.invitations', 'retention.lifecycle', "
    "'campaigns.service', 'waitlist.service'):\n"
    "    __import__('regulars.' + module)",
}


def template_environment(function: str) -> dict[str, str]:
    """The function's variables as the template gives them (the first function of that CodeUri: the
    senders differ by ``CHANNEL`` only); a value the template resolves at deploy time (a queue's URL,
    a parameter) is a stand-in of the same kind here, since no import may call AWS."""
    from regulars_local.emulator.functions import spec_of
    from regulars_local.emulator.template import parameter_defaults

    folder = function.removesuffix(TRACED)
    if folder == BASELINE:
        return {}
    defaults = parameter_defaults()

    def value_of(name: str, value: object) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, dict) and isinstance(defaults.get(value.get("Ref")), str | int | float):
            return str(defaults[value["Ref"]])  # a parameter: its default, as a deploy without overrides
        return f"bench-{name.lower().replace('_', '-')}"

    return {name: value_of(name, value) for name, value in spec_of(folder).environment.items()}


def lambda_environment(function: str) -> dict[str, str]:
    """What a Lambda execution environment of this function would see (nothing of this shell's)."""
    return template_environment(function) | {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "TZ": ":UTC",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_SESSION_TOKEN": "bench",
        "AWS_LAMBDA_FUNCTION_NAME": function,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
        "TABLE_NAME": "regulars-bench",
        "PUBLIC_BASE_URL": "https://example.com",
        "MANAGE_LINK_SECRET": "bench-link-key-0123456789",
        "POWERTOOLS_TRACE_DISABLED": "false" if function.endswith(TRACED) else "true",
        "POWERTOOLS_SERVICE_NAME": "regulars",
        "POWERTOOLS_METRICS_NAMESPACE": "Regulars",
        "POWERTOOLS_LOG_LEVEL": "INFO",
    }


@dataclass
class Sample:
    seconds: list[float]  # CPU time of the import (a busy machine's waits are not the function's)
    peak_bytes: list[int]
    first_seconds: list[float] = field(default_factory=list)  # and of what a first request imports

    @property
    def ms(self) -> float:
        return median_ms(self.seconds)

    @property
    def first_ms(self) -> float:
        return median_ms(self.first_seconds)

    @property
    def peak_mb(self) -> float:
        return statistics.median(self.peak_bytes) / 2**20


def functions() -> dict[str, Path]:
    return {p.parent.name: p for p in sorted(FUNCTIONS.glob("*/main.py"))}


@functools.cache
def absent_modules() -> str:
    """The top-level modules installed here from distributions that layers/dependencies/requirements.txt
    does not pin (our own two packages aside)."""
    from importlib.metadata import packages_distributions

    def norm(name: str) -> str:
        return name.lower().replace("_", "-")

    pinned = {
        norm(line.split("==")[0].strip())
        for line in (ROOT / "layers" / "dependencies" / "requirements.txt").read_text().splitlines()
        if "==" in line and not line.lstrip().startswith("#")
    }
    return ",".join(
        sorted(
            module
            for module, dists in packages_distributions().items()
            if module not in ("regulars", "regulars_local") and not any(norm(d) in pinned for d in dists)
        )
    )


def _run(target: str, name: str, *flags: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        # the import tree is the handler module's alone
        [
            sys.executable,
            *flags,
            "-c",
            _CHILD,
            target,
            absent_modules(),
            "" if flags else FIRST_REQUEST.get(name, ""),
        ],
        env=lambda_environment(name),
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )


def measure(runs: int = 7) -> dict[str, Sample]:
    found = functions()
    targets = (
        {name: str(path) for name, path in found.items()}
        | {name + TRACED: str(path) for name, path in found.items() if name == "public_api"}
        | {BASELINE: BASELINE}
    )
    samples = {name: Sample([], []) for name in targets}
    for round_ in range(runs + 1):
        for name, target in targets.items():
            out = json.loads(_run(target, name).stdout)
            if round_:  # the first round only warms caches
                samples[name].seconds.append(out["cpu_seconds"])
                samples[name].first_seconds.append(out["first_cpu_seconds"])
                samples[name].peak_bytes.append(out["peak_bytes"])
    return samples


@dataclass
class Import:
    module: str
    cumulative_ms: float
    self_ms: float
    children: list[Import] = field(default_factory=list)

    def walk(self) -> Iterator[Import]:
        yield self
        for child in self.children:
            yield from child.walk()


def import_tree(path: Path, name: str) -> list[Import]:
    """What main.py imported, as a tree, from one ``-X importtime`` run (whose own overhead inflates
    the figures a little). importtime prints a module's imports before the module itself."""
    err = _run(str(path), name, "-X", "importtime").stderr
    pending: dict[int, list[Import]] = {}
    for line in err.split(_MARK, 1)[-1].splitlines():
        fields = line.removeprefix("import time:").split("|")
        if not line.startswith("import time:") or len(fields) != 3 or not fields[0].strip().isdigit():
            continue
        self_us, cumulative_us, module = fields
        depth = (len(module) - len(module.lstrip())) // 2
        node = Import(
            module.strip(), int(cumulative_us) / 1000, int(self_us) / 1000, pending.pop(depth + 1, [])
        )
        pending.setdefault(depth, []).append(node)
    return pending.get(0, [])


def _ours(module: str) -> bool:
    return module == "regulars" or module.startswith("regulars.")


def lazy_candidates(tree: list[Import], top: int = 8) -> list[tuple[str, str, float]]:
    """(importer, module, cumulative ms): the first imports of something not ours (third-party or
    standard library) by main.py or the regulars package. Each is an import statement that, made
    lazy, takes that module's whole cumulative time off the cold start."""
    edges = []

    def visit(importer: str, nodes: list[Import]) -> None:
        for node in nodes:
            if _ours(node.module):
                visit(node.module, node.children)
            else:
                edges.append((importer, node.module, node.cumulative_ms))

    visit("main", tree)
    return sorted(edges, key=lambda e: e[2], reverse=True)[:top]


def self_time_by_package(tree: list[Import]) -> dict[str, float]:
    totals: dict[str, float] = {}
    for root in tree:
        for node in root.walk():
            package = node.module.split(".")[0]
            totals[package] = totals.get(package, 0.0) + node.self_ms
    return totals


def report(runs: int = 7, top: int = 8) -> str:
    samples = measure(runs)
    base = samples.pop(BASELINE)
    rows = []
    for name, s in samples.items():
        time_ratio, rss_ratio = ratio(s.ms, base.ms), ratio(s.peak_mb, base.peak_mb)
        met = verdict(max(time_ratio, rss_ratio), GOAL)
        first = f"{s.first_ms:.0f} ({ratio(s.first_ms, base.ms):.2f})" if name in FIRST_REQUEST else ""
        rows.append([name, s.ms, base.ms, time_ratio, s.peak_mb, base.peak_mb, rss_ratio, met, first])
    out = [
        table(
            f"Cold start: handler import vs boto3 + a DynamoDB client (median of {runs} fresh interpreters)",
            [
                "function",
                "import CPU ms",
                "baseline CPU ms",
                "ratio",
                "peak MB",
                "baseline MB",
                "ratio",
                f"<= {GOAL}",
                "with a first request's imports: CPU ms (ratio)",
            ],
            rows,
            "Baseline: `import boto3; boto3.client('dynamodb')` in a fresh interpreter. Times are the "
            "process's CPU time (on a shared machine wall time measures the neighbours too). Peak RSS includes "
            "the interpreter itself; the goal is met when both ratios are. A function imports a router or a job "
            "handler when a request first reaches it: the last column adds what a typical first request imports "
            "(the admin calendar's appointments, the booking page's times, a reminder, an appointment's event).",
        )
    ]
    trees = {name: import_tree(path, name) for name, path in functions().items()}
    for name, tree in trees.items():
        out.append(
            table(
                f"{name}: the imports to make lazy (`-X importtime`, one run)",
                ["imported by", "module", "cumulative ms"],
                lazy_candidates(tree, top),
            )
        )
    totals = {name: self_time_by_package(tree) for name, tree in trees.items()}
    packages = sorted(
        {p for t in totals.values() for p in t}, key=lambda p: -max(t.get(p, 0) for t in totals.values())
    )
    out.append(
        table(
            "Import time by top-level package (self ms, summed)",
            ["package", *trees],
            [[p, *(totals[name].get(p, 0.0) for name in trees)] for p in packages[:top]],
        )
    )
    return "\n".join(out)
