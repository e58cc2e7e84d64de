"""The one error map: a domain failure's status, its error shape, and the headers it carries (a
rate limit's Retry-After), through a Powertools resolver as the functions build theirs."""

import json

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from regulars.core import errors
from regulars.http import errors as error_map
from support.lambda_ import api_event


class SlowDown(errors.Conflict):
    """A failure that tells the caller when to come back (as a rate limit does)."""

    code = "slow_down"
    headers = {"Retry-After": "30"}


def test_a_failure_carries_its_headers_with_its_status_and_shape():
    app = APIGatewayRestResolver(enable_validation=True)
    error_map.install(app)

    @app.get("/v1/limited")
    def limited() -> dict:
        raise SlowDown("too many at once: try again in 30 seconds")

    answer = app.resolve(api_event("GET", "/v1/limited", resource="/v1/limited", path_params={}), None)
    headers = {k: v[-1] for k, v in answer["multiValueHeaders"].items()}
    assert answer["statusCode"] == 409 and headers["Retry-After"] == "30"
    assert json.loads(answer["body"]) == {
        "error": {"code": "slow_down", "fields": [], "message": "too many at once: try again in 30 seconds"}
    }
