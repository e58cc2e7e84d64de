import json
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from regulars_local.emulator.aws import Stack
from regulars_local.emulator.functions import FunctionError, LambdaContext, LocalFunction, import_handler
from regulars_local.emulator.template import FunctionSpec
from regulars_local.iam import calls
from support.rendezvous import WAIT, Rendezvous

FIXTURE = Path(__file__).parent / "fixtures" / "template.yaml"


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


MAIN_WAITING_FOR_PEERS = (
    WAIT
    + """
import os

def handler(event, context):
    wait_for_peers(event["port"])
    return {"environment": os.getpid(), "module": __name__}
"""
)


def test_concurrent_invocations_run_side_by_side_in_separate_environments(tmp_path):
    peers = 5
    function = LocalFunction(
        spec(write_function(tmp_path, "waiting", MAIN_WAITING_FOR_PEERS), "Waiting"), "us-east-1"
    )
    try:
        with Rendezvous(peers) as meeting, ThreadPoolExecutor(max_workers=peers) as pool:
            results = list(
                pool.map(function.invoke, [{"port": meeting.port}] * peers)
            )  # only if all run at once
        assert len({r["environment"] for r in results}) == peers
        assert {r["module"] for r in results} == {"main"}  # imported as Lambda imports it
        assert function.environments == peers
        # a later invocation reuses an idle environment instead of making a sixth
        with Rendezvous(1) as alone:
            assert function.invoke({"port": alone.port})["environment"] in {r["environment"] for r in results}
        assert function.environments == peers
    finally:
        function.stop()


MAIN_WITH_A_POWERTOOLS_ROUTER = (
    WAIT
    + """
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.router import APIGatewayRouter

router = APIGatewayRouter()
app = APIGatewayRestResolver()


@router.get("/who")
def who():
    wait_for_peers(router.current_event.headers["x-port"])  # the other request has been resolved meanwhile
    return {"who": router.current_event.headers["x-who"], "request": router.lambda_context.aws_request_id}


app.include_router(router)


def handler(event, context):
    return {**app.resolve(event, context), "request": context.aws_request_id}
"""
)


def _get(path: str, headers: dict) -> dict:
    return {
        "httpMethod": "GET",
        "path": path,
        "resource": path,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None,
        "pathParameters": None,
        "body": None,
        "isBase64Encoded": False,
        "requestContext": {"stage": "test", "httpMethod": "GET", "path": path, "requestId": headers["x-who"]},
    }


def test_two_environments_answering_at_once_each_answer_their_own_request(tmp_path):
    """Powertools keeps the request being served in a class attribute: right because each execution
    environment is a process of its own, as in Lambda (two in one process would answer each other's)."""
    function = LocalFunction(
        spec(write_function(tmp_path, "who", MAIN_WITH_A_POWERTOOLS_ROUTER), "Who"), "us-east-1"
    )
    try:
        with Rendezvous(2) as meeting, ThreadPoolExecutor(max_workers=2) as pool:
            answers = list(
                pool.map(
                    function.invoke,
                    [_get("/who", {"x-who": who, "x-port": str(meeting.port)}) for who in ("anna", "boris")],
                )
            )
    finally:
        function.stop()
    assert [a["statusCode"] for a in answers] == [200, 200]
    assert [json.loads(a["body"])["who"] for a in answers] == ["anna", "boris"]
    assert [json.loads(a["body"])["request"] for a in answers] == [a["request"] for a in answers]


def test_an_environment_has_its_functions_variables_and_the_applications_clock(tmp_path, monkeypatch):
    from datetime import UTC, datetime, timedelta

    from regulars.core import clock

    code = write_function(
        tmp_path,
        "env",
        """
        import os

        from regulars.core import clock

        def handler(event, context):
            return {"mine": os.environ.get("ONLY_MINE"), "theirs": os.environ.get("NOT_MINE"),
                    "now": clock.now().isoformat()}
        """,
    )
    function = LocalFunction(spec(code, "EnvFunction"), "us-east-1")
    function.variables = {**function.variables, "ONLY_MINE": "yes"}
    monkeypatch.setenv("NOT_MINE", "the runtime's")
    monkeypatch.setattr(clock, "_offset", timedelta(days=1000))
    try:
        seen = function.invoke({})
    finally:
        function.stop()
    assert (seen["mine"], seen["theirs"]) == ("yes", None)
    assert datetime.fromisoformat(seen["now"]) > datetime.now(UTC) + timedelta(days=999)


def test_a_timed_out_or_crashed_environment_is_replaced(tmp_path):
    code = write_function(
        tmp_path,
        "dies",
        """
        import os
        import time

        def handler(event, context):
            if event == "hang":
                time.sleep(30)
            if event == "crash":
                os._exit(3)
            return os.getpid()
        """,
    )
    function = LocalFunction(spec(code, "DiesFunction", timeout=1), "us-east-1")
    try:
        first = function.invoke("fine")
        with pytest.raises(FunctionError, match=r"timed out after 1\.00 seconds"):
            function.invoke("hang")
        assert function.environments == 0  # Lambda ends an environment that ran out of time
        second = function.invoke("fine")
        with pytest.raises(FunctionError, match=r"exited \(3\)"):
            function.invoke("crash")
        assert function.environments == 0
        assert len({first, second, function.invoke("fine")}) == 3
    finally:
        function.stop()


def test_an_environment_records_its_functions_aws_calls_for_the_iam_check(tmp_path):
    code = write_function(
        tmp_path,
        "caller",
        """
        import boto3
        from botocore.config import Config

        def handler(event, context):
            sqs = boto3.client("sqs", endpoint_url="http://127.0.0.1:9", region_name="eu-west-1",
                               aws_access_key_id="x", aws_secret_access_key="x",
                               config=Config(retries={"max_attempts": 1}, connect_timeout=1))
            try:
                sqs.send_message(QueueUrl="https://sqs.eu-west-1.amazonaws.com/123456789012/jobs", MessageBody="{}")
            except Exception:
                pass  # nothing listens there: what counts is the call, recorded as it is made
            return "called"
        """,
    )
    records = tmp_path / "records"
    function = LocalFunction(spec(code, "CallerFunction"), "eu-west-1")
    function.variables = {**function.variables, calls.ENVIRONMENT: str(records)}
    function.stack = calls.stack_document(Stack(FIXTURE, "eu-west-1", "test-stack"))
    try:
        assert function.invoke({}) == "called"
    finally:
        function.stop()
    recorded, stacks = calls.read(records)
    assert [(r["function"], r["call"]) for r in recorded] == [("CallerFunction", "sqs.SendMessage")]
    assert recorded[0]["requests"][0]["action"] == "sqs:SendMessage"
    assert set(stacks) == {recorded[0]["stack"]}


def test_concurrency_is_capped_by_reserved_concurrency(tmp_path):
    code = write_function(tmp_path, "capped", "def handler(event, context):\n    return 1\n")
    capped = FunctionSpec("Capped", code, "main.handler", {}, 3, memory_size=128, reserved_concurrency=2)
    assert LocalFunction(capped, "us-east-1").concurrency == 2
