"""The local runtime's own endpoints, beside the application's API: ``/health``, the application
clock (``/local/clock``), the phone view (``/local/phone...``), draining the streams and queues
(``/local/streams/drain``), the resources (``/local/resources``), the local sign-in (``/local/auth/...``,
and the OpenID Connect provider that stands in for Cognito's managed login, ``/local/oidc/...``: see
:mod:`regulars_local.auth.oidc`), the OpenAPI document and Swagger UI (``/docs``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from regulars.core import clock

from regulars_local.auth import NewPasswordRequired, Unauthorized
from regulars_local.auth.oidc import PATH as OIDC_PATH
from regulars_local.auth.oidc import OidcProvider
from regulars_local.emulator.gateway import Request, Response, error_response, json_response
from regulars_local.emulator.template import ROOT
from regulars_local.providers.phone import PhoneError

if TYPE_CHECKING:
    from regulars_local.runtime import Runtime

SWAGGER_UI = ROOT / "node_modules" / "swagger-ui-dist"
DRAIN_TIMEOUT = 30.0
Endpoint = Callable[[Request], Response]


def parse_duration(text: str) -> timedelta:
    """An ISO 8601 duration of weeks, days, hours, minutes and seconds (``P1DT2H``, ``PT30M``)."""
    found = re.fullmatch(
        r"P(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?",
        text.strip().upper(),
    )
    if not found or text.strip().upper() in ("P", "PT"):
        raise ValueError(
            f"{text!r} is not an ISO 8601 duration like P1DT2H (years and months are not allowed)"
        )
    weeks, days, hours, minutes, seconds = (float(g) if g else 0.0 for g in found.groups())
    return timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)


def from_this_site(request: Request, origins: set[str]) -> bool:
    """Whether a request was sent by a page of this site (one of ``origins``), or by no page at all (a
    script, curl): a browser names the kind of site that sent it (``Sec-Fetch-Site``) and, for a post,
    its origin (``Origin``; an older browser sends only that). A page of another site could otherwise
    make the visitor's browser post to the runtime on their machine: a user added as owner, the clock
    moved, a STOP sent (it cannot read the answers: they carry no CORS headers). The console in Vite's
    development server posts through its proxy, from its own origin, which is the Host it names."""
    if (request.header("Sec-Fetch-Site") or "none") not in ("same-origin", "none"):
        return False
    origin = request.header("Origin")
    return origin is None or origin.lower() in origins


class ControlEndpoints:
    """The endpoints by path and method; all but ``/health`` answer 503 until the runtime is up."""

    def __init__(self, runtime: Runtime):
        self.runtime = runtime
        self.oidc = OidcProvider(runtime.issuer, runtime.base_url, lambda: runtime.sign_in)
        self.routes: dict[str, dict[str, Endpoint]] = {
            "/health": {"GET": self._health},
            "/local/clock": {"GET": self._clock, "POST": self._advance_clock},
            "/local/phone": {"GET": self._phone},
            "/local/phone/act": {"POST": self._phone_act},
            "/local/phone/script": {"POST": self._phone_script},
            "/local/streams/drain": {"POST": self._drain},
            "/local/resources": {"GET": self._resources},
            "/local/auth/token": {"POST": self._token},
            "/local/auth/users": {"POST": self._add_user},
            "/local/auth/mailbox": {"GET": self._mailbox},
            # the provider's documents where they were before it signed users in (the same ones)
            "/local/cognito/.well-known/jwks.json": {"GET": self.oidc.jwks},
            "/local/cognito/.well-known/openid-configuration": {"GET": self.oidc.configuration},
            **self.oidc.routes(),
            "/openapi.json": {"GET": self._openapi},
            "/docs": {"GET": self._docs},
        }

    def __call__(self, request: Request) -> Response | None:
        """The answer to ``request`` if its path is one of these endpoints, else None."""
        methods = self.routes.get(request.path)
        if methods is None:
            return None
        handler = methods.get("GET" if request.method == "HEAD" else request.method)
        if handler is None:
            return error_response(405, "method_not_allowed", f"{request.path} takes {', '.join(methods)}")
        # the sign-in's own routes take the console's requests from any of the runtime's loopback names
        # (CORS), and check a form's origin themselves
        own = request.path.startswith(OIDC_PATH + "/")
        if (
            request.method not in ("GET", "HEAD")
            and not own
            and not from_this_site(request, self.oidc.origins(request))
        ):
            return error_response(
                403,
                "cross_site",
                "a page of another site may not act on the local runtime (its clock, users, phones)",
            )
        if not self.runtime.ready and request.path != "/health":
            return starting(self.runtime.status.phase)
        return handler(request)

    def _health(self, _: Request) -> Response:
        body = {
            "status": self.runtime.status.phase,
            "dynamodb": self.runtime.status.dynamodb,
            "clock": clock.now().isoformat(),
        }
        if self.runtime.status.detail:
            body["detail"] = self.runtime.status.detail
        return json_response(200 if self.runtime.ready else 503, body)

    def _clock_body(self) -> dict[str, Any]:
        return {"now": clock.now().isoformat(), "offset_seconds": clock.offset().total_seconds()}

    def _clock(self, _: Request) -> Response:
        return json_response(200, self._clock_body())

    def _advance_clock(self, request: Request) -> Response:
        try:
            body = request.json()
            if "advance_minutes" in body:
                delta = timedelta(minutes=float(body["advance_minutes"]))
            elif "advance" in body:
                delta = parse_duration(str(body["advance"]))
            else:
                raise ValueError("give advance_minutes (a number) or advance (an ISO 8601 duration)")
            clock.advance(delta)
        except (ValueError, TypeError, AttributeError) as exc:
            return _invalid(str(exc))
        fired = self.runtime.fire_due()
        return json_response(200, {**self._clock_body(), "fired": [asdict(f) for f in fired]})

    def _phone(self, _: Request) -> Response:
        return json_response(200, {"messages": self.runtime.providers.messages()})

    def _phone_act(self, request: Request) -> Response:
        try:
            body = request.json()
            if not isinstance(body, dict):
                raise PhoneError("the body must be a JSON object")
            return json_response(200, self.runtime.providers.act(body))
        except (PhoneError, LookupError, ValueError) as exc:
            return _invalid(str(exc).strip("'\""))
        except RuntimeError as exc:  # the provider has no webhook to deliver to
            return error_response(409, "not_connected", str(exc))

    def _phone_script(self, request: Request) -> Response:
        try:
            body = request.json()
            if not isinstance(body, dict):
                raise PhoneError("the body must be a JSON object")
            self.runtime.providers.script(body)
        except (PhoneError, ValueError, TypeError) as exc:
            return _invalid(str(exc))
        return json_response(200, {"scripted": body})

    def _drain(self, request: Request) -> Response:
        try:
            timeout = min(300.0, float(request.json().get("timeout", DRAIN_TIMEOUT)))
        except (ValueError, TypeError, AttributeError) as exc:
            return _invalid(str(exc))
        idle = self.runtime.drain(timeout)
        body: dict[str, Any] = {
            "idle": idle,
            "counts": asdict(self.runtime.stream_counts()),
            "queues": asdict(self.runtime.queue_counts()),
        }
        if idle:
            return json_response(200, body)
        message = f"streams and queues not idle after {timeout:g}s"
        body["error"] = {"code": "timeout", "message": message, "fields": []}
        return json_response(504, body)

    def _resources(self, _: Request) -> Response:
        process = self.runtime.dynamodb_process
        listed: dict[str, dict[str, str]] = {
            name: {"ref": ref} for name, ref in self.runtime.stack.refs.items()
        }
        for (name, attribute), value in self.runtime.stack.attributes.items():
            listed.setdefault(name, {})[attribute] = value
        return json_response(
            200,
            {
                "table": self.runtime.table_name,
                "dynamodb": {
                    "backend": self.runtime.status.dynamodb,
                    "endpoint": self.runtime.dynamodb_endpoint,
                    "pid": process.pid if process else None,
                },
                "aws_endpoint": self.runtime.aws_endpoint,
                "resources": listed,
                "functions": {
                    k: {"name": f.name, "invocations": f.invocations}
                    for k, f in self.runtime.functions.items()
                },
                "environment": {
                    k: v for k, v in self.runtime.environment.items() if k != "MANAGE_LINK_SECRET"
                },
            },
        )

    def _token(self, request: Request) -> Response:
        """A password (an invitation's temporary one with ``new_password``) for an ID token."""
        if self.runtime.sign_in is None:
            return error_response(404, "not_found", "no local sign-in: the template has no user pool")
        try:
            body = request.json()
            email, password = str(body["email"]), str(body["password"])
            new_password = str(body["new_password"]) if body.get("new_password") else None
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            return _invalid(f"email and password are required ({exc})")
        try:
            return json_response(200, self.runtime.sign_in.token(email, password, new_password))
        except ValueError as exc:
            return _invalid(str(exc))
        except NewPasswordRequired as exc:
            challenge = {
                "code": "new_password_required",
                "message": str(exc),
                "fields": [{"field": "new_password", "reason": "required with a temporary password"}],
            }
            return json_response(401, {"error": challenge})
        except Unauthorized as exc:
            return error_response(401, "unauthorized", str(exc))

    def _add_user(self, request: Request) -> Response:
        """A user who signs in with a password, on their salon's team (``staff_id``: a staff user's)."""
        if self.runtime.sign_in is None:
            return error_response(404, "not_found", "no local sign-in: the template has no user pool")
        try:
            body = request.json()
            user = self.runtime.sign_in.users.add(
                str(body.get("email", "")),
                str(body.get("password", "")),
                str(body.get("salon_id", "")),
                str(body.get("role") or "owner"),
            )
            self.runtime.join(user, str(body["staff_id"]) if body.get("staff_id") else None)
        except (ValueError, TypeError, AttributeError) as exc:
            return _invalid(str(exc))
        return json_response(201, user.public())

    def _mailbox(self, _: Request) -> Response:
        """The invitations the user pool would have e-mailed, with their temporary passwords."""
        if self.runtime.sign_in is None:
            return error_response(404, "not_found", "no local sign-in: the template has no user pool")
        return json_response(200, {"invitations": [asdict(i) for i in self.runtime.sign_in.users.mailbox()]})

    def _openapi(self, _: Request) -> Response:
        try:
            from regulars_local.control.openapi import document
        except ModuleNotFoundError as exc:
            if exc.name != "regulars_local.control.openapi":
                raise
            return error_response(
                404, "not_found", "no OpenAPI document: regulars_local.control.openapi is not there"
            )
        return json_response(200, document())

    def _docs(self, _: Request) -> Response:
        if not (SWAGGER_UI / "swagger-ui-bundle.js").is_file():
            return error_response(404, "not_found", "Swagger UI is not installed: run `npm ci`")
        return Response(200, [("Content-Type", "text/html; charset=utf-8")], SWAGGER_PAGE.encode())


def _invalid(message: str) -> Response:
    field_name, _, reason = message.partition(": ")
    fields = [{"field": field_name, "reason": reason}] if reason and " " not in field_name else []
    body = {"error": {"code": "invalid_input", "message": message, "fields": fields}}
    return json_response(400, body)


SWAGGER_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Regulars API (local)</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: "/openapi.json",
      dom_id: "#swagger-ui",
      deepLinking: true,
      persistAuthorization: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout",
    });
  </script>
</body>
</html>
"""


def starting(phase: str) -> Response:
    return error_response(503, "unavailable", f"the local runtime is {phase}")
