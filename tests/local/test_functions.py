import json
import textwrap
from pathlib import Path

import pytest
from regulars_local.emulator.functions import FunctionError, LambdaContext, LocalFunction, import_handler
from regulars_local.emulator.template import FunctionSpec


def write_function(root: Path, name: str, main: str, **siblings: str) -> Path:
    code = root / name
    code.mkdir(parents=True)
    (code / "main.py").write_text(textwrap.dedent(main))
    for module, text in siblings.items():
        (code / f"{module}.py").write_text(textwrap.dedent(text))
    return code


def spec(code: Path, logical_id: str, timeout: int = 3, handler: str = "main.handler") -> FunctionSpec:
    return FunctionSpec(logical_id, code, handler, {}, timeout, memory_size=256)


MAIN_WITH_SIBLING = """
    import helpers

    def handler(event, context):
        return {"who": helpers.NAME, "module": __name__, "event": event}
"""


def test_each_function_gets_its_own_main_and_sibling_modules(tmp_path):
    first = write_function(tmp_path, "first", MAIN_WITH_SIBLING, helpers="NAME = 'first'")
    second = write_function(tmp_path, "second", MAIN_WITH_SIBLING, helpers="NAME = 'second'")
    one = import_handler(spec(first, "FirstFunction"))({"n": 1}, None)
    two = import_handler(spec(second, "SecondFunction"))({"n": 2}, None)
    assert (one["who"], one["module"]) == ("first", "regulars_fn_FirstFunction")
    assert (two["who"], two["module"]) == ("second", "regulars_fn_SecondFunction")


def test_invoke_passes_a_lambda_context(tmp_path):
    code = write_function(
        tmp_path,
        "ctx",
        """
        def handler(event, context):
            return {
                "name": context.function_name,
                "memory": context.memory_limit_in_mb,
                "arn": context.invoked_function_arn,
                "request": context.aws_request_id,
                "remaining": context.get_remaining_time_in_millis(),
            }
        """,
    )
    function = LocalFunction(spec(code, "CtxFunction", timeout=3), "eu-west-1")
    result = function.invoke({})
    assert result["name"] == "regulars-local-CtxFunction"
    assert result["memory"] == 256
    assert result["arn"] == "arn:aws:lambda:eu-west-1:123456789012:function:regulars-local-CtxFunction"
    assert result["request"]
    assert 2000 < result["remaining"] <= 3000
    assert function.invocations == 1
    json.dumps(result)


def test_the_module_is_imported_on_the_first_invocation_only(tmp_path):
    function = LocalFunction(spec(tmp_path / "later", "LaterFunction"), "us-east-1")  # no code yet
    write_function(
        tmp_path,
        "later",
        """
        IMPORTS = []
        IMPORTS.append(1)

        def handler(event, context):
            return len(IMPORTS)
        """,
    )
    assert function.invoke({}) == 1
    assert function.invoke({}) == 1


def test_failures_are_function_errors(tmp_path):
    code = write_function(
        tmp_path,
        "bad",
        """
        def handler(event, context):
            raise ValueError("nope")
        """,
    )
    with pytest.raises(FunctionError, match="ValueError: nope"):
        LocalFunction(spec(code, "BadFunction"), "us-east-1").invoke({})
    with pytest.raises(FunctionError, match=r"no main\.py"):
        LocalFunction(spec(tmp_path / "missing", "MissingFunction"), "us-east-1").invoke({})
    with pytest.raises(FunctionError, match="not a callable"):
        LocalFunction(spec(code, "WrongHandler", handler="main.other"), "us-east-1").invoke({})


def test_running_past_the_timeout_fails_the_invocation(tmp_path):
    code = write_function(
        tmp_path,
        "slow",
        """
        import time

        def handler(event, context):
            time.sleep(1.1)
        """,
    )
    with pytest.raises(FunctionError, match=r"timed out after 1\.00 seconds"):
        LocalFunction(spec(code, "SlowFunction", timeout=1), "us-east-1").invoke({})


def test_context_counts_down(monkeypatch):
    now = [100.0]
    monkeypatch.setattr("regulars_local.emulator.functions.time.monotonic", lambda: now[0])
    context = LambdaContext("f", 128, "arn", timeout_seconds=3)
    assert context.get_remaining_time_in_millis() == 3000
    now[0] += 1.25
    assert context.get_remaining_time_in_millis() == 1750
    now[0] += 5
    assert context.get_remaining_time_in_millis() == 0


MAIN_WAITING_FOR_PEERS = """
    import sys

    STATE = object()  # one per execution environment

    def handler(event, context):
        sys.modules["peers_barrier"].barrier.wait(timeout=20)
        return {"environment": id(STATE), "module": __name__}
"""


def test_concurrent_invocations_run_side_by_side_in_separate_environments(tmp_path, monkeypatch):
    import sys
    import threading
    import types
    from concurrent.futures import ThreadPoolExecutor

    peers = 5
    shared = types.ModuleType("peers_barrier")
    shared.barrier = threading.Barrier(peers)  # only passes if all five run at once
    monkeypatch.setitem(sys.modules, "peers_barrier", shared)
    function = LocalFunction(spec(write_function(tmp_path, "waiting", MAIN_WAITING_FOR_PEERS), "Waiting"), "us-east-1")
    with ThreadPoolExecutor(max_workers=peers) as pool:
        results = list(pool.map(function.invoke, [{}] * peers))
    assert len({r["environment"] for r in results}) == peers
    assert function.environments == peers
    # a later invocation reuses an idle environment instead of making a sixth
    shared.barrier = threading.Barrier(1)
    function.invoke({})
    assert function.environments == peers


def test_concurrency_is_capped_by_reserved_concurrency(tmp_path):
    code = write_function(tmp_path, "capped", "def handler(event, context):\n    return 1\n")
    capped = FunctionSpec("Capped", code, "main.handler", {}, 3, memory_size=128, reserved_concurrency=2)
    assert LocalFunction(capped, "us-east-1").concurrency == 2
