"""Input an attacker sends to make a 500: JSON nested thousands deep on every route that takes a body,
bodies past the size cap, lists and texts long enough to pass DynamoDB's 400 KB item limit. Each is
refused with the error shape and a 4xx, and changes nothing; an item that would still grow too large
is a 422, never a 500."""

from __future__ import annotations

import json

import pytest
from regulars.app import http as apps
from regulars.app.http import openapi_document
from regulars.clients import repo as client_store
from regulars.core import config
from regulars_local.providers import signature
from support.faults import failing_write
from support.lambda_ import AdminApi, HttpResult, api_event, invoke

TELEGRAM_SECRET = "telegram-secret_token-1"
APP_SECRET = "whatsapp-app-secret"
PHONE = "+49 170 5550777"
DEEP = "[" * 5000 + "]" * 5000  # valid JSON, 5,000 levels deep


@pytest.fixture(autouse=True)
def secrets(monkeypatch):
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", TELEGRAM_SECRET)
    monkeypatch.setenv("WHATSAPP_APP_SECRET", APP_SECRET)
    config.settings.cache_clear()
    yield
    config.settings.cache_clear()


def _send(method: str, path: str, body: str) -> HttpResult:
    """``body`` to the function that serves ``path``, as API Gateway delivers it (signed, for a
    webhook); 502 where the function failed, as API Gateway answers then."""
    url = path.replace("{salon_id}", "salon-a").replace("{token}", "t" * 40)
    url = url.replace("{", "").replace("}", "")  # any other path parameter: its own name
    if path.startswith("/v1/admin/"):
        function, resource, params = (
            "admin_api",
            "/v1/admin/{proxy+}",
            {"proxy": url.removeprefix("/v1/admin/")},
        )
        claims = {
            "sub": "u1",
            "email": "owner@example.com",
            "custom:salon_id": "salon-a",
            "custom:role": "owner",
        }
    else:
        function, resource, params, claims = (
            ("webhooks" if "/webhooks/" in path else "public_api"),
            path,
            {},
            None,
        )
    headers = {
        "X-Telegram-Bot-Api-Secret-Token": TELEGRAM_SECRET,
        "X-Hub-Signature-256": signature(body.encode(), APP_SECRET),
    }
    event = api_event(
        method.upper(), url, resource=resource, path_params=params, body=body, headers=headers, claims=claims
    )
    try:
        return invoke(function, event)
    except Exception as exc:  # the invocation failed: API Gateway answers 502
        return HttpResult(502, {}, json.dumps({"message": type(exc).__name__}))


BODY_OPERATIONS = sorted(
    (method, path)
    for path, operations in openapi_document()["paths"].items()
    for method, operation in operations.items()
    if "requestBody" in operation
)


def _refused(answer: HttpResult, status: int, code: str) -> None:
    assert answer.status == status, answer.text
    assert answer.json["error"]["code"] == code and set(answer.json["error"]) == {"code", "message", "fields"}


@pytest.mark.parametrize(("method", "path"), BODY_OPERATIONS)
def test_json_nested_thousands_deep_is_400_on_every_route_that_takes_a_body(salon, method, path):
    _refused(_send(method, path, DEEP), 400, "invalid_json")


def test_a_body_over_the_cap_is_413(salon):
    body = json.dumps({"name": "Mia", "phone": PHONE, "notes": "x" * apps.MAX_BODY_BYTES})
    _refused(AdminApi("salon-a").post("/v1/admin/clients", body), 413, "payload_too_large")
    assert client_store.search_by_name("salon-a", "Mia", limit=5) == []


def test_depth_counts_brackets_outside_strings_only(salon):
    deep = {"name": "Mia", "phone": PHONE, "notes": "n"}
    for _ in range(40):
        deep = {"name": "Mia", "phone": PHONE, "notes": "n", "x": deep}
    _refused(AdminApi("salon-a").post("/v1/admin/clients", deep), 400, "invalid_json")
    notes = '\\"[[[{{' * 250  # looks 1,250 deep to a scan that does not know strings
    made = AdminApi("salon-a").post("/v1/admin/clients", {"name": "Mia", "phone": PHONE, "notes": notes})
    assert made.status == 201, made.text
    assert client_store.get("salon-a", made.json["id"]).notes == notes


def test_twenty_thousand_tags_are_refused_before_anything_is_written(salon):
    tags = [f"tag-{i:05d}-" + "x" * 30 for i in range(20_000)]  # over 400 KB on one item
    answer = AdminApi("salon-a").post("/v1/admin/clients", {"name": "Mia", "phone": PHONE, "tags": tags})
    _refused(answer, 413, "payload_too_large")
    answer = AdminApi("salon-a").post("/v1/admin/clients", {"name": "Mia", "phone": PHONE, "tags": tags[:21]})
    _refused(answer, 422, "invalid_input")
    assert [f["field"] for f in answer.json["error"]["fields"]] == ["tags"]
    assert client_store.search_by_name("salon-a", "Mia", limit=5) == []
    made = AdminApi("salon-a").post("/v1/admin/clients", {"name": "Mia", "phone": PHONE, "tags": tags[:20]})
    assert made.status == 201
    answer = AdminApi("salon-a").patch(f"/v1/admin/clients/{made.json['id']}", {"tags": tags[:21]})
    _refused(answer, 422, "invalid_input")
    assert len(client_store.get("salon-a", made.json["id"]).tags) == 20


def test_settings_that_would_fill_the_salons_item_are_refused(salon):
    texts = {locale: "é" * 1000 for locale in ("en", "ru", "es", "de", "fr", "it", "pt", "pl", "nl", "sv")}
    kinds = [
        "reminder",
        "appointment_booked",
        "appointment_moved",
        "appointment_cancelled",
        "bonus_earned",
        "bonus_burn_warning",
        "tier_up",
        "feedback_request",
        "welcome",
        "thank_you",
        "repeat_invitation",
        "winback",
    ]  # 120,000 characters: 240 KB sent, 720 KB stored with \u escapes
    settings = AdminApi("salon-a").get("/v1/admin/salon").json["settings"]
    body = json.dumps(
        {"settings": {**settings, "templates": dict.fromkeys(kinds, texts)}}, ensure_ascii=False
    )
    answer = AdminApi("salon-a").patch("/v1/admin/salon", body)
    _refused(answer, 422, "invalid_input")
    assert [f["field"] for f in answer.json["error"]["fields"]] == ["settings"]


def test_an_item_dynamodb_still_finds_too_large_is_a_422(salon):
    made = AdminApi("salon-a").post("/v1/admin/clients", {"name": "Mia", "phone": PHONE}).json
    with failing_write(
        made["id"], code="ValidationException", message="Item size has exceeded the maximum allowed size"
    ) as fault:  # DynamoDB's words
        answer = AdminApi("salon-a").patch(f"/v1/admin/clients/{made['id']}", {"notes": "a note"})
    assert fault["failed"] == 1
    _refused(answer, 422, "too_large")
    assert client_store.get("salon-a", made["id"]).notes is None
    with failing_write(
        made["id"], code="ValidationException", message="One or more parameter values were invalid"
    ):
        assert AdminApi("salon-a").patch(f"/v1/admin/clients/{made['id']}", {"notes": "a note"}).status == 500
