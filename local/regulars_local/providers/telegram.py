"""A fake Telegram Bot API on loopback, and Telegram's side of a bot's webhook.

The API is ``/bot<token>/<method>`` with parameters in a JSON, form-encoded or multipart body (or the query
string), answered in Telegram's envelope: ``getMe``, ``sendMessage``, ``answerCallbackQuery``,
``setWebhook``, ``deleteWebhook`` and ``getWebhookInfo`` (method names are case-insensitive, as Telegram's
are). ``sendMessage`` can be scripted per chat or for every chat: rate limits, the permanent 403s, server
errors, hangs.

Toward the bot's webhook the fake plays Telegram: it builds updates (a text, ``/start <payload>``, a button
press on a message it delivered), posts them with the secret-token header, and runs the method a webhook
may put in its response body, as Telegram does.
"""

from __future__ import annotations

import itertools
import json
import logging
import random
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from regulars_local.providers.scripts import Hang, Script, ServerError, Succeed
from regulars_local.providers.server import Clock, Exchange, FakeServer, HttpRequest, HttpResponse, utc_now

log = logging.getLogger("local.fakes.telegram")

DEFAULT_TOKEN = "123456789:regulars-test-token"
SECRET_TOKEN_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_TEXT_CHARS = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_CHARS = 200
INT64 = range(-(2**63), 2**63)
PARSE_MODES = frozenset({"HTML", "Markdown", "MarkdownV2"})
# Updates Telegram sends when setWebhook named none.
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_PATH = re.compile(r"/bot(?P<token>[^/]+)/(?P<method>[A-Za-z]+)")
_TOKEN = re.compile(r"(?P<bot_id>\d+):[A-Za-z0-9_-]+")
_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")
_INTEGER = re.compile(r"-?\d+")
_COMMAND = re.compile(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?")
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


# --- behaviours -----------------------------------------------------------------------------------
class Forbidden(StrEnum):
    """A permanent 403: the chat cannot be written to."""

    BOT_BLOCKED = "Forbidden: bot was blocked by the user"
    USER_DEACTIVATED = "Forbidden: user is deactivated"
    CANT_INITIATE = "Forbidden: bot can't initiate conversation with a user"


@dataclass(frozen=True)
class TooManyRequests:
    """A 429 that asks the bot to wait ``retry_after`` seconds."""

    retry_after: int

    def __post_init__(self) -> None:
        if self.retry_after < 1:
            raise ValueError(f"retry_after is a whole number of seconds from 1, not {self.retry_after}")


TelegramBehaviour = Succeed | TooManyRequests | Forbidden | ServerError | Hang


# --- records --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SentMessage:
    """A message the bot sent, as Telegram keeps it."""

    chat_id: int
    message_id: int
    date: int
    text: str
    sender: Mapping[str, Any]  # the bot, as a User
    reply_markup: Mapping[str, Any] | None = None
    parse_mode: str | None = None

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The inline keyboard's buttons, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [dict(button) for row in rows for button in row]

    def to_json(self) -> dict[str, Any]:
        """The Message object Telegram returns for it."""
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "from": dict(self.sender),
            "chat": {"id": self.chat_id, "type": "private"},
            "date": self.date,
            "text": self.text,
        }
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            message["reply_markup"] = {"inline_keyboard": self.reply_markup["inline_keyboard"]}
        return message


@dataclass(frozen=True)
class CallbackAnswer:
    callback_query_id: str
    text: str | None
    show_alert: bool
    at: datetime


@dataclass(frozen=True)
class Webhook:
    url: str
    secret_token: str | None
    allowed_updates: tuple[str, ...] | None  # None: every update but DEFAULT_EXCLUDED_UPDATES

    def accepts(self, kind: str) -> bool:
        if self.allowed_updates:
            return kind in self.allowed_updates
        return kind not in DEFAULT_EXCLUDED_UPDATES


# --- errors and parameters ------------------------------------------------------------------------
class BotApiError(Exception):
    def __init__(self, status: int, description: str, parameters: Mapping[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def response(self, hold: float = 0.0) -> HttpResponse:
        payload: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            payload["parameters"] = dict(self.parameters)
        return HttpResponse.json(self.status, payload, hold=hold)


def _bad_request(reason: str) -> BotApiError:
    return BotApiError(400, f"Bad Request: {reason}")


def _ok(result: Any, description: str | None = None, hold: float = 0.0) -> HttpResponse:
    payload: dict[str, Any] = {"ok": True, "result": result}
    if description:
        payload["description"] = description
    return HttpResponse.json(200, payload, hold=hold)


def _request_params(request: HttpRequest) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query)
    if not request.body.strip():
        return params
    if request.media_type == "application/json":
        try:
            body = request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise _bad_request("can't parse JSON object")
        params.update(body)
        return params
    try:
        params.update(request.form())
    except ValueError:
        raise _bad_request(f"unsupported Content-Type {request.media_type or '(none)'}") from None
    return params


def _chat_id(value: Any) -> int:
    if value is None or value == "":
        raise _bad_request("chat_id is empty")
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value not in INT64:
        raise _bad_request("chat not found")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _bad_request("message text is empty")
    if len(value) > MAX_TEXT_CHARS:
        raise _bad_request("message is too long")
    return value


def _json_field(value: Any, error: str) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise _bad_request(error) from None


def _reply_markup(value: Any) -> dict[str, Any] | None:
    if value is None or value == "":
        return None
    markup = _json_field(value, "can't parse reply keyboard markup JSON object")
    if not isinstance(markup, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        for button in itertools.chain.from_iterable(rows):
            _check_button(button)
    return markup


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str) or not button["text"]:
        raise _bad_request("can't parse inline keyboard button: Text must be non-empty")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA_BYTES:
            raise _bad_request("BUTTON_DATA_INVALID")
    elif not any(action in button for action in _BUTTON_ACTIONS):
        raise _bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "1", "false", "0", ""):
        return value.lower() in ("true", "1")
    raise _bad_request("can't parse boolean value")


def _allowed_updates(value: Any) -> tuple[str, ...] | None:
    if value is None or value == "":
        return None
    kinds = _json_field(value, "can't parse allowed updates")
    if not isinstance(kinds, list) or not all(isinstance(kind, str) for kind in kinds):
        raise _bad_request("can't parse allowed updates")
    return tuple(kinds)


def _chat_instance(chat_id: int) -> str:
    return f"-{(chat_id * 2654435761) % 10**18 + 1}"


def _user_id(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value not in INT64:
        raise ValueError(f"a chat id is a 64-bit integer, not {value!r}")
    return value


def update_kind(update: Mapping[str, Any]) -> str:
    """What an Update carries ("message", "callback_query", ...)."""
    return next((key for key in update if key != "update_id"), "")


# --- the fake -------------------------------------------------------------------------------------
class FakeTelegram(FakeServer):
    """Telegram's Bot API for one bot, and Telegram toward the bot's webhook."""

    name = "telegram"

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        username: str = "regulars_test_bot",
        first_name: str = "Regulars",
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Clock = utc_now,
        webhook_timeout: float = 10.0,
        rate_limit: int | None = None,
    ) -> None:
        """``rate_limit``: ``sendMessage`` calls a second (the Bot API's broadcast limit is about 30);
        past it, a 429 with ``retry_after`` 1 and nothing sent."""
        found = _TOKEN.fullmatch(token)
        if found is None:
            raise ValueError("a bot token looks like <digits>:<letters, digits, _ and ->")
        super().__init__(host=host, port=port, clock=clock, rate_limit=rate_limit)
        self.token = token
        self.bot: dict[str, Any] = {
            "id": int(found["bot_id"]),
            "is_bot": True,
            "first_name": first_name,
            "username": username,
        }
        self.webhook_timeout = webhook_timeout
        self._script: Script[int, TelegramBehaviour] = Script()
        self._sent: list[SentMessage] = []
        self._answers: list[CallbackAnswer] = []
        self._open_queries: set[str] = set()  # callback queries not answered yet
        self._webhook: Webhook | None = None
        self._update_ids: Iterator[int] = itertools.count(10001)
        self._message_ids: dict[int, Iterator[int]] = {}
        self._random = random.Random()
        self._methods: dict[str, Callable[[Mapping[str, Any]], HttpResponse]] = {
            "getme": self._get_me,
            "sendmessage": self._send_message,
            "answercallbackquery": self._answer_callback_query,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
        }

    @property
    def api_url(self) -> str:
        """The bot's API root: ``<base_url>/bot<token>``."""
        return f"{self.base_url}/bot{self.token}"

    # steering and reading
    def script(
        self, behaviour: TelegramBehaviour, *, chat_id: int | None = None, times: int | None = None
    ) -> None:
        """How ``sendMessage`` answers for ``chat_id`` (None: every chat), for ``times`` calls (None: for good)."""
        if not isinstance(behaviour, TelegramBehaviour):
            raise TypeError(f"{behaviour!r} is not a Telegram behaviour")
        with self._lock:
            self._script.add(behaviour, chat_id, times)

    def messages(self, chat_id: int | None = None) -> list[SentMessage]:
        """The messages the bot sent (to ``chat_id``, or to every chat), in order."""
        with self._lock:
            return [m for m in self._sent if chat_id is None or m.chat_id == chat_id]

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        with self._lock:
            return list(self._answers)

    @property
    def webhook(self) -> Webhook | None:
        with self._lock:
            return self._webhook

    # updates from users
    def text_update(
        self, chat_id: int, text: str, *, first_name: str = "Client", language_code: str | None = "en"
    ) -> dict[str, Any]:
        """An Update with a message a user wrote to the bot in their private chat."""
        with self._lock:
            chat_id = _user_id(chat_id)
            message: dict[str, Any] = {
                "message_id": self._next_message_id(chat_id),
                "from": self._user(chat_id, first_name, language_code),
                "chat": {"id": chat_id, "first_name": first_name, "type": "private"},
                "date": self._now(),
                "text": text,
            }
            command = _COMMAND.match(text)
            if command:
                message["entities"] = [{"offset": 0, "length": len(command.group()), "type": "bot_command"}]
            return {"update_id": next(self._update_ids), "message": message}

    def start_update(self, chat_id: int, payload: str | None = None, **user: Any) -> dict[str, Any]:
        """The Update a deep link ``https://t.me/<bot>?start=<payload>`` makes: ``/start <payload>``."""
        return self.text_update(chat_id, f"/start {payload}" if payload else "/start", **user)

    def callback_query_update(
        self,
        chat_id: int,
        data: str,
        *,
        message_id: int | None = None,
        first_name: str = "Client",
        language_code: str | None = "en",
    ) -> dict[str, Any]:
        """An Update for a press on an inline button with ``data``, on the bot's message ``message_id``
        (None: the last message the bot sent to the chat)."""
        with self._lock:
            chat_id = _user_id(chat_id)
            sent = [m for m in self._sent if m.chat_id == chat_id and message_id in (None, m.message_id)]
            if sent:
                message = sent[-1].to_json()
            elif message_id is not None:
                message = {
                    "message_id": message_id,
                    "chat": {"id": chat_id, "type": "private"},
                    "date": self._now(),
                }
            else:
                raise LookupError(f"the bot sent no message to chat {chat_id}")
            query_id = str(self._random.getrandbits(62))
            self._open_queries.add(query_id)
            return {
                "update_id": next(self._update_ids),
                "callback_query": {
                    "id": query_id,
                    "from": self._user(chat_id, first_name, language_code),
                    "message": message,
                    "chat_instance": _chat_instance(chat_id),
                    "data": data,
                },
            }

    def button_press_update(self, chat_id: int, button_text: str, **user: Any) -> dict[str, Any]:
        """A press on the button labelled ``button_text`` of the newest message to the chat that has one."""
        with self._lock:
            for sent in reversed(self.messages(chat_id)):
                for button in sent.buttons:
                    if button.get("text") == button_text and "callback_data" in button:
                        return self.callback_query_update(
                            chat_id, button["callback_data"], message_id=sent.message_id, **user
                        )
        raise LookupError(f"no message to chat {chat_id} has a button {button_text!r}")

    # toward the webhook
    def deliver_update(
        self, url: str, update: Mapping[str, Any], secret_token: str | None = None
    ) -> httpx.Response:
        """POST an Update to a webhook as Telegram does, then run the method its response body names.

        An update without ``update_id`` gets the next one; delivering the same update again redelivers it.
        """
        body = dict(update)
        if "update_id" not in body:
            with self._lock:
                body = {"update_id": next(self._update_ids), **body}
        headers = {"Content-Type": "application/json"}
        if secret_token is not None:
            headers[SECRET_TOKEN_HEADER] = secret_token
        response = self._post(
            url, json.dumps(body, ensure_ascii=False).encode(), headers, self.webhook_timeout
        )
        self._run_webhook_reply(url, response)
        return response

    def deliver_to_webhook(self, update: Mapping[str, Any]) -> httpx.Response | None:
        """Deliver to the webhook the bot set, with its secret token; None if it did not ask for this kind."""
        webhook = self.webhook
        if webhook is None:
            raise RuntimeError("the bot has set no webhook")
        if not webhook.accepts(update_kind(update)):
            return None
        return self.deliver_update(webhook.url, update, webhook.secret_token)

    def _run_webhook_reply(self, url: str, response: httpx.Response) -> None:
        if not response.is_success:
            return
        try:
            reply = response.json()
        except ValueError:
            return
        if not isinstance(reply, dict) or not isinstance(reply.get("method"), str):
            return
        params = {key: value for key, value in reply.items() if key != "method"}
        with self._lock:
            answer = self._call(reply["method"], params)
            self._record(
                Exchange(
                    at=self.clock(),
                    operation=reply["method"],
                    params=params,
                    status=answer.status,
                    response=answer.payload(),
                    path=url,
                    webhook_reply=True,
                )
            )
        if answer.status != 200:
            log.info("Telegram ignores the webhook's %s: %s", reply["method"], answer.payload())

    # the API
    def _answer(self, request: HttpRequest) -> HttpResponse:
        found = _PATH.fullmatch(request.path)
        operation = found["method"] if found else ""
        params: dict[str, Any] = {}
        try:
            if found is None:
                raise BotApiError(404, "Not Found")
            if unquote(found["token"]) != self.token:
                raise BotApiError(401, "Unauthorized")
            params = _request_params(request)
            response = self._call(operation, params)
        except BotApiError as error:
            response = error.response()
        self._record_answer(request, operation, params, response)
        return response

    def _call(self, method: str, params: Mapping[str, Any]) -> HttpResponse:
        run = self._methods.get(method.lower())
        try:
            if run is None:
                raise BotApiError(404, "Not Found: method not found")
            return run(params)
        except BotApiError as error:
            return error.response()

    def _get_me(self, params: Mapping[str, Any]) -> HttpResponse:
        return _ok(
            {
                **self.bot,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
                "can_connect_to_business": False,
                "has_main_web_app": False,
            }
        )

    def _send_message(self, params: Mapping[str, Any]) -> HttpResponse:
        chat_id = _chat_id(params.get("chat_id"))
        text = _text(params.get("text"))
        parse_mode = params.get("parse_mode") or None
        if parse_mode is not None and parse_mode not in PARSE_MODES:
            raise _bad_request(f"unsupported parse_mode {parse_mode}")
        markup = _reply_markup(params.get("reply_markup"))
        if not self._within_rate():
            raise BotApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        hold = 0.0
        match behaviour := self._script.next(chat_id):
            case TooManyRequests(retry_after=seconds):
                raise BotApiError(429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds})
            case Forbidden():
                raise BotApiError(403, behaviour.value)
            case ServerError():
                raise BotApiError(behaviour.status, behaviour.reason)
            case Hang(seconds=seconds, delivered=False):
                return BotApiError(504, "Gateway Timeout").response(hold=seconds)
            case Hang(seconds=seconds):
                hold = seconds
        sent = SentMessage(
            chat_id=chat_id,
            message_id=self._next_message_id(chat_id),
            date=self._now(),
            text=text,
            sender=self.bot,
            reply_markup=markup,
            parse_mode=parse_mode,
        )
        self._sent.append(sent)
        return _ok(sent.to_json(), hold=hold)

    def _answer_callback_query(self, params: Mapping[str, Any]) -> HttpResponse:
        query_id = params.get("callback_query_id")
        text = params.get("text") or None
        if text is not None and (not isinstance(text, str) or len(text) > MAX_CALLBACK_ANSWER_CHARS):
            raise _bad_request("MESSAGE_TOO_LONG")
        show_alert = _flag(params.get("show_alert", False))
        if not isinstance(query_id, str) or query_id not in self._open_queries:
            raise _bad_request("query is too old and response timeout expired or query ID is invalid")
        self._open_queries.remove(query_id)
        self._answers.append(CallbackAnswer(query_id, text, show_alert, self.clock()))
        return _ok(True)

    def _set_webhook(self, params: Mapping[str, Any]) -> HttpResponse:
        url = params.get("url", "")
        if url == "":
            return self._delete_webhook(params)
        target = urlsplit(url) if isinstance(url, str) else None
        if target is None or target.scheme not in ("http", "https") or not target.hostname:
            raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token") or None
        if secret is not None and not (isinstance(secret, str) and _SECRET_TOKEN.fullmatch(secret)):
            raise _bad_request("secret token contains unallowed characters")
        allowed = _allowed_updates(params.get("allowed_updates"))
        if allowed is None and self._webhook is not None:
            allowed = self._webhook.allowed_updates  # Telegram keeps the previous setting
        self._webhook = Webhook(url, secret, allowed)
        return _ok(True, "Webhook was set")

    def _delete_webhook(self, params: Mapping[str, Any]) -> HttpResponse:
        existed, self._webhook = self._webhook is not None, None
        return _ok(True, "Webhook was deleted" if existed else "Webhook is already deleted")

    def _get_webhook_info(self, params: Mapping[str, Any]) -> HttpResponse:
        info: dict[str, Any] = {
            "url": self._webhook.url if self._webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }
        if self._webhook and self._webhook.allowed_updates:
            info["allowed_updates"] = list(self._webhook.allowed_updates)
        return _ok(info)

    # state
    def _message_log(self) -> list[dict[str, Any]]:
        return [sent.to_json() for sent in self._sent]

    def _reset_state(self) -> None:
        self._script.clear()
        self._sent.clear()
        self._answers.clear()
        self._open_queries.clear()
        self._webhook = None

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _now(self) -> int:
        return int(self.clock().timestamp())

    @staticmethod
    def _user(user_id: int, first_name: str, language_code: str | None) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        return user
