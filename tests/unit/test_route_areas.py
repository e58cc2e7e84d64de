"""Each API imports a router when a request first reaches one of its areas (regulars.app.http): the
areas must hold every route, and a request must find the same route whatever was loaded before it."""

import re

import pytest
from regulars.app import http

APIS = {
    "public": (http.public_app, http.PUBLIC_ROUTERS),
    "admin": (http.admin_app, http.ADMIN_ROUTERS),
    "webhooks": (http.webhooks_app, http.WEBHOOK_ROUTERS),
}


def sample(rule: str) -> str:
    """A path the rule matches: each parameter a value no static segment has."""
    return re.sub(r"<\w+>", "p1x", rule)


def first_match(app: http.JsonApiResolver, method: str, path: str):
    """What Powertools calls for the request: the first static, then the first dynamic route."""
    for route in app._static_routes + app._dynamic_routes:
        if route.method == method and route.rule.match(path):
            return route.func
    return None


@pytest.mark.parametrize("api", APIS)
def test_every_route_lies_in_an_area_of_its_router_and_no_area_starts_another(api):
    _, sources = APIS[api]
    areas = {a for _, _, listed in sources for a in listed}
    assert not [(a, b) for a in areas for b in areas if a != b and b.startswith(a + "/")]
    for source in sources:
        for rule, *_ in http.load_router(source)._routes:
            area = http.area_of(rule, areas)
            assert area is not None and area in source[2], (source, rule)
            assert "<" not in area, (source, rule)


@pytest.mark.parametrize("api", APIS)
def test_a_request_finds_the_route_it_finds_with_every_router_loaded(api):
    make, _ = APIS[api]
    eager = make()
    eager.include_routes()
    routes = [(r.method, sample(r.path)) for r in eager._static_routes + eager._dynamic_routes]
    assert routes
    for order in (routes, routes[::-1]):  # shared routers included by one area or another first
        lazy = make()
        for method, path in order:
            lazy.include_routes(path)
            assert first_match(lazy, method, path) is first_match(eager, method, path), (method, path)


def test_an_api_imports_no_router_until_a_request_reaches_it():
    app = http.admin_app()
    assert app._static_routes == app._dynamic_routes == []
    app.include_routes("/v1/admin/segments/preview")
    assert {r.func.__module__ for r in app._static_routes + app._dynamic_routes} == {
        "regulars.campaigns.routes"
    }
    app.include_routes("/v1/nowhere")
    assert {r.func.__module__ for r in app._static_routes + app._dynamic_routes} == {
        "regulars.campaigns.routes"
    }
