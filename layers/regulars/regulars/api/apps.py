"""The resolvers the functions serve. Built here so the local runtime's OpenAPI document and the
functions cannot disagree about routes."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig

from regulars.api import errors

TITLE = "Regulars API"
CORS = CORSConfig(allow_origin="*", allow_headers=["Content-Type", "Authorization", "Idempotency-Key"],
                  expose_headers=["Idempotent-Replayed"], max_age=600)


def _resolver() -> APIGatewayRestResolver:
    app = APIGatewayRestResolver(enable_validation=True, cors=CORS)
    errors.install(app)
    return app


def public_app() -> APIGatewayRestResolver:
    from regulars.api import manage, public

    app = _resolver()
    app.include_router(public.router)
    app.include_router(manage.router)
    return app


def admin_app() -> APIGatewayRestResolver:
    from regulars.api.admin import appointments, catalog, clients

    app = _resolver()
    app.include_router(catalog.router)
    app.include_router(clients.router)
    app.include_router(appointments.router)
    return app


def openapi_document() -> dict:
    """Every route of every function in one document."""
    from regulars.api import manage, public
    from regulars.api.admin import appointments, catalog, clients

    app = _resolver()
    for router in (public.router, manage.router, catalog.router, clients.router, appointments.router):
        app.include_router(router)
    return app.get_openapi_schema(title=TITLE, version="1.0.0",
                                  description="Booking widget, manage link and admin API").model_dump(
        mode="json", by_alias=True, exclude_none=True)
