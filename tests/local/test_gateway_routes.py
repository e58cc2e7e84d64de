import pytest
from regulars_local.emulator.gateway import Resource, RouteTable
from regulars_local.emulator.template import ApiRoute


def route(method: str, path: str, function: str = "Fn", authorizer: str | None = None) -> ApiRoute:
    return ApiRoute(function, method, path, authorizer, "Api")


@pytest.fixture
def table() -> RouteTable:
    return RouteTable(
        [
            route("GET", "/v1/salons/{salon_id}/catalog", "Public"),
            route("POST", "/v1/salons/{salon_id}/appointments", "Public"),
            route("GET", "/v1/manage/{token}", "Public"),
            route("POST", "/v1/manage/{token}/{action}", "Public"),
            route("ANY", "/v1/admin/{proxy+}", "Admin", "CognitoAuthorizer"),
            route("GET", "/v1/admin/special", "Special"),
            route("GET", "/v1/things/{thing_id}", "Param"),
            route("GET", "/v1/things/special", "Literal"),
        ]
    )


def test_path_parameters_are_named_and_decoded(table):
    match = table.match("GET", "/v1/salons/studio%20one/catalog")
    assert match is not None
    assert match.route.function == "Public"
    assert match.resource.template == "/v1/salons/{salon_id}/catalog"
    assert match.path_parameters == {"salon_id": "studio one"}


def test_several_parameters(table):
    match = table.match("POST", "/v1/manage/tok123/cancel")
    assert match is not None
    assert match.path_parameters == {"token": "tok123", "action": "cancel"}


def test_greedy_proxy_takes_the_rest_of_the_path(table):
    match = table.match("DELETE", "/v1/admin/clients/c1/notes")
    assert match is not None
    assert match.route.function == "Admin"
    assert match.route.authorizer == "CognitoAuthorizer"
    assert match.path_parameters == {"proxy": "clients/c1/notes"}


def test_greedy_proxy_needs_at_least_one_segment(table):
    assert table.match("GET", "/v1/admin") is None
    assert table.match("GET", "/v1/admin/") is None


def test_literal_beats_parameter_beats_greedy(table):
    assert table.match("GET", "/v1/things/special").route.function == "Literal"
    assert table.match("GET", "/v1/things/other").route.function == "Param"
    assert table.match("GET", "/v1/admin/special").route.function == "Special"


def test_the_most_specific_resource_wins_even_without_the_method(table):
    # API Gateway picks the resource first: /v1/admin/special has no POST, and ANY on the
    # less specific {proxy+} is not used for it.
    assert table.match("POST", "/v1/admin/special") is None


def test_method_must_be_declared(table):
    assert table.match("DELETE", "/v1/salons/s1/catalog") is None
    assert table.match("GET", "/v1/salons/s1/appointments") is None


def test_unknown_paths_and_extra_segments(table):
    assert table.match("GET", "/") is None
    assert table.match("GET", "/v1/salons/s1") is None
    assert table.match("GET", "/v1/salons/s1/catalog/extra") is None
    assert table.match("GET", "/v2/salons/s1/catalog") is None


def test_trailing_slash_matches_the_same_resource(table):
    assert table.match("GET", "/v1/salons/s1/catalog/").path_parameters == {"salon_id": "s1"}


def test_an_encoded_slash_stays_inside_one_parameter(table):
    match = table.match("GET", "/v1/manage/a%2Fb")
    assert match is not None
    assert match.path_parameters == {"token": "a/b"}


def test_methods_for_preflight(table):
    resource, _ = table.resource("/v1/salons/s1/catalog")
    assert table.methods(resource) == ["GET", "OPTIONS"]
    admin, _ = table.resource("/v1/admin/x")
    assert "PATCH" in table.methods(admin) and "DELETE" in table.methods(admin)


def test_duplicate_routes_are_refused():
    with pytest.raises(ValueError, match="mapped twice"):
        RouteTable([route("GET", "/a/{b}"), route("GET", "/a/{b}")])


def test_greedy_must_be_last():
    with pytest.raises(ValueError, match="last segment"):
        Resource.parse("/a/{proxy+}/b")
