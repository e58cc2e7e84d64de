"""A pytest plugin: every AWS call a function makes during the test run is checked against that
function's IAM policy in template.yaml, and the run fails when AWS would refuse one.

The controller makes a directory and names it in ``IAM_CALL_RECORDS``; every process of the run
records to it: pytest's workers (handlers invoked in-process) and the local runtimes the end-to-end
tests start (they inherit the variable). When the run ends, the controller checks what all of them
recorded (:func:`regulars_local.iam.policies.check`) and reports each call that would be denied.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

import pytest
from regulars_local.emulator.template import TEMPLATE, functions
from regulars_local.iam import calls as aws_calls
from regulars_local.iam import policies as iam

_OWN_DIRECTORY = "_iam_call_records_owned"
_RECORDER = "_iam_call_recorder"


@cache
def _in_process_stack(table: str):
    """Built at the first call against ``table``: each test has a table of its own and sets the
    resources' variables before its functions run."""
    variables = {
        name
        for spec in functions(TEMPLATE).values()
        for name, value in spec.environment.items()
        if isinstance(value, dict) and "Ref" in value
    }
    environment = {name: os.environ[name] for name in variables if name in os.environ}
    return aws_calls.placeholder_stack(
        TEMPLATE, os.environ.get("AWS_REGION", "us-east-1"), table, environment
    )


def in_process_stack():
    """The stack a handler invoked in-process runs against: the table the test bound, and the resources
    the test named in the functions' environment variables."""
    from regulars.store.base import table_name

    return _in_process_stack(table_name())


def pytest_configure(config: pytest.Config) -> None:
    directory = os.environ.get(aws_calls.ENVIRONMENT)
    if not directory and not hasattr(config, "workerinput"):
        directory = tempfile.mkdtemp(prefix="regulars-aws-calls-")
        os.environ[aws_calls.ENVIRONMENT] = directory  # the workers and the runtimes inherit it
        setattr(config, _OWN_DIRECTORY, directory)
    if directory:
        setattr(config, _RECORDER, aws_calls.record_to(Path(directory), in_process_stack))


def checked(directory: Path) -> iam.Report:
    """The check of every call recorded in ``directory`` that a function of template.yaml made (not the
    test stacks' functions, which other tests run from templates of their own)."""
    records, stacks = aws_calls.read(directory)
    ours = {key for key, stack in stacks.items() if Path(stack.path).resolve() == TEMPLATE.resolve()}
    code = {name: str(spec.code_uri) for name, spec in functions(TEMPLATE).items()}
    return iam.check(
        [r for r in records if r["stack"] in ours and code.get(r["function"]) == r["code"]], stacks, TEMPLATE
    )


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    directory = getattr(session.config, _OWN_DIRECTORY, None)
    if not directory:
        return
    aws_calls.stop_recording(getattr(session.config, _RECORDER))
    try:
        report = checked(Path(directory))
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and report.checked:
        reporter.write_sep("-", "IAM check", red=bool(report.denials), green=not report.denials)
        reporter.write_line(report.text())
    if report.denials:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
