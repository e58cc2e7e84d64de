"""Contract: every operation of the OpenAPI document the code generates, fuzzed over HTTP against
a local runtime of its own (with the demo salon). Whatever arrives, the API never answers 5xx, and
every error has the one shape."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from e2e.conftest import LocalRuntime, launch
from hypothesis import HealthCheck, settings

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("contract")]

SPEC = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
schema = schemathesis.openapi.from_path(str(SPEC))


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LocalRuntime, str]]:
    # a small demo salon: the fuzzer needs the salon and some clients to reach the code, not its history
    with launch("--demo-clients", "40", log_dir=tmp_path_factory.mktemp("contract")) as runtime:
        yield runtime, runtime.token("demo")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_one_error_shape(case, fuzzed):
    runtime, token = fuzzed
    headers = {"Authorization": f"Bearer {token}"} if case.path.startswith("/v1/admin/") else {}
    if case.path.startswith("/v1/salons/") and case.path_parameters:
        case.path_parameters["salon_id"] = "demo"  # reach the code behind the salon lookup
    response = case.call(base_url=runtime.base_url, headers=headers, timeout=30)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text}"
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"} and {"code", "message", "fields"} <= set(body["error"]), response.text
