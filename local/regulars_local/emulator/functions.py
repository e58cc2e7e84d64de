"""The template's functions, hosted in this process: imported lazily, invoked with a Lambda context.

Each function's handler module (``<CodeUri>/<module>.py``) is imported under a name of its own, so
that every function's ``main.py`` can coexist in one interpreter. As in Lambda, a function scales
out over execution environments: each environment is its own import of the handler module (its own
resolver and module state) and handles one invocation at a time, so concurrent requests to one
function really run concurrently, up to the function's concurrency limit.
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
    def __init__(self, spec: FunctionSpec, region: str, prefix: str = "regulars-local"):
        self.spec = spec
        self.name = physical_name(spec, prefix)
        self.arn = f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{self.name}"
        self.concurrency = spec.reserved_concurrency or DEFAULT_CONCURRENCY
        self._idle: list[Handler] = []
        self._environments = 0
        self._pool = threading.Lock()
        self._slots = threading.BoundedSemaphore(self.concurrency)
        self.invocations = 0
        self.own_environment: dict[str, str] = {}  # variables whose value differs from other functions'

    @property
    def logical_id(self) -> str:
        return self.spec.logical_id

    @property
    def environments(self) -> int:
        return self._environments

    def _environment(self) -> Handler:
        with self._pool:
            if self._idle:
                return self._idle.pop()
            self._environments += 1
            number = self._environments
        try:
            return import_handler(self.spec, environment=number, own=self.own_environment)
        except BaseException:
            with self._pool:
                self._environments -= 1
            raise

    def invoke(self, event: Any) -> Any:
        """Run the handler once in a free environment (a new one if all are busy, up to the
        function's concurrency); any failure, a timeout included, raises :class:`FunctionError`."""
        with self._slots:
            handler: Handler | None = None
            context = LambdaContext(
                function_name=self.name,
                memory_limit_in_mb=self.spec.memory_size,
                invoked_function_arn=self.arn,
                timeout_seconds=float(self.spec.timeout),
            )
            started = time.monotonic()
            try:
                handler = self._environment()
                result = handler(event, context)
            except FunctionError as exc:
                log.error("%s", exc)
                raise
            except Exception as exc:
                log.exception("%s failed (request %s)", self.logical_id, context.aws_request_id)
                raise FunctionError(f"{self.logical_id}: {type(exc).__name__}: {exc}") from exc
            finally:
                with self._pool:
                    self.invocations += 1
                    if handler is not None:
                        self._idle.append(handler)
            elapsed = time.monotonic() - started
            if elapsed > self.spec.timeout:
                raise FunctionError(
                    f"{self.logical_id}: Task timed out after {self.spec.timeout:.2f} seconds"
                )
            return result


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
