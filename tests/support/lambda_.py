"""Invoke the functions the way Lambda does: by CodeUri and handler, with API Gateway events built
from the samples in events/. Execution environment 0 of a function is this process (its handler
imported here); environments 1, 2, ... are processes of their own, as in Lambda, for callers that
must run at the same moment (each started at its first use with this process's environment and the
table the test bound, and stopped when the test ends)."""

from __future__ import annotations

import copy
import itertools
import json
import os
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from regulars.core import clock
from regulars.store.base import table_name
from regulars_local.emulator.environments import ExecutionEnvironment, InvocationFailed, Setup
from regulars_local.emulator.functions import context_for, load, spec_of
from regulars_local.iam import calls

ROOT = Path(__file__).resolve().parents[2]
_addresses = itertools.count()
EVENTS = ROOT / "events"


@cache
def handler(function_dir: str):
    """The function's handler, imported in this process (execution environment 0)."""
    return load(function_dir)


_environments: dict[tuple[str, int], ExecutionEnvironment] = {}
CONCURRENT_WAIT_SECONDS = 90.0


def environment(function_dir: str, number: int) -> ExecutionEnvironment:
    """Execution environment ``number`` (1, 2, ...) of the function: a process of its own."""
    key = (function_dir, number)
    if key not in _environments:
        from support.iam_check import in_process_stack

        spec = spec_of(function_dir)
        recording = bool(os.environ.get(calls.ENVIRONMENT))
        _environments[key] = ExecutionEnvironment(
            Setup(
                spec.logical_id,
                str(spec.code_uri),
                spec.handler,
                {**os.environ, "TABLE_NAME": table_name()},
                calls.stack_document(in_process_stack()) if recording else None,
            )
        )
    return _environments[key]


def stop_environments() -> None:
    """Stop every execution environment started as a process."""
    while _environments:
        _environments.popitem()[1].stop()


def run(function_dir: str, event: dict[str, Any], environment_number: int = 0) -> Any:
    """The function's answer to ``event`` in the given execution environment."""
    if environment_number == 0:
        return handler(function_dir)(event, context_for(function_dir))
    process = environment(function_dir, environment_number)
    process.wait_ready()
    context = context_for(function_dir)
    # The handler sees the template's timeout; the wait for its answer is longer: a test that runs
    # a dozen environments at once on a two-core machine shared with other tests gives each a
    # fraction of a core, which Lambda never does. What these tests check is the outcome of the race.
    wait = max(context.timeout_seconds, CONCURRENT_WAIT_SECONDS)
    try:
        return process.invoke(event, context, clock.offset().total_seconds(), wait)
    except InvocationFailed as exc:
        raise RuntimeError(
            f"{function_dir} failed in environment {environment_number}:\n{exc.trace}"
        ) from None


def sample(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text())


@dataclass
class HttpResult:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def json(self) -> Any:
        return json.loads(self.text)


def api_event(
    method: str,
    url: str,
    *,
    resource: str,
    path_params: dict[str, str],
    body: Any = None,
    headers: dict[str, str] | None = None,
    claims: dict[str, str] | None = None,
    source_ip: str | None = None,
) -> dict[str, Any]:
    event = copy.deepcopy(sample("public_api/catalog.json"))
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    hdrs = {"Accept": "application/json", "Host": "localhost"} | (headers or {})
    if body is not None:
        hdrs.setdefault("Content-Type", "application/json")
    event.update(
        resource=resource,
        path=parts.path,
        httpMethod=method,
        headers=hdrs,
        multiValueHeaders={k: [v] for k, v in hdrs.items()},
        queryStringParameters=query or None,
        multiValueQueryStringParameters={k: [v] for k, v in query.items()} or None,
        pathParameters=path_params,
        body=body if (body is None or isinstance(body, str)) else json.dumps(body),
    )
    event["requestContext"].update(
        resourcePath=resource, httpMethod=method, path=parts.path, requestId=str(uuid.uuid4())
    )
    event["requestContext"].pop("authorizer", None)
    if source_ip is not None:
        event["requestContext"]["identity"]["sourceIp"] = source_ip
    if claims is not None:
        event["requestContext"]["authorizer"] = {"claims": claims}
    return event


def invoke(function_dir: str, event: dict[str, Any], environment: int = 0) -> HttpResult:
    out = run(function_dir, event, environment)
    headers = {k: v[-1] for k, v in (out.get("multiValueHeaders") or {}).items() if v}
    headers.update(out.get("headers") or {})
    return HttpResult(out["statusCode"], {k.lower(): v for k, v in headers.items()}, out.get("body") or "")


class PublicApi:
    """The public function, called with URLs as a widget would (in execution environment
    ``environment``: give concurrent callers different ones, each then a process of its own), from
    ``source_ip``, or from a new address each request when it is None (many people's browsers)."""

    def __init__(self, environment: int = 0, source_ip: str | None = None):
        self.environment = environment
        self.source_ip = source_ip

    ROUTES = [
        "/v1/salons/{salon_id}/catalog",
        "/v1/salons/{salon_id}/slots",
        "/v1/salons/{salon_id}/availability",
        "/v1/salons/{salon_id}/consents/read",
        "/v1/salons/{salon_id}/appointments",
        "/v1/salons/{salon_id}/phone-checks/{check_id}",
        "/v1/salons/{salon_id}/phone-checks",
        "/v1/salons/{salon_id}/waitlist-offers/{code}/accept",
        "/v1/salons/{salon_id}/waitlist-offers/{code}",
        "/v1/salons/{salon_id}/waitlist/{token}/leave",
        "/v1/salons/{salon_id}/waitlist/{token}",
        "/v1/salons/{salon_id}/waitlist",
        "/v1/manage/{token}/{action}",
        "/v1/manage/{token}",
        "/v1/feedback/{token}",
        "/s/{code}",
        "/v1/calendar-feeds/{salon_id}/{staff_id}/{secret}",
    ]

    def request(
        self, method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> HttpResult:
        segments = urlsplit(url).path.strip("/").split("/")
        for template in self.ROUTES:
            names = template.strip("/").split("/")
            if len(segments) == len(names) and all(
                n.startswith("{") or n == s for n, s in zip(names, segments, strict=True)
            ):
                params = {n[1:-1]: s for n, s in zip(names, segments, strict=True) if n.startswith("{")}
                source_ip = self.source_ip or f"198.51.100.{next(_addresses) % 250 + 1}"
                return invoke(
                    "public_api",
                    api_event(
                        method,
                        url,
                        resource=template,
                        path_params=params,
                        body=body,
                        headers=headers,
                        source_ip=source_ip,
                    ),
                    self.environment,
                )
        raise AssertionError(f"no public route for {url}")

    def get(self, url: str, **kw: Any) -> HttpResult:
        return self.request("GET", url, **kw)

    def post(self, url: str, body: Any = None, **kw: Any) -> HttpResult:
        return self.request("POST", url, body=body, **kw)


class AdminApi:
    """The admin function as API Gateway calls it after the Cognito authorizer passed: the claims of
    a user of ``salon_id`` with ``role`` (a staff user: of staff member ``staff_id``), who is put on
    the salon's team on first use (``member=False``: a user the team does not hold)."""

    def __init__(
        self,
        salon_id: str | None,
        email: str = "owner@example.com",
        role: str = "owner",
        staff_id: str | None = None,
        member: bool = True,
    ):
        self.salon_id, self.email, self.role, self.staff_id = salon_id, email, role, staff_id
        self.user_id = str(uuid.uuid4())
        self._joined = not member or salon_id is None
        self.claims = (
            None
            if salon_id is None
            else {
                "sub": self.user_id,
                "email": email,
                "custom:salon_id": salon_id,
                "custom:role": role,
                "token_use": "id",
                "cognito:username": self.user_id,
            }
        )

    @classmethod
    def with_claims(cls, claims: dict[str, str]) -> AdminApi:
        """The admin function called with a signed-in user's own claims (nothing is registered)."""
        api = cls(
            claims.get("custom:salon_id"),
            claims.get("email", ""),
            claims.get("custom:role", ""),
            member=False,
        )
        api.user_id, api.claims = claims["sub"], dict(claims)
        return api

    def _join(self) -> None:
        if self._joined:
            return
        from datetime import UTC, datetime

        from regulars.team import service
        from regulars.team.policy import Role

        service.register(
            self.salon_id or "",
            user_id=self.user_id,
            email=self.email,
            role=Role(self.role),
            staff_id=self.staff_id,
            now=datetime.now(UTC),
        )
        self._joined = True

    def request(
        self, method: str, url: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> HttpResult:
        self._join()
        proxy = urlsplit(url).path.removeprefix("/v1/admin/")
        return invoke(
            "admin_api",
            api_event(
                method,
                url,
                resource="/v1/admin/{proxy+}",
                path_params={"proxy": proxy},
                body=body,
                headers=headers,
                claims=self.claims,
            ),
        )

    def get(self, url: str, **kw: Any) -> HttpResult:
        return self.request("GET", url, **kw)

    def post(self, url: str, body: Any = None, **kw: Any) -> HttpResult:
        return self.request("POST", url, body=body, **kw)

    def patch(self, url: str, body: Any = None, **kw: Any) -> HttpResult:
        return self.request("PATCH", url, body=body, **kw)

    def put(self, url: str, body: Any = None, **kw: Any) -> HttpResult:
        return self.request("PUT", url, body=body, **kw)

    def delete(self, url: str, **kw: Any) -> HttpResult:
        return self.request("DELETE", url, **kw)
