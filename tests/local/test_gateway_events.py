import base64
import json
from datetime import UTC, datetime

import pytest
from regulars_local.auth import CognitoAuthorizer, LocalIssuer
from regulars_local.emulator.gateway import (
    ApiGateway,
    Cors,
    MalformedResponse,
    Request,
    RouteTable,
    build_event,
    proxy_response,
)
from regulars_local.emulator.template import ApiRoute

ROUTES = [
    ApiRoute("Public", "GET", "/v1/salons/{salon_id}/catalog", None, "Api"),
    ApiRoute("Public", "POST", "/v1/salons/{salon_id}/appointments", None, "Api"),
    ApiRoute("Admin", "ANY", "/v1/admin/{proxy+}", "CognitoAuthorizer", "Api"),
]


def request(method: str, target: str, body: bytes = b"", headers=()) -> Request:
    return Request.from_target(method, target, headers=list(headers), body=body, source_ip="127.0.0.9")


def test_event_has_the_rest_proxy_shape():
    table = RouteTable(ROUTES)
    req = request(
        "POST",
        "/v1/salons/s1/appointments?a=1&a=2&b=",
        b'{"x": 1}',
        [("Content-Type", "application/json"), ("X-Multi", "1"), ("X-Multi", "2"), ("User-Agent", "ua")],
    )
    event = build_event(
        req,
        table.match(req.method, req.path),
        stage="prod",
        request_id="req-1",
        now=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    )
    assert event["resource"] == "/v1/salons/{salon_id}/appointments"
    assert event["path"] == "/v1/salons/s1/appointments"
    assert event["httpMethod"] == "POST"
    assert event["headers"]["X-Multi"] == "2"
    assert event["multiValueHeaders"]["X-Multi"] == ["1", "2"]
    assert event["queryStringParameters"] == {"a": "2", "b": ""}
    assert event["multiValueQueryStringParameters"] == {"a": ["1", "2"], "b": [""]}
    assert event["pathParameters"] == {"salon_id": "s1"}
    assert event["stageVariables"] is None
    assert event["body"] == '{"x": 1}'
    assert event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["resourcePath"] == "/v1/salons/{salon_id}/appointments"
    assert context["httpMethod"] == "POST"
    assert context["path"] == "/prod/v1/salons/s1/appointments"
    assert context["stage"] == "prod"
    assert context["requestId"] == "req-1"
    assert context["identity"]["sourceIp"] == "127.0.0.9"
    assert context["identity"]["userAgent"] == "ua"
    assert context["requestTimeEpoch"] == int(datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC).timestamp() * 1000)
    assert "authorizer" not in context
    json.dumps(event)  # an event is plain JSON


def test_event_without_query_body_or_parameters_uses_nulls():
    table = RouteTable([ApiRoute("F", "GET", "/health-of-things", None)])
    req = request("GET", "/health-of-things")
    event = build_event(req, table.match("GET", req.path), stage="s")
    assert event["queryStringParameters"] is None
    assert event["multiValueQueryStringParameters"] is None
    assert event["pathParameters"] is None
    assert event["headers"] is None
    assert event["body"] is None


def test_binary_bodies_are_base64():
    table = RouteTable(ROUTES)
    raw = bytes(range(256))
    req = request("POST", "/v1/salons/s1/appointments", raw, [("Content-Type", "image/png")])
    match = table.match(req.method, req.path)
    declared = build_event(req, match, stage="s", binary_media_types=("image/*",))
    assert declared["isBase64Encoded"] is True
    assert base64.b64decode(declared["body"]) == raw
    undecodable = build_event(req, match, stage="s")
    assert undecodable["isBase64Encoded"] is True


def test_proxy_response_merges_headers_and_decodes_base64():
    response = proxy_response(
        {
            "statusCode": 201,
            "headers": {"Content-Type": "image/png", "X-One": "1", "Set-Cookie": "ignored"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
            "body": base64.b64encode(b"\x00\x01").decode(),
            "isBase64Encoded": True,
        }
    )
    assert response.status == 201
    assert response.body == b"\x00\x01"
    assert ("Set-Cookie", "a=1") in response.headers and ("Set-Cookie", "b=2") in response.headers
    assert ("Set-Cookie", "ignored") not in response.headers
    assert ("X-One", "1") in response.headers


def test_proxy_response_defaults_to_json():
    response = proxy_response({"statusCode": 204})
    assert response.body == b""
    assert ("Content-Type", "application/json") in response.headers


@pytest.mark.parametrize(
    "result",
    [
        None,
        "text",
        {"body": "{}"},
        {"statusCode": "abc"},
        {"statusCode": 200, "body": {"not": "a string"}},
        {"statusCode": 200, "extra": 1},
        {"statusCode": 200, "multiValueHeaders": {"A": "not a list"}},
        {"statusCode": 200, "body": "not base64!", "isBase64Encoded": True},
    ],
)
def test_malformed_proxy_responses(result):
    with pytest.raises(MalformedResponse):
        proxy_response(result)


def test_cors_from_sam_property():
    cors = Cors.from_property(
        {
            "AllowOrigin": "'*'",
            "AllowHeaders": "'Content-Type,Authorization'",
            "AllowMethods": "'GET,POST'",
            "MaxAge": "'600'",
        }
    )
    headers = dict(cors.preflight(["GET", "OPTIONS"]).headers)
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Access-Control-Allow-Headers"] == "Content-Type,Authorization"
    assert headers["Access-Control-Allow-Methods"] == "GET,POST"
    assert headers["Access-Control-Max-Age"] == "600"
    assert (
        dict(Cors.from_property("'https://a.example'").preflight(["GET"]).headers)[
            "Access-Control-Allow-Methods"
        ]
        == "GET"
    )
    assert Cors.from_property(None) is None


class Recorder:
    def __init__(self, result=None):
        self.calls: list[tuple[str, dict]] = []
        self.result = result or {"statusCode": 200, "body": "{}"}

    def __call__(self, function: str, event: dict):
        self.calls.append((function, event))
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


def gateway(recorder: Recorder, issuer: LocalIssuer | None = None) -> ApiGateway:
    issuer = issuer or LocalIssuer("http://127.0.0.1:1/local/cognito")
    return ApiGateway(
        routes=RouteTable(ROUTES),
        invoke=recorder,
        authorizers={"CognitoAuthorizer": CognitoAuthorizer(issuer)},
        stage="prod",
        cors=Cors.from_property({"AllowOrigin": "'*'", "AllowHeaders": "'Authorization'"}),
    )


def error_of(response) -> dict:
    return json.loads(response.body)["error"]


def test_no_route_is_a_404_in_the_error_shape():
    recorder = Recorder()
    response = gateway(recorder)(request("GET", "/v1/nothing"))
    assert response.status == 404
    assert error_of(response)["code"] == "not_found"
    assert error_of(response)["fields"] == []
    assert recorder.calls == []


def test_undeclared_method_is_a_404():
    recorder = Recorder()
    assert gateway(recorder)(request("DELETE", "/v1/salons/s1/catalog")).status == 404
    assert recorder.calls == []


def test_protected_route_without_or_with_a_bad_token_is_401_and_not_invoked():
    recorder = Recorder()
    api = gateway(recorder)
    for headers in ([], [("Authorization", "Bearer nope")], [("Authorization", "Bearer ")]):
        response = api(request("GET", "/v1/admin/clients", headers=headers))
        assert response.status == 401
        assert error_of(response) == {"code": "unauthorized", "message": "Unauthorized", "fields": []}
    assert recorder.calls == []


def test_protected_route_passes_string_claims_to_the_function():
    issuer = LocalIssuer("http://127.0.0.1:1/local/cognito")
    recorder = Recorder()
    token = issuer.issue("salon-1", "owner@example.com", "owner")
    response = gateway(recorder, issuer)(
        request("PATCH", "/v1/admin/clients/c1", b"{}", [("Authorization", f"Bearer {token}")])
    )
    assert response.status == 200
    ((function, event),) = recorder.calls
    assert function == "Admin"
    claims = event["requestContext"]["authorizer"]["claims"]
    assert claims["custom:salon_id"] == "salon-1"
    assert claims["custom:role"] == "owner"
    assert claims["email"] == "owner@example.com"
    assert claims["token_use"] == "id"
    assert all(isinstance(v, str) for v in claims.values())
    assert event["pathParameters"] == {"proxy": "clients/c1"}


def test_preflight_answers_from_the_template_without_invoking():
    recorder = Recorder()
    response = gateway(recorder)(request("OPTIONS", "/v1/admin/clients"))
    assert response.status == 200
    assert dict(response.headers)["Access-Control-Allow-Headers"] == "Authorization"
    assert recorder.calls == []
    assert gateway(recorder)(request("OPTIONS", "/v1/unknown")).status == 404


def test_function_failure_and_malformed_result_are_502():
    failing = gateway(Recorder(RuntimeError("boom")))(request("GET", "/v1/salons/s1/catalog"))
    assert failing.status == 502
    assert error_of(failing)["code"] == "internal_error"
    malformed = gateway(Recorder({"status": 200}))(request("GET", "/v1/salons/s1/catalog"))
    assert malformed.status == 502


def test_request_id_header_matches_the_event():
    recorder = Recorder()
    response = gateway(recorder)(request("GET", "/v1/salons/s1/catalog"))
    request_id = dict(response.headers)["x-amzn-RequestId"]
    assert recorder.calls[0][1]["requestContext"]["requestId"] == request_id
