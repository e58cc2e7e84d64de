"""Two execution environments of one function serving at once in one process (the local runtime and
the tests run them as threads) each see their own request. Powertools keeps the current event in a
class attribute; without the resolver's own per-thread copy, the second request to arrive would be
answered as the first."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from regulars.app.http import JsonApiResolver
from regulars.http.router import Router

router = Router()
both_inside = threading.Barrier(2, timeout=10)


@router.get("/who")
def who() -> dict:
    both_inside.wait()  # the other request has been resolved meanwhile: its event is the latest
    return {"who": router.current_event.headers["x-who"], "context": router.lambda_context}


def _event(name: str) -> dict:
    return {"httpMethod": "GET", "path": "/who", "resource": "/who", "headers": {"x-who": name},
            "multiValueHeaders": {"x-who": [name]}, "queryStringParameters": None, "pathParameters": None,
            "requestContext": {"stage": "test", "httpMethod": "GET", "path": "/who", "requestId": name},
            "body": None, "isBase64Encoded": False}


def test_each_environment_answers_its_own_request():
    environments = []
    for _ in range(2):
        app = JsonApiResolver()
        app.include_router(router)
        environments.append(app)
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda n: environments[n].resolve(_event(f"client-{n}"), f"context-{n}"), range(2)))
    assert [a["statusCode"] for a in answers] == [200, 200]
    assert ['"who":"client-0"' in a["body"].replace(" ", "") for a in answers] == [True, False]
    assert ['"who":"client-1"' in a["body"].replace(" ", "") for a in answers] == [False, True]
    assert ['"context":"context-0"' in answers[0]["body"].replace(" ", ""),
            '"context":"context-1"' in answers[1]["body"].replace(" ", "")] == [True, True]
