"""Execution environments: each one a process of its own, as in Lambda.

An environment is a small worker process that sets the function's environment variables, imports its
handler the way Lambda's Python runtime does (the code directory first on ``sys.path``, the handler's
module by its own name) and then answers invocations, one at a time, over a pipe. Nothing of one
environment is seen by another: module state, Powertools' current event (a class attribute), caches,
connections. A function scales out by starting more of them.

Workers are forked from multiprocessing's fork server, which imports the third-party libraries the
handlers use (:data:`PRELOAD`) once, so an environment starts in the time it takes to import the
function's own code. A worker leaves when its pipe closes, so none outlives the process that started it.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import multiprocessing
import os
import signal
import sys
import traceback
from dataclasses import dataclass
from datetime import timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

log = logging.getLogger("local.functions")

# What the handlers import from site-packages, imported once by the fork server (a missing one is
# skipped). Only libraries that read no configuration at import: each function's own code is imported
# in its environment, after its variables are set.
PRELOAD = (
    "botocore.client",
    "botocore.session",
    "boto3",
    "pydantic",
    "pynamodb.models",
    "pynamodb.transactions",
    "httpx",
    "aws_lambda_powertools.event_handler",
    "aws_lambda_powertools.logging",
    "aws_lambda_powertools.metrics",
    "aws_lambda_powertools.tracing",
    "aws_lambda_powertools.utilities.parameters",
    "aws_lambda_powertools.utilities.typing",
)
INIT_TIMEOUT = 120.0  # seconds for an environment's import (Lambda retries a slow init within the timeout)
STOP_TIMEOUT = 5.0

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(list(PRELOAD))


class InvocationFailed(Exception):
    """The handler raised: ``kind`` and ``message`` are the exception's, ``trace`` its traceback."""

    def __init__(self, kind: str, message: str, trace: str):
        super().__init__(f"{kind}: {message}")
        self.kind, self.message, self.trace = kind, message, trace


class EnvironmentLost(Exception):
    """The environment could not answer: its import failed, it ran out of time, or its process died.
    The environment is gone; the next invocation gets a new one."""


@dataclass(frozen=True)
class Setup:
    """What an execution environment is made of."""

    logical_id: str
    code_uri: str
    handler: str  # module.attribute, as the template's Handler
    variables: dict[str, str]  # the whole environment of the process
    stack: dict[str, Any] | None = None  # the stack the IAM check resolves this function's calls against


class ExecutionEnvironment:
    """One environment of a function: its worker process, started now, importing the handler."""

    def __init__(self, setup: Setup):
        self.setup = setup
        self._connection, theirs = _context.Pipe()
        self._process = _context.Process(
            target=serve, args=(theirs, setup), daemon=True, name=f"environment-{setup.logical_id}"
        )
        self._process.start()
        theirs.close()
        self._ready = False
        self.alive = True

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def wait_ready(self) -> None:
        """Wait for the handler's import (the cold start); :class:`EnvironmentLost` if it failed."""
        if self._ready:
            return
        kind, *rest = self._receive(INIT_TIMEOUT, "its import")
        if kind != "ready":
            self._lose()
            raise EnvironmentLost(rest[0])
        self._ready = True

    def invoke(self, event: Any, context: Any, clock_offset: float, timeout: float) -> Any:
        """The handler's answer to ``event``, given within ``timeout`` seconds; :class:`InvocationFailed`
        if it raised, :class:`EnvironmentLost` if the environment could not answer (it is stopped then)."""
        self.wait_ready()
        try:
            self._connection.send(("invoke", event, context, clock_offset))
        except (OSError, ValueError) as exc:
            self._lose()
            raise EnvironmentLost(f"the environment's process is gone ({exc})") from None
        kind, *rest = self._receive(timeout, f"Task timed out after {timeout:.2f} seconds")
        if kind == "ok":
            return rest[0]
        raise InvocationFailed(*rest)

    def _receive(self, timeout: float, what: str) -> tuple:
        try:
            if self._connection.poll(max(0.0, timeout)):
                return self._connection.recv()
        except (EOFError, OSError):
            self._process.join(STOP_TIMEOUT)
            self._lose()
            raise EnvironmentLost(f"the environment's process exited ({self._process.exitcode})") from None
        self._lose()
        raise EnvironmentLost(what if what.startswith("Task") else f"{what} took over {timeout:.0f} seconds")

    def _lose(self) -> None:
        self.alive = False
        self.stop(wait=False)

    def stop(self, wait: bool = True) -> None:
        """End the worker: asked to leave, then terminated if it does not."""
        self.alive = False
        with contextlib.suppress(OSError, ValueError):
            self._connection.send(None)
        self._connection.close()
        self._process.join(STOP_TIMEOUT if wait else 0)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(STOP_TIMEOUT)


# --- the worker ---------------------------------------------------------------------------------------
def serve(connection: Connection, setup: Setup) -> None:
    """The worker process: import the handler, then answer invocations until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the runtime's to handle: it stops us
    os.environ.clear()
    os.environ.update(setup.variables)
    from regulars_local.iam import calls

    if setup.stack is not None and os.environ.get(calls.ENVIRONMENT):
        stack = calls.stack_from(setup.stack)
        calls.record_to(Path(os.environ[calls.ENVIRONMENT]), lambda: stack)
    try:
        with calls.invoking(setup.logical_id, setup.code_uri):
            handler = import_handler_module(setup)
    except BaseException as exc:
        connection.send(("failed", f"{setup.logical_id}: {_describe(exc)}"))
        return
    connection.send(("ready",))
    from regulars.core import clock

    while True:
        try:
            message = connection.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        _, event, context, offset = message
        clock.set_offset(timedelta(seconds=offset))
        try:
            with calls.invoking(setup.logical_id, setup.code_uri):
                result = handler(event, context)
            connection.send(("ok", result))
        except Exception as exc:
            connection.send(("error", type(exc).__name__, str(exc), traceback.format_exc()))


def import_handler_module(setup: Setup) -> Any:
    """The handler, imported as Lambda's Python runtime imports it: the code directory first on
    ``sys.path`` and the module by its own name (``main``)."""
    module_name, _, attribute = setup.handler.rpartition(".")
    code = Path(setup.code_uri)
    source = code / (module_name.replace(".", "/") + ".py")
    if not source.is_file():
        raise ImportError(f"no {source.name} in {code.name}/ (Handler {setup.handler})")
    sys.path.insert(0, str(code))
    module = importlib.import_module(module_name)
    handler = getattr(module, attribute, None)
    if not callable(handler):
        raise ImportError(f"{setup.handler} is not a callable in {source.name}")
    return handler


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ImportError) and exc.name is None:
        return str(exc)
    return f"{type(exc).__name__}: {exc}"
