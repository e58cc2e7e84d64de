"""The public function in-process, called with API Gateway REST proxy events as Lambda delivers them."""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from regulars_local.emulator.functions import load

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "events" / "public_api" / "catalog.json"

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def load_handler(function: str = "public_api") -> Handler:
    return load(function)


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
