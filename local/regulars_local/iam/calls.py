"""Every AWS API call a function makes, recorded with the function it ran in, for the IAM check.

The hook is botocore's: :meth:`botocore.client.BaseClient._make_api_call` is where every client's call
goes, boto3's and PynamoDB's alike. Which function is running is a context variable that
:func:`invoking` sets around a function's import and each invocation (each execution environment of the
local runtime does it in its own process, :mod:`regulars_local.emulator.environments`, and
:mod:`regulars_local.emulator.functions` for tests that invoke handlers in-process); a call made outside
any function (a test's own set-up, the runtime's pumps) is not recorded.

A recorder writes to a directory, so that the calls of every process of a test run (pytest's workers,
the local runtimes the end-to-end tests start and their functions' environments) can be checked together
once the run ends: one
``calls-<pid>.jsonl`` per process with each distinct call once, and ``stack-<id>.json`` with the local
names and ARNs the calls were made against (a :class:`regulars_local.emulator.aws.Stack`), which the check
resolves the template's policies with (:func:`read`, :func:`regulars_local.iam.policies.check`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from regulars_local.emulator.aws import Stack
from regulars_local.iam import policies as iam

ENVIRONMENT = "IAM_CALL_RECORDS"  # the directory every process of a test run records to
_function: ContextVar[tuple[str, str] | None] = ContextVar("regulars_function", default=None)


def current_function() -> tuple[str, str] | None:
    """The logical id and code directory of the function running in this context, if any."""
    return _function.get()


@contextlib.contextmanager
def invoking(logical_id: str, code: Path | str = "") -> Iterator[None]:
    """Within this block, AWS calls are those of the function ``logical_id`` (whose code is in ``code``)."""
    token = _function.set((logical_id, str(code)))
    try:
        yield
    finally:
        _function.reset(token)


# --- stacks ---------------------------------------------------------------------------------------------
def stack_document(stack: Stack) -> dict[str, Any]:
    return {
        "template": str(Path(stack.path).resolve()),
        "region": stack.region,
        "name": stack.name,
        "parameters": {k: v for k, v in stack.parameters.items()},
        "refs": dict(stack.refs),
        "attributes": sorted([k[0], k[1], v] for k, v in stack.attributes.items()),
    }


def stack_from(document: dict[str, Any]) -> Stack:
    stack = Stack(
        Path(document["template"]), document["region"], document["name"], dict(document["parameters"])
    )
    stack.refs.update(document["refs"])
    stack.attributes.update({(lid, attr): value for lid, attr, value in document["attributes"]})
    return stack


def placeholder_stack(
    template: Path, region: str, table: str, environment: dict[str, str] | None = None
) -> Stack:
    """A stack for handlers invoked in-process: the table the test bound; a resource or a parameter that
    a function's environment names by ``!Ref`` and that ``environment`` sets (a test's queue, topic,
    user pool or push application) as set there; every other resource named as the local runtime
    would create it."""
    from regulars_local.emulator.template import functions, load

    stack = Stack(template, region, "regulars-local")
    account = iam.ACCOUNT_ID
    given = {
        value["Ref"]: (environment or {}).get(name)
        for spec in functions(template).values()
        for name, value in spec.environment.items()
        if isinstance(value, dict) and "Ref" in value
    }
    for parameter in stack.parameters:  # a deployment's choice the test made (a push application, say)
        if given.get(parameter):
            stack.parameters[parameter] = given[parameter]
    for logical_id, res in load(template)["Resources"].items():
        name, ref = f"{stack.name}-{logical_id}", given.get(logical_id)
        kind = res["Type"]
        if kind == "AWS::SQS::Queue":
            url = ref or f"https://sqs.{region}.amazonaws.com/{account}/{name}"
            name = url.rstrip("/").rsplit("/", 1)[1]
            stack.add(
                logical_id, url, Arn=f"arn:aws:sqs:{region}:{account}:{name}", QueueName=name, QueueUrl=url
            )
        elif kind == "AWS::SNS::Topic":
            arn = ref or f"arn:aws:sns:{region}:{account}:{name}"
            stack.add(logical_id, arn, TopicArn=arn, TopicName=arn.rsplit(":", 1)[1])
        elif kind == "AWS::DynamoDB::Table":
            arn = f"arn:aws:dynamodb:{region}:{account}:table/{table}"
            stack.add(logical_id, table, Arn=arn, StreamArn=f"{arn}/stream/local")
        elif kind == "AWS::Cognito::UserPool":
            pool = ref or f"{region}_local"
            stack.add(logical_id, pool, Arn=f"arn:aws:cognito-idp:{region}:{account}:userpool/{pool}")
        elif kind == "AWS::Serverless::Function":
            stack.add(logical_id, name, Arn=f"arn:aws:lambda:{region}:{account}:function:{name}")
    return stack


# --- the recorder ---------------------------------------------------------------------------------------
class Recorder:
    """Writes each distinct call of a function to ``directory`` (see the module's text)."""

    def __init__(self, directory: Path, stack: Callable[[], Stack]):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self._stack = stack
        self._lock = threading.Lock()
        self._seen: set[str] = set()
        self._stacks: dict[int, tuple[Stack, str]] = {}  # id(stack) -> (stack, its id in the directory)
        self._path = self.directory / f"calls-{os.getpid()}.jsonl"

    def _stack_id(self) -> str:
        stack = self._stack()  # the same object while the names it holds stay the same
        known = self._stacks.get(id(stack))
        if known is None:
            text = json.dumps(stack_document(stack), sort_keys=True)
            known = (stack, hashlib.sha256(text.encode()).hexdigest()[:16])
            (self.directory / f"stack-{known[1]}.json").write_text(text)
            self._stacks[id(stack)] = known
        return known[1]

    def record(
        self, function: tuple[str, str], service: str, operation: str, params: dict[str, Any], region: str
    ) -> None:
        requests = iam.requests_for(service, operation, params, region)
        with self._lock:
            record = {
                "function": function[0],
                "code": function[1],
                "stack": self._stack_id(),
                "call": f"{service}.{operation}",
                "requests": [
                    {"action": r.action, "resource": r.resource, "context": list(r.context)} for r in requests
                ],
            }
            line = json.dumps(record, sort_keys=True)
            if line in self._seen:
                return
            self._seen.add(line)
            with self._path.open("a") as out:
                out.write(line + "\n")


_recorders: list[Recorder] = []
_install_lock = threading.Lock()


def record_to(directory: Path, stack: Callable[[], Stack]) -> Recorder:
    """Record the calls of every function in this process to ``directory`` from now on (until
    :func:`stop_recording`); any number of recorders may record at once."""
    with _install_lock:
        _install_hook()
        recorder = Recorder(directory, stack)
        _recorders.append(recorder)
        return recorder


def stop_recording(recorder: Recorder) -> None:
    with _install_lock:
        if recorder in _recorders:
            _recorders.remove(recorder)


@contextlib.contextmanager
def recording(directory: Path, stack: Callable[[], Stack]) -> Iterator[Recorder]:
    recorder = record_to(directory, stack)
    try:
        yield recorder
    finally:
        stop_recording(recorder)


def _install_hook() -> None:
    from botocore.client import BaseClient

    if getattr(BaseClient._make_api_call, "_records_calls", False):
        return
    original = BaseClient._make_api_call

    def _make_api_call(self: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
        function = _function.get()
        if function is not None and _recorders:
            model = self.meta.service_model
            for recorder in list(_recorders):
                recorder.record(
                    function,
                    model.signing_name or model.endpoint_prefix,
                    operation_name,
                    api_params,
                    self.meta.region_name,
                )
        return original(self, operation_name, api_params)

    _make_api_call._records_calls = True  # type: ignore[attr-defined]  # a mark on the function itself
    BaseClient._make_api_call = _make_api_call


def read(directory: Path) -> tuple[list[dict[str, Any]], dict[str, Stack]]:
    """Every record and stack written to ``directory`` by any process."""
    directory = Path(directory)
    stacks = {
        p.stem.removeprefix("stack-"): stack_from(json.loads(p.read_text()))
        for p in directory.glob("stack-*.json")
    }
    records = [
        json.loads(line)
        for p in sorted(directory.glob("calls-*.jsonl"))
        for line in p.read_text().splitlines()
        if line.strip()
    ]
    return records, stacks


# --- one parameters cache per function ------------------------------------------------------------------
class _PerFunction(dict):
    """Powertools' parameter providers (and so their caches), one set per function, for handlers of several
    functions invoked in one process (tests): in AWS, and in the local runtime, each function runs in
    processes of its own, so one function's read of a parameter never serves another's."""

    def __init__(self) -> None:
        super().__init__()
        self._by_function: dict[tuple[str, str] | None, dict[str, Any]] = {}

    def _own(self) -> dict[str, Any]:
        return self._by_function.setdefault(_function.get(), {})

    def __contains__(self, key: object) -> bool:
        return key in self._own()

    def __getitem__(self, key: str) -> Any:
        return self._own()[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._own()[key] = value

    def __delitem__(self, key: str) -> None:
        del self._own()[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._own().get(key, default)

    def clear(self) -> None:
        self._by_function.clear()


def parameter_cache_per_function() -> None:
    """Give each function its own Powertools parameter providers in this process (idempotent)."""
    import sys

    import aws_lambda_powertools.utilities.parameters  # noqa: F401 - every provider module, loaded
    from aws_lambda_powertools.utilities.parameters import constants

    if isinstance(constants.DEFAULT_PROVIDERS, _PerFunction):
        return
    shared, scoped = constants.DEFAULT_PROVIDERS, _PerFunction()
    for name, module in list(sys.modules.items()):
        if (
            name.startswith("aws_lambda_powertools.utilities.parameters")
            and getattr(module, "DEFAULT_PROVIDERS", None) is shared
        ):
            module.DEFAULT_PROVIDERS = scoped  # type: ignore[attr-defined]  # a module found at run time
