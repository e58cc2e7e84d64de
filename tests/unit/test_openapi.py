import json
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from regulars_local.control.openapi import document as generated
from regulars_local.emulator.template import functions

ROOT = Path(__file__).resolve().parents[2]


@cache
def document() -> dict:
    return generated()


def test_the_committed_openapi_document_is_current():
    committed = json.loads((ROOT / "docs" / "openapi.json").read_text())
    assert committed == json.loads(json.dumps(document())), "run `make openapi` and commit docs/openapi.json"


def test_every_public_route_in_the_code_is_an_api_event_in_the_template():
    routes = {(r.method, r.path) for f in functions().values() for r in f.routes}
    for path, operations in document()["paths"].items():
        for method in operations:
            if path.startswith("/v1/admin/"):
                assert ("ANY", "/v1/admin/{proxy+}") in routes
            elif path.startswith("/v1/manage/") and path.count("/") == 4:
                assert ("POST", "/v1/manage/{token}/{action}") in routes
            else:
                assert (method.upper(), path) in routes, (method, path)


def test_the_stream_filter_matches_the_appointment_message_ledger_and_client_keys():
    from regulars.booking.items import APPOINTMENTS, Appointment
    from regulars.loyalty.items import LEDGER, LedgerEntry
    from regulars.messaging.outbox.items import MESSAGES, Message

    (stream,) = functions()["StreamProcessorFunction"].streams
    appointments, messages, ledger, profiles = stream.filters
    assert appointments["dynamodb"]["Keys"]["SK"]["S"] == [{"prefix": APPOINTMENTS}]
    assert Appointment.__keys__["sk"].startswith(APPOINTMENTS)
    assert messages["dynamodb"]["Keys"]["SK"]["S"] == [{"prefix": MESSAGES}]
    assert Message.__keys__["sk"].startswith(MESSAGES)
    # only the states the processor acts on: planned (dispatch), queued (publish), sent (analytics)
    assert messages["dynamodb"]["NewImage"]["status"]["S"] == ["planned", "queued", "sent"]
    # a ledger entry once, when it is written (analytics)
    assert ledger["dynamodb"]["Keys"]["SK"]["S"] == [{"prefix": LEDGER}] and ledger["eventName"] == ["INSERT"]
    assert LedgerEntry.__keys__["sk"].startswith(LEDGER)
    # a client's item or bonus account, whatever changed (the segment preview's deltas)
    from regulars.app.stream import PROFILED
    from regulars.clients.items import Client
    from regulars.loyalty.items import LoyaltyAccount

    assert profiles["dynamodb"]["Keys"]["SK"]["S"] == [{"prefix": p} for p in PROFILED]
    assert [Client.__keys__["sk"], LoyaltyAccount.__keys__["sk"]] == [f"{p}{{client_id}}" for p in PROFILED]


def test_the_document_is_valid_openapi_3_1():
    assert [e.message for e in OpenAPIV31SpecValidator(document()).iter_errors()] == []


def _validator(component: str) -> Draft202012Validator:
    registry = Registry().with_resource("urn:doc", Resource.from_contents(document(), DRAFT202012))
    return Draft202012Validator({"$ref": f"urn:doc#/components/schemas/{component}"}, registry=registry)


@pytest.mark.parametrize(
    "hours", [{"xyz": [["09:00", "18:00"]]}, {"mon": [["9am", "6pm"]]}, {"mon": [["09:00", "10:00"]] * 9}]
)
def test_staff_hours_the_api_refuses_are_invalid_in_the_document_too(hours):
    staff = {"id": "anna", "name": "Anna", "working_hours": hours}
    assert not _validator("StaffIn").is_valid(staff)
    assert _validator("StaffIn").is_valid({**staff, "working_hours": {"mon": [["09:00", "18:00"]]}})


def test_every_operation_documents_the_statuses_it_can_answer_in_the_error_shape():
    error = {"$ref": "#/components/schemas/ErrorOut"}
    for path, operations in document()["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            expected = {"422"}
            if "requestBody" in operation:
                expected |= {"400", "413", "415"}
            if path.startswith("/v1/admin/"):
                expected |= {"401", "403"}
            if not path.startswith("/v1/webhooks/"):
                expected.add("404")
            if path.startswith(("/v1/manage/", "/v1/feedback/", "/v1/webhooks/")):
                expected.add("403")  # the link or the signature
            assert expected <= responses.keys(), (method, path, sorted(responses))
            for status, response in responses.items():
                if status.startswith("4"):
                    assert response["content"]["application/json"]["schema"] == error, (method, path, status)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("post", "/v1/admin/clients", "201"),
        ("post", "/v1/admin/services", "201"),
        ("post", "/v1/admin/staff", "201"),
        ("post", "/v1/admin/appointments", "201"),
        ("post", "/v1/admin/segments", "201"),
        ("post", "/v1/admin/campaigns", "201"),
        ("post", "/v1/admin/clients/{client_id}/loyalty/adjustments", "201"),
        ("post", "/v1/admin/analytics/snapshot", "202"),
        ("delete", "/v1/admin/segments/{segment_id}", "204"),
        ("post", "/v1/salons/{salon_id}/appointments", "201"),
    ],
)
def test_the_success_status_is_the_one_answered(method, path, status):
    successes = [s for s in document()["paths"][path][method]["responses"] if s.startswith("2")]
    assert successes == [status]


def test_a_rate_limited_route_documents_429_with_retry_after():
    from regulars.http.errors import answers

    (limited,) = answers(429).values()
    assert limited["headers"]["Retry-After"]["schema"] == {"type": "integer", "minimum": 0}
    assert limited["content"]["application/json"]["model"].__name__ == "ErrorOut"
