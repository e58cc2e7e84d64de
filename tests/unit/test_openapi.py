import json
from pathlib import Path

from regulars_local.openapi import document
from regulars_local.template import functions

ROOT = Path(__file__).resolve().parents[2]


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


def test_the_stream_filter_matches_the_appointment_and_message_keys():
    from regulars.store.models import APPOINTMENTS, LEDGER, MESSAGES, Appointment, LedgerEntry, Message

    (stream,) = functions()["StreamProcessorFunction"].streams
    appointments, messages, ledger = stream.filters
    assert appointments["dynamodb"]["Keys"]["SK"]["S"] == [{"prefix": APPOINTMENTS}]
    assert Appointment.__keys__["sk"].startswith(APPOINTMENTS)
    assert messages["dynamodb"]["Keys"]["SK"]["S"] == [{"prefix": MESSAGES}]
    assert Message.__keys__["sk"].startswith(MESSAGES)
    # only the states the processor acts on: planned (dispatch), queued (publish), sent (analytics)
    assert messages["dynamodb"]["NewImage"]["status"]["S"] == ["planned", "queued", "sent"]
    # a ledger entry once, when it is written (analytics)
    assert ledger["dynamodb"]["Keys"]["SK"]["S"] == [{"prefix": LEDGER}] and ledger["eventName"] == ["INSERT"]
    assert LedgerEntry.__keys__["sk"].startswith(LEDGER)
