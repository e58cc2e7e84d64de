"""The template's functions, invoked with a Lambda context.

As in Lambda, a function scales out over execution environments, each a process of its own
(:mod:`regulars_local.emulator.environments`) that imports the handler with the function's environment
variables and handles one invocation at a time: concurrent requests to one function run side by side in
separate processes, up to the function's concurrency (its ReservedConcurrentExecutions, else
:data:`DEFAULT_CONCURRENCY`). Environments start at the first invocation that finds none idle and are
reused after.

:func:`import_handler` and :func:`load` import a handler into this process instead, for tests and
benchmarks that call one handler at a time: the module under a name of its own, so that every
function's ``main.py`` can coexist in one interpreter.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from regulars_local.emulator.environments import (
    EnvironmentLost,
    ExecutionEnvironment,
    InvocationFailed,
    Setup,
)
from regulars_local.emulator.template import FunctionSpec
from regulars_local.iam.calls import invoking

log = logging.getLogger("local.functions")

ACCOUNT_ID = "123456789012"
DEFAULT_CONCURRENCY = 10  # environments per function when the template reserves none
Handler = Callable[[Any, Any], Any]
_import_lock = threading.Lock()  # sys.path and sys.modules are process-wide


class FunctionError(RuntimeError):
    """The invocation failed as a Lambda invocation would: an exception, an import error, a timeout."""


@dataclass
class LambdaContext:
    """The attributes and method of the Lambda Python runtime's context object."""

    function_name: str
    memory_limit_in_mb: int
    invoked_function_arn: str
    timeout_seconds: float
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_group_name: str = ""
    log_stream_name: str = ""
    identity: Any = None
    client_context: Any = None
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_seconds
        self.log_group_name = self.log_group_name or f"/aws/lambda/{self.function_name}"
        self.log_stream_name = self.log_stream_name or f"{time.strftime('%Y/%m/%d')}/[$LATEST]local"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def physical_name(spec: FunctionSpec, prefix: str) -> str:
    return spec.function_name or f"{prefix}-{spec.logical_id}"


def import_handler(spec: FunctionSpec, environment: int = 1, own: Mapping[str, str] | None = None) -> Handler:
    """Import ``<CodeUri>/<module>.py`` as ``regulars_fn_<LogicalId>[_<n>]`` and return its handler.

    The code directory is the first entry of ``sys.path`` while the module loads (as the task root
    is in Lambda), and sibling modules it imported are then taken out of ``sys.modules`` so that
    another function's module of the same name is its own. ``own`` are the variables whose value
    is this function's alone (the process environment holds what all functions share): they are
    in ``os.environ`` while the module loads, so a module that reads its settings at import, as a
    handler should, keeps its own.
    """
    module_name, _, attribute = spec.handler.rpartition(".")
    source = spec.code_uri / (module_name.replace(".", "/") + ".py")
    if not source.is_file():
        raise FunctionError(
            f"{spec.logical_id}: no {source.name} in {spec.code_uri.name}/ (Handler {spec.handler})"
        )
    unique = f"regulars_fn_{spec.logical_id}" + (f"_{environment}" if environment > 1 else "")
    with _import_lock:
        saved = {name: os.environ.get(name) for name in own or {}}
        os.environ.update(own or {})
        try:
            with invoking(spec.logical_id, spec.code_uri):
                return _attributed(spec, _import(spec, source, unique, attribute))
        finally:
            for name, value in saved.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value


def _attributed(spec: FunctionSpec, handler: Handler) -> Handler:
    """The handler, with the AWS calls it makes attributed to its function (for the IAM check)."""

    def run(event: Any, context: Any) -> Any:
        with invoking(spec.logical_id, spec.code_uri):
            return handler(event, context)

    run.__wrapped__ = handler  # type: ignore[attr-defined]  # as functools.wraps would set it
    return run


def _import(spec: FunctionSpec, source: Path, unique: str, attribute: str) -> Handler:
    loader_spec = importlib.util.spec_from_file_location(unique, source)
    if loader_spec is None or loader_spec.loader is None:
        raise FunctionError(f"{spec.logical_id}: cannot load {source.name}")
    module = importlib.util.module_from_spec(loader_spec)
    before = set(sys.modules)
    sys.modules[unique] = module
    sys.path.insert(0, str(spec.code_uri))
    try:
        loader_spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(unique, None)
        raise
    finally:
        sys.path.remove(str(spec.code_uri))
        _forget_siblings(spec.code_uri, set(sys.modules) - before - {unique})
    handler = getattr(module, attribute, None)
    if not callable(handler):
        raise FunctionError(f"{spec.logical_id}: {spec.handler} is not a callable in {source.name}")
    return handler


def _forget_siblings(code_uri: Path, names: set[str]) -> None:
    for name in names:
        module: ModuleType | None = sys.modules.get(name)
        origin = getattr(module, "__file__", None)
        if origin and Path(origin).resolve().is_relative_to(code_uri):
            del sys.modules[name]


class LocalFunction:
    """A function of the template and its execution environments."""

    def __init__(self, spec: FunctionSpec, region: str, prefix: str = "regulars-local"):
        self.spec = spec
        self.name = physical_name(spec, prefix)
        self.arn = f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{self.name}"
        self.concurrency = spec.reserved_concurrency or DEFAULT_CONCURRENCY
        self.variables: dict[str, str] = dict(os.environ)  # its environments' whole environment
        self.stack: dict[str, Any] | None = None  # for the IAM check: the stack its calls are made against
        self._idle: list[ExecutionEnvironment] = []
        self._all: set[ExecutionEnvironment] = set()
        self._pool = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.concurrency)
        self.invocations = 0

    @property
    def logical_id(self) -> str:
        return self.spec.logical_id

    @property
    def environments(self) -> int:
        """The environments alive (idle or busy)."""
        with self._pool:
            return len(self._all)

    def _environment(self) -> ExecutionEnvironment:
        with self._pool:
            if self._idle:
                return self._idle.pop()
        made = ExecutionEnvironment(
            Setup(
                self.logical_id, str(self.spec.code_uri), self.spec.handler, dict(self.variables), self.stack
            )
        )
        with self._pool:
            self._all.add(made)
        return made

    def invoke(self, event: Any) -> Any:
        """Run the handler once in a free environment (a new one if all are busy, up to the
        function's concurrency); any failure, a timeout included, raises :class:`FunctionError`."""
        from regulars.core import clock

        with self._slots:
            environment = self._environment()
            request = "(none)"
            try:
                environment.wait_ready()  # a cold start: the invocation's time starts after it
                context = LambdaContext(
                    function_name=self.name,
                    memory_limit_in_mb=self.spec.memory_size,
                    invoked_function_arn=self.arn,
                    timeout_seconds=float(self.spec.timeout),
                )
                request = context.aws_request_id
                return environment.invoke(
                    event, context, clock.offset().total_seconds(), float(self.spec.timeout)
                )
            except InvocationFailed as exc:
                log.error("%s failed (request %s):\n%s", self.logical_id, request, exc.trace)
                raise FunctionError(f"{self.logical_id}: {exc}") from None
            except EnvironmentLost as exc:
                log.error("%s: %s", self.logical_id, exc)
                raise FunctionError(f"{self.logical_id}: {exc}") from None
            finally:
                with self._pool:
                    self.invocations += 1
                    if environment.alive:
                        self._idle.append(environment)
                    else:
                        self._all.discard(environment)

    def stop(self) -> None:
        """Stop every environment of the function."""
        with self._pool:
            environments, self._idle = list(self._all), []
            self._all.clear()
        for environment in environments:
            environment.stop()


def load_functions(specs: Mapping[str, FunctionSpec], region: str) -> dict[str, LocalFunction]:
    return {logical_id: LocalFunction(spec, region) for logical_id, spec in specs.items()}


def spec_of(folder: str, template: Path | None = None) -> FunctionSpec:
    """The template's function whose CodeUri is ``functions/<folder>``."""
    from regulars_local.emulator.template import TEMPLATE, functions

    for spec in functions(template or TEMPLATE).values():
        if spec.code_uri.name == folder:
            return spec
    raise LookupError(f"no function with CodeUri functions/{folder} in the template")


def load(folder: str, environment: int = 1) -> Handler:
    """The handler of ``functions/<folder>`` loaded as Lambda loads it (by the template's CodeUri
    and Handler), in execution environment ``environment`` of its own."""
    return import_handler(spec_of(folder), environment=environment)


def context_for(folder: str, region: str = "us-east-1") -> LambdaContext:
    spec = spec_of(folder)
    name = physical_name(spec, "regulars-local")
    return LambdaContext(
        function_name=name,
        memory_limit_in_mb=spec.memory_size,
        invoked_function_arn=f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{name}",
        timeout_seconds=float(spec.timeout),
    )
