"""The public function in-process, called with API Gateway REST proxy events as Lambda delivers them."""

from __future__ import annotations

import copy
import importlib.util
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "events" / "public_api" / "catalog.json"

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass
class Context:
    """The Lambda context attributes Powertools reads."""

    function_name: str = "PublicApiFunction"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:PublicApiFunction"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    _deadline: float = field(default_factory=lambda: time.monotonic() + 10)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def load_handler(function: str = "public_api") -> Handler:
    path = ROOT / "functions" / function / "main.py"
    spec = importlib.util.spec_from_file_location(f"bench_{function}", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.handler


@cache
def _sample() -> dict[str, Any]:
    return json.loads(SAMPLE.read_text())


def event(
    method: str,
    resource: str,
    path_params: dict[str, str],
    *,
    query: dict[str, str] | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A REST API proxy event for ``resource`` (a route of the template) with its parameters filled in."""
    path = resource
    for name, value in path_params.items():
        path = path.replace("{" + name + "}", value)
    hdrs = {"Accept": "application/json", "Host": "bench.execute-api.us-east-1.amazonaws.com"} | (
        headers or {}
    )
    if body is not None:
        hdrs.setdefault("Content-Type", "application/json")
    out = copy.deepcopy(_sample())
    out.update(
        resource=resource,
        path=path,
        httpMethod=method,
        headers=hdrs,
        multiValueHeaders={k: [v] for k, v in hdrs.items()},
        queryStringParameters=query or None,
        multiValueQueryStringParameters={k: [v] for k, v in (query or {}).items()} or None,
        pathParameters=path_params,
        body=None if body is None else json.dumps(body),
    )
    out["requestContext"].update(
        resourcePath=resource, httpMethod=method, path=f"/prod{path}", requestId=str(uuid.uuid4())
    )
    out["requestContext"].pop("authorizer", None)
    return out


def json_body(response: dict[str, Any]) -> Any:
    return json.loads(response.get("body") or "null")
