"""Contract: every operation of the OpenAPI document the code generates, webhooks included, fuzzed over
HTTP against a local runtime of its own (with a small demo salon). Whatever arrives, the API never
answers 5xx, answers only the statuses the document gives the operation, and every answer conforms to
the documented schema (schemathesis's response checks).

The webhooks are fuzzed twice: signed as their provider signs (the WhatsApp body's HMAC with the app
secret, Telegram's secret token header), so the fuzzer reaches the code behind the check, and as they
come, so it meets the check. The budget is bounded and the examples are derandomized: the same cases
every run, so a failure is reproducible and the suite's time is known.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from regulars_local.providers import signature
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from support.runtime import LocalRuntime, launch

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("contract")]

SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
schema = schemathesis.openapi.from_path(str(SPEC))
webhooks = schema.include(path_regex="^/v1/webhooks/")
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance]
SECRETS = ("TELEGRAM_WEBHOOK_SECRET", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN")
BUDGET = settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def _secrets(runtime: LocalRuntime) -> dict[str, str]:
    """The webhooks' secrets of this runtime: in the functions' environment, or in its SSM (moto)."""
    resources = runtime.resources()
    environment = resources["environment"]
    found = {name: environment[name] for name in SECRETS if environment.get(name)}
    missing = [name for name in SECRETS if name not in found and environment.get(f"{name}_PARAMETER")]
    if missing:
        ssm = boto3.client(
            "ssm",
            endpoint_url=resources["aws_endpoint"],
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        for name in missing:
            parameter = ssm.get_parameter(Name=environment[f"{name}_PARAMETER"], WithDecryption=True)
            found[name] = parameter["Parameter"]["Value"]
    assert set(found) == set(SECRETS), f"the runtime's webhook secrets were not found: {sorted(found)}"
    return found


class Target:
    def __init__(self, runtime: LocalRuntime):
        self.runtime = runtime
        self.token = runtime.token("demo")
        self.secrets = _secrets(runtime)
        self.http = requests.Session()


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    # a small demo salon: the fuzzer needs the salon and some clients to reach the code, not its history
    with launch("--demo-clients", "5", log_dir=tmp_path_factory.mktemp("contract")) as runtime:
        yield Target(runtime)


def _send(case: Any, target: Target, *, signed: bool) -> requests.Response:
    """The case as a request, signed as its provider signs it where ``signed``; the raw bytes that are
    signed are the bytes sent."""
    headers: dict[str, str] = {}
    if case.path.startswith("/v1/admin/"):
        headers["Authorization"] = f"Bearer {target.token}"
    if case.path.startswith("/v1/salons/") and case.path_parameters:
        case.path_parameters["salon_id"] = "demo"  # reach the code behind the salon lookup
    if signed and case.path == "/v1/webhooks/telegram":
        headers["X-Telegram-Bot-Api-Secret-Token"] = target.secrets["TELEGRAM_WEBHOOK_SECRET"]
    if signed and case.path == "/v1/webhooks/whatsapp" and case.method == "GET":
        case.query = {
            **(case.query or {}),
            "hub.mode": "subscribe",
            "hub.verify_token": target.secrets["WHATSAPP_VERIFY_TOKEN"],
        }
    kwargs = case.as_transport_kwargs(base_url=target.runtime.base_url, headers=headers)
    if signed and case.path == "/v1/webhooks/whatsapp" and case.method == "POST":
        if "json" in kwargs:
            kwargs["data"] = json.dumps(kwargs.pop("json")).encode()
        raw = kwargs.get("data") or b""
        raw = raw.encode() if isinstance(raw, str) else raw
        kwargs["data"] = raw
        kwargs["headers"]["X-Hub-Signature-256"] = signature(raw, target.secrets["WHATSAPP_APP_SECRET"])
    kwargs.pop("timeout", None)
    return target.http.request(**kwargs, timeout=30)


def _check(case: Any, response: requests.Response) -> None:
    case.validate_response(response, checks=CHECKS)
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"} and {"code", "message", "fields"} <= set(body["error"]), response.text


@schema.parametrize()
@BUDGET
def test_every_operation_answers_as_documented(case, target):
    _check(case, _send(case, target, signed=True))


@webhooks.parametrize()
@BUDGET
def test_the_webhooks_answer_as_documented_unsigned_too(case, target):
    _check(case, _send(case, target, signed=False))
