"""A fake WhatsApp Cloud API on loopback, and Meta's side of a business's webhook.

The API is ``POST /<version>/<phone-number-id>/messages`` with a bearer token and a JSON body (a ``text``
or a ``template`` message), answered in the Graph API's shapes. The fake keeps the 24-hour customer-service
window per recipient: free-form text outside it fails with 131047. Sends can be scripted per recipient or
for every recipient: Meta's failure codes (answered at once, or accepted and reported later as a ``failed``
status webhook), server errors, hangs.

Toward the webhook the fake plays Meta: the verification handshake, signed deliveries
(``X-Hub-Signature-256`` over the exact bytes sent), and builders for status, text and quick-reply
webhooks.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import IntEnum
from typing import Any, Literal

import httpx

from regulars_local.providers.scripts import Hang, Script, ServerError, Succeed
from regulars_local.providers.server import Clock, FakeServer, HttpRequest, HttpResponse, utc_now

DEFAULT_ACCESS_TOKEN = "test-access-token"
SIGNATURE_HEADER = "X-Hub-Signature-256"
WINDOW = timedelta(hours=24)
MAX_TEXT_CHARS = 4096
ERROR_CODES_URL = "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/"
GRAPH_DOCS_URL = "https://developers.facebook.com/docs/graph-api"

Status = Literal["sent", "delivered", "read", "failed"]
STATUSES: frozenset[str] = frozenset({"sent", "delivered", "read", "failed"})

_PATH = re.compile(r"/(?P<version>v\d+\.\d+)/(?P<phone_number_id>[^/]+)/messages")
_PHONE = re.compile(r"\+?[\d\s().-]+")


class ErrorCode(IntEnum):
    """The Cloud API error codes the fake answers with."""

    INVALID_PARAMETER = 100
    ACCESS_TOKEN = 190
    UNKNOWN_PATH = 2500
    ACCOUNT_RATE_LIMIT = 80007
    THROUGHPUT_RATE_LIMIT = 130429
    UNKNOWN = 131000
    SERVICE_UNAVAILABLE = 131016
    UNDELIVERABLE = 131026
    RE_ENGAGEMENT = 131047
    MARKETING_CAP = 131049
    MARKETING_STOPPED = 131050
    PAIR_RATE_LIMIT = 131056
    TEMPLATE_NOT_FOUND = 132001


@dataclass(frozen=True)
class _Failure:
    title: str
    details: str
    status: int  # the HTTP status of the synchronous answer


_FAILURES: dict[int, _Failure] = {
    ErrorCode.ACCOUNT_RATE_LIMIT: _Failure(
        "Rate limit issues", "The WhatsApp Business Account has reached its rate limit.", 429
    ),
    ErrorCode.THROUGHPUT_RATE_LIMIT: _Failure(
        "Rate limit hit", "Cloud API message throughput has been reached.", 429
    ),
    ErrorCode.PAIR_RATE_LIMIT: _Failure(
        "(Business Account, Consumer Account) pair rate limit hit",
        "Message failed to send because there were too many messages sent from this phone number to the same "
        "phone number in a short period of time.",
        429,
    ),
    ErrorCode.UNKNOWN: _Failure(
        "Something went wrong", "Message failed to send due to an unknown error.", 500
    ),
    ErrorCode.SERVICE_UNAVAILABLE: _Failure(
        "Service unavailable", "A service is temporarily unavailable.", 503
    ),
    ErrorCode.UNDELIVERABLE: _Failure("Message undeliverable", "Message Undeliverable.", 400),
    ErrorCode.RE_ENGAGEMENT: _Failure(
        "Re-engagement message",
        "Message failed to send because more than 24 hours have passed since the customer last replied to "
        "this number.",
        400,
    ),
    ErrorCode.MARKETING_CAP: _Failure(
        "This message was not delivered to maintain healthy ecosystem engagement.",
        "In order to maintain a healthy ecosystem engagement, the message failed to be delivered.",
        400,
    ),
    ErrorCode.MARKETING_STOPPED: _Failure(
        "This message was not delivered because the user has stopped marketing messages.",
        "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on "
        "WhatsApp from your business.",
        400,
    ),
}


# --- behaviours -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Fail:
    """A failure with one of Meta's codes: answered at once (in the Graph error envelope, with ``status`` or
    Meta's usual HTTP status), or with ``later`` accepted and reported as a ``failed`` status webhook."""

    code: int
    later: bool = False
    status: int | None = None

    def __post_init__(self) -> None:
        if self.code not in _FAILURES:
            raise ValueError(f"the fake knows no message failure {self.code}; known: {sorted(_FAILURES)}")
        if self.status is not None and not 400 <= self.status <= 599:
            raise ValueError(f"a failure has a 4xx or 5xx status, not {self.status}")


WhatsAppBehaviour = Succeed | Fail | ServerError | Hang


# --- records --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WhatsAppMessage:
    """A message the Cloud API accepted."""

    id: str  # wamid
    to: str  # as the sender wrote it
    wa_id: str  # its digits
    type: str  # "text" or "template"
    at: datetime
    text: str | None = None
    template: Mapping[str, Any] | None = None
    failure: int | None = None  # the code of the failed status the fake reports for it

    @property
    def template_name(self) -> str | None:
        return self.template["name"] if self.template else None

    @property
    def body_parameters(self) -> list[str]:
        """The text parameters of the template's body, in order."""
        return [
            parameter.get("text", "")
            for component in self._components("body")
            for parameter in component.get("parameters") or []
        ]

    @property
    def quick_reply_payloads(self) -> list[str]:
        """The payloads of the template's quick-reply buttons, by button index."""
        buttons = sorted(
            (c for c in self._components("button") if c.get("sub_type") == "quick_reply"),
            key=lambda c: int(c.get("index", 0)),
        )
        return [
            p.get("payload", "")
            for c in buttons
            for p in c.get("parameters") or []
            if p.get("type") == "payload"
        ]

    def _components(self, kind: str) -> list[Mapping[str, Any]]:
        return [c for c in (self.template or {}).get("components") or [] if c.get("type") == kind]

    def to_json(self) -> dict[str, Any]:
        message: dict[str, Any] = {"id": self.id, "to": self.to, "wa_id": self.wa_id, "type": self.type}
        message["at"] = self.at.isoformat()
        if self.text is not None:
            message["text"] = {"body": self.text}
        if self.template is not None:
            message["template"] = dict(self.template)
        if self.failure is not None:
            message["failure"] = self.failure
        return message


# --- the Graph API's shapes -----------------------------------------------------------------------
class GraphError(Exception):
    def __init__(
        self,
        status: int,
        code: int,
        message: str,
        *,
        details: str | None = None,
        error_type: str = "OAuthException",
        subcode: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = int(code)
        self.message = message
        self.details = details
        self.error_type = error_type
        self.subcode = subcode

    @classmethod
    def failure(cls, code: int, status: int | None = None) -> GraphError:
        known = _FAILURES[code]
        return cls(status or known.status, code, f"(#{code}) {known.title}", details=known.details)

    @classmethod
    def server(cls, status: int) -> GraphError:
        code = ErrorCode.SERVICE_UNAVAILABLE if status == 503 else ErrorCode.UNKNOWN
        return cls.failure(code, status)

    def response(self, hold: float = 0.0) -> HttpResponse:
        error: dict[str, Any] = {"message": self.message, "type": self.error_type, "code": self.code}
        if self.subcode is not None:
            error["error_subcode"] = self.subcode
        if self.details is not None:
            error["error_data"] = {"messaging_product": "whatsapp", "details": self.details}
        error["fbtrace_id"] = "A" + secrets.token_urlsafe(16)[:22]
        return HttpResponse.json(self.status, {"error": error}, hold=hold)


def _required(name: str) -> GraphError:
    return GraphError(400, ErrorCode.INVALID_PARAMETER, f"(#100) The parameter {name} is required.")


def _invalid(details: str) -> GraphError:
    return GraphError(400, ErrorCode.INVALID_PARAMETER, "(#100) Invalid parameter", details=details)


def _unsupported(method: str, object_id: str) -> GraphError:
    return GraphError(
        400,
        ErrorCode.INVALID_PARAMETER,
        f"Unsupported {method.lower()} request. Object with ID '{object_id}' does not exist, cannot be loaded "
        f"due to missing permissions, or does not support this operation. Please read the Graph API "
        f"documentation at {GRAPH_DOCS_URL}",
        error_type="GraphMethodException",
        subcode=33,
    )


def wa_id(phone: str) -> str:
    """The digits WhatsApp knows a number by ("+7 916 123-45-67" -> "79161234567"); ValueError if none."""
    if not isinstance(phone, str) or not _PHONE.fullmatch(phone.strip()):
        raise ValueError(f"not a phone number: {phone!r}")
    digits = re.sub(r"\D", "", phone)
    if not 7 <= len(digits) <= 15:
        raise ValueError(f"not a phone number: {phone!r}")
    return digits


def error_object(code: int) -> dict[str, Any]:
    """An entry of a status webhook's ``errors[]``."""
    known = _FAILURES[code]
    return {
        "code": code,
        "title": known.title,
        "message": known.title,
        "error_data": {"details": known.details},
        "href": ERROR_CODES_URL,
    }


def signature(body: bytes, app_secret: str) -> str:
    """The ``X-Hub-Signature-256`` value for a webhook body."""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def encode_webhook(payload: Mapping[str, Any]) -> bytes:
    """A webhook body as Meta writes one: compact, non-ASCII and slashes escaped. A receiver that checks the
    signature over its own re-encoding of the JSON, not over these bytes, fails."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/").encode()


def _wamid() -> str:
    return "wamid." + base64.b64encode(secrets.token_bytes(30)).decode()


def _timestamp(at: datetime) -> str:
    return str(int(at.timestamp()))


# --- the fake -------------------------------------------------------------------------------------
class FakeWhatsApp(FakeServer):
    """The Cloud API for one business phone number, and Meta toward the business's webhook.

    ``templates`` (name -> language codes), when given, are the approved templates: any other answers
    132001. ``closed_window_fails_later`` reports a text outside the window as a ``failed`` status webhook
    instead of answering 131047 at once.
    """

    name = "whatsapp"

    def __init__(
        self,
        access_token: str = DEFAULT_ACCESS_TOKEN,
        phone_number_id: str = "106540352242922",
        *,
        display_phone_number: str = "15550783881",
        business_account_id: str = "102290129340398",
        templates: Mapping[str, Iterable[str]] | None = None,
        closed_window_fails_later: bool = False,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock = utc_now,
        webhook_timeout: float = 10.0,
        rate_limit: int | None = None,
    ) -> None:
        """``rate_limit``: messages a second for the number (the Cloud API's default throughput is 80);
        past it, error 130429 and nothing sent."""
        super().__init__(host=host, port=port, clock=clock, rate_limit=rate_limit)
        self.access_token = access_token
        self.phone_number_id = phone_number_id
        self.display_phone_number = display_phone_number
        self.business_account_id = business_account_id
        self.templates = (
            {name: frozenset(languages) for name, languages in templates.items()} if templates else None
        )
        self.closed_window_fails_later = closed_window_fails_later
        self.webhook_timeout = webhook_timeout
        self._script: Script[str, WhatsAppBehaviour] = Script()
        self._messages: list[WhatsAppMessage] = []
        self._windows: dict[str, datetime] = {}  # wa_id -> when the client last wrote
        self._pending: list[dict[str, Any]] = []

    def messages_url(self, version: str = "v21.0") -> str:
        return f"{self.base_url}/{version}/{self.phone_number_id}/messages"

    # steering and reading
    def script(
        self, behaviour: WhatsAppBehaviour, *, recipient: str | None = None, times: int | None = None
    ) -> None:
        """How sends to ``recipient`` (None: every recipient) answer, for ``times`` calls (None: for good)."""
        if not isinstance(behaviour, WhatsAppBehaviour):
            raise TypeError(f"{behaviour!r} is not a WhatsApp behaviour")
        with self._lock:
            self._script.add(behaviour, wa_id(recipient) if recipient is not None else None, times)

    def messages(self, recipient: str | None = None) -> list[WhatsAppMessage]:
        """The messages the API accepted (for ``recipient``, or all), in order."""
        digits = wa_id(recipient) if recipient is not None else None
        with self._lock:
            return [m for m in self._messages if digits is None or m.wa_id == digits]

    def open_window(self, recipient: str, at: datetime | None = None) -> None:
        """The client wrote at ``at`` (default: now): free-form text may follow for 24 hours."""
        digits = wa_id(recipient)
        with self._lock:
            at = at or self.clock()
            self._windows[digits] = max(at, self._windows.get(digits, at))

    def window_open(self, recipient: str, at: datetime | None = None) -> bool:
        with self._lock:
            return self._window_open(wa_id(recipient), at or self.clock())

    def _window_open(self, digits: str, at: datetime) -> bool:
        opened = self._windows.get(digits)
        return opened is not None and opened <= at < opened + WINDOW

    @property
    def pending_webhooks(self) -> list[dict[str, Any]]:
        """Status webhooks the fake owes (failures reported later), oldest first."""
        with self._lock:
            return list(self._pending)

    # toward the webhook
    def verify(self, url: str, verify_token: str, challenge: str) -> httpx.Response:
        """The subscription handshake Meta makes before it delivers anything."""
        query = {"hub.mode": "subscribe", "hub.verify_token": verify_token, "hub.challenge": challenge}
        return self._get(url, query, self.webhook_timeout)

    def deliver(self, url: str, payload: Mapping[str, Any] | bytes, app_secret: str) -> httpx.Response:
        """POST a webhook signed with ``app_secret`` over the exact bytes sent (``payload`` as is, if bytes)."""
        body = payload if isinstance(payload, bytes) else encode_webhook(payload)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "facebookexternalua",
            SIGNATURE_HEADER: signature(body, app_secret),
        }
        return self._post(url, body, headers, self.webhook_timeout)

    def deliver_pending(self, url: str, app_secret: str) -> list[httpx.Response]:
        """Deliver the owed status webhooks; any the webhook does not accept (non-2xx) stay owed."""
        with self._lock:
            pending, self._pending = self._pending, []
        responses: list[httpx.Response] = []
        for index, payload in enumerate(pending):
            try:
                response = self.deliver(url, payload, app_secret)
            except httpx.HTTPError:
                with self._lock:
                    self._pending.extend(pending[index:])
                raise
            responses.append(response)
            if not response.is_success:
                with self._lock:
                    self._pending.append(payload)
        return responses

    # webhook builders
    def status_webhook(
        self,
        message_id: str,
        status: Status,
        *,
        recipient: str | None = None,
        category: str | None = None,
        errors: Sequence[int] = (),
        at: datetime | None = None,
    ) -> dict[str, Any]:
        """A status webhook for a sent message. ``recipient`` defaults to the message's; ``category`` (pricing)
        to "utility" for a template and "service" for a text; a failed status carries no pricing."""
        if status not in STATUSES:
            raise ValueError(f"a status is one of {sorted(STATUSES)}, not {status!r}")
        with self._lock:
            at = at or self.clock()
            sent = next((m for m in self._messages if m.id == message_id), None)
            if recipient is not None:
                digits = wa_id(recipient)
            elif sent is not None:
                digits = sent.wa_id
            else:
                raise LookupError(f"no message {message_id}: name its recipient")
            entry: dict[str, Any] = {
                "id": message_id,
                "status": status,
                "timestamp": _timestamp(at),
                "recipient_id": digits,
            }
            if status != "failed":
                entry["pricing"] = self._pricing(sent, digits, category, at)
            if errors:
                entry["errors"] = [error_object(code) for code in errors]
            return self._envelope({"statuses": [entry]})

    def text_message_webhook(
        self, sender: str, body: str, *, name: str = "Client", at: datetime | None = None
    ) -> dict[str, Any]:
        """A webhook for a text the client wrote to the business (it opens the 24-hour window)."""
        with self._lock:
            digits, at = wa_id(sender), at or self.clock()
            self.open_window(digits, at)
            message = {
                "from": digits,
                "id": _wamid(),
                "timestamp": _timestamp(at),
                "type": "text",
                "text": {"body": body},
            }
            return self._inbound(digits, name, message)

    def button_webhook(
        self,
        sender: str,
        payload: str,
        text: str,
        *,
        context_id: str | None = None,
        name: str = "Client",
        at: datetime | None = None,
    ) -> dict[str, Any]:
        """A webhook for a tap on a template's quick-reply button labelled ``text`` (it opens the window).

        ``context_id`` defaults to the newest message to the sender with a button of that payload.
        """
        with self._lock:
            digits, at = wa_id(sender), at or self.clock()
            if context_id is None:
                tapped = [m for m in self.messages(digits) if payload in m.quick_reply_payloads]
                if not tapped:
                    raise LookupError(f"no message to {digits} has a quick-reply button {payload!r}")
                context_id = tapped[-1].id
            self.open_window(digits, at)
            message = {
                "context": {"from": self.display_phone_number, "id": context_id},
                "from": digits,
                "id": _wamid(),
                "timestamp": _timestamp(at),
                "type": "button",
                "button": {"payload": payload, "text": text},
            }
            return self._inbound(digits, name, message)

    def _inbound(self, digits: str, name: str, message: dict[str, Any]) -> dict[str, Any]:
        return self._envelope(
            {"contacts": [{"profile": {"name": name}, "wa_id": digits}], "messages": [message]}
        )

    def _envelope(self, value: dict[str, Any]) -> dict[str, Any]:
        metadata = {
            "display_phone_number": self.display_phone_number,
            "phone_number_id": self.phone_number_id,
        }
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": self.business_account_id,
                    "changes": [
                        {
                            "value": {"messaging_product": "whatsapp", "metadata": metadata, **value},
                            "field": "messages",
                        }
                    ],
                }
            ],
        }

    def _pricing(
        self, sent: WhatsAppMessage | None, digits: str, category: str | None, at: datetime
    ) -> dict[str, Any]:
        category = category or ("service" if sent is not None and sent.type == "text" else "utility")
        sent_at = sent.at if sent is not None else at
        free = category == "service" or (category == "utility" and self._window_open(digits, sent_at))
        return {
            "billable": not free,
            "pricing_model": "PMP",
            "category": category,
            "type": "free_customer_service" if free else "regular",
        }

    # the API
    def _answer(self, request: HttpRequest) -> HttpResponse:
        body: Any = {}
        try:
            self._authorize(request)
            found = _PATH.fullmatch(request.path)
            if found is None:
                raise GraphError(400, ErrorCode.UNKNOWN_PATH, f"Unknown path components: {request.path}")
            if request.method != "POST" or found["phone_number_id"] != self.phone_number_id:
                raise _unsupported(request.method, found["phone_number_id"])
            try:
                body = request.json()
            except ValueError:
                body = None
            if not isinstance(body, dict):
                raise _invalid("The request body must be a JSON object.")
            response = self._send(body)
        except GraphError as error:
            response = error.response()
        self._record_answer(request, "messages", body if isinstance(body, dict) else {}, response)
        return response

    def _authorize(self, request: HttpRequest) -> None:
        scheme, _, token = (request.header("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), self.access_token.encode()
        ):
            raise GraphError(
                401, ErrorCode.ACCESS_TOKEN, "Invalid OAuth access token - Cannot parse access token"
            )

    def _send(self, body: Mapping[str, Any]) -> HttpResponse:
        if body.get("messaging_product") is None:
            raise _required("messaging_product")
        if body["messaging_product"] != "whatsapp":
            raise _invalid("Param messaging_product must be 'whatsapp'.")
        to = body.get("to")
        if to is None or to == "":
            raise _required("to")
        try:
            digits = wa_id(to)
        except ValueError:
            raise _invalid(f"Invalid 'to' parameter: {to!r}.") from None
        kind = body.get("type", "text")
        text: str | None = None
        template: Mapping[str, Any] | None = None
        if kind == "text":
            text = _text_body(body.get("text"))
        elif kind == "template":
            template = self._template(body.get("template"))
        else:
            raise _invalid(f"Message type {kind!r} is not supported: send 'text' or 'template'.")
        if not self._within_rate():
            raise GraphError.failure(ErrorCode.THROUGHPUT_RATE_LIMIT)
        hold = 0.0
        failure: int | None = None
        match behaviour := self._script.next(digits):
            case Fail(later=False):
                raise GraphError.failure(behaviour.code, behaviour.status)
            case Fail():
                failure = behaviour.code
            case ServerError():
                raise GraphError.server(behaviour.status)
            case Hang(seconds=seconds, delivered=False):
                return GraphError.server(504).response(hold=seconds)
            case Hang(seconds=seconds):
                hold = seconds
        now = self.clock()
        if kind == "text" and failure is None and not self._window_open(digits, now):
            if not self.closed_window_fails_later:
                raise GraphError.failure(ErrorCode.RE_ENGAGEMENT)
            failure = int(ErrorCode.RE_ENGAGEMENT)
        message = WhatsAppMessage(_wamid(), to, digits, kind, now, text, template, failure)
        self._messages.append(message)
        if failure is not None:
            self._pending.append(self.status_webhook(message.id, "failed", errors=[failure], at=now))
        accepted: dict[str, Any] = {"id": message.id}
        if template is not None:
            accepted["message_status"] = "accepted"
        success = {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": digits}],
            "messages": [accepted],
        }
        return HttpResponse.json(200, success, hold=hold)

    def _template(self, value: Any) -> Mapping[str, Any]:
        if not isinstance(value, dict):
            raise _required("template")
        name = value.get("name")
        if not isinstance(name, str) or not name:
            raise _required("template['name']")
        language = value.get("language")
        code = language.get("code") if isinstance(language, dict) else None
        if not isinstance(code, str) or not code:
            raise _required("template['language']['code']")
        components = value.get("components", [])
        if not isinstance(components, list):
            raise _invalid("template['components'] must be an array.")
        for component in components:
            _check_component(component)
        if self.templates is not None and code not in self.templates.get(name, ()):
            raise GraphError(
                404,
                ErrorCode.TEMPLATE_NOT_FOUND,
                "(#132001) Template name does not exist in the translation",
                details=f"template name ({name}) does not exist in {code}",
            )
        return value

    # state
    def _message_log(self) -> list[dict[str, Any]]:
        return [message.to_json() for message in self._messages]

    def _reset_state(self) -> None:
        self._script.clear()
        self._messages.clear()
        self._windows.clear()
        self._pending.clear()


def _text_body(value: Any) -> str:
    body = value.get("body") if isinstance(value, dict) else None
    if not isinstance(body, str) or not body:
        raise _required("text['body']")
    if len(body) > MAX_TEXT_CHARS:
        raise _invalid(f"Param text['body'] must be at most {MAX_TEXT_CHARS} characters long.")
    return body


def _check_component(component: Any) -> None:
    kind = component.get("type") if isinstance(component, dict) else None
    parameters = component.get("parameters", []) if isinstance(component, dict) else None
    if not isinstance(parameters, list) or not all(isinstance(p, dict) for p in parameters):
        raise _invalid("A template component's parameters must be an array of objects.")
    if kind in ("header", "body"):
        for parameter in parameters:
            if parameter.get("type") == "text" and not (
                isinstance(parameter.get("text"), str) and parameter["text"]
            ):
                raise _invalid(f"A {kind} parameter of type text needs a non-empty 'text'.")
    elif kind == "button":
        index = str(component.get("index", ""))
        if not index.isdigit() or int(index) > 9:
            raise _invalid("A button component needs an 'index' from 0 to 9.")
        if component.get("sub_type") == "quick_reply":
            for parameter in parameters:
                if parameter.get("type") != "payload" or not isinstance(parameter.get("payload"), str):
                    raise _invalid(
                        "A quick_reply button's parameter is {'type': 'payload', 'payload': <string>}."
                    )
        elif component.get("sub_type") not in ("url", "copy_code", "flow", "catalog"):
            raise _invalid(f"Unknown button sub_type {component.get('sub_type')!r}.")
    elif kind != "footer":
        raise _invalid(f"Unknown template component type {kind!r}.")
