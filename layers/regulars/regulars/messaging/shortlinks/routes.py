"""``GET /s/{code}``: a short link from a message, answered with a redirect to the link it stands for.
Public, no sign-in. A browser (``Accept: text/html``) is told what went wrong in a page of words in its
language (English, Russian, Spanish); anything else gets the API's error shape."""

from __future__ import annotations

import html
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Path
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponseContentSchema
from aws_lambda_powertools.event_handler.router import APIGatewayRouter as Router

from regulars.core import clock
from regulars.core.errors import DomainError, Gone, NotFound, TooManyRequests
from regulars.http.errors import RETRY_AFTER, ErrorOut, error_body, response_headers, status_of
from regulars.messaging.shortlinks import service

router = Router()

Code = Annotated[str, Path(min_length=1, max_length=64, description="The code of a short link")]
_PAGE: dict[str, OpenAPIResponseContentSchema] = {"text/html": {"schema": {"type": "string"}}}

# What a person who tapped the link reads, by language: title, then what to do.
WORDS: dict[str, dict[str, tuple[str, str]]] = {
    "short_link_unknown": {
        "en": ("This link is not known", "Check that the whole link was copied from the message."),
        "ru": ("Ссылка не найдена", "Проверьте, что ссылка скопирована из сообщения целиком."),
        "es": ("Este enlace no existe", "Comprueba que has copiado el enlace completo del mensaje."),
    },
    "short_link_expired": {
        "en": ("This link has expired", "The salon's latest message has a new one."),
        "ru": ("Срок действия ссылки истёк", "В последнем сообщении салона есть новая ссылка."),
        "es": ("Este enlace ha caducado", "El último mensaje del salón tiene uno nuevo."),
    },
    "rate_limited": {
        "en": ("Too many tries", "Please try again later."),
        "ru": ("Слишком много попыток", "Попробуйте позже."),
        "es": ("Demasiados intentos", "Vuelve a intentarlo más tarde."),
    },
}


def _address() -> str:
    """The caller's network address as API Gateway saw it (never a header the caller could write)."""
    identity = router.current_event.request_context.identity
    return (identity.source_ip if identity else None) or "unknown"


def _header(name: str) -> str:
    headers = router.current_event.headers or {}
    return next((v for k, v in headers.items() if k.lower() == name and v), "")


def _language() -> str:
    """The first of the browser's languages we have words in; English otherwise."""
    for part in _header("accept-language").split(","):
        language = part.split(";")[0].strip().split("-")[0].lower()
        if language in ("en", "ru", "es"):
            return language
    return "en"


def _page(exc: DomainError) -> Response[str]:
    language = _language()
    title, hint = WORDS.get(exc.code, WORDS["short_link_unknown"])[language]
    body = (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title></head>"
        '<body style="font-family:system-ui,sans-serif;margin:2rem;line-height:1.5">'
        f"<h1>{html.escape(title)}</h1><p>{html.escape(hint)}</p></body></html>"
    )
    return Response(
        status_code=status_of(exc),
        content_type="text/html; charset=utf-8",
        body=body,
        headers={**response_headers(exc), "Cache-Control": "no-store"},
    )


@router.get(
    "/s/<code>",
    summary="Open a short link from a message",
    description="Redirects (302) to the link the code stands for (a manage, feedback or booking page). "
    "Unknown codes are counted per network address (429 with Retry-After past the limit). A browser "
    "(Accept: text/html) gets the refusals as a page of words in its language.",
    tags=["short links"],
    responses={
        302: {
            "description": "The link: see the Location header",
            "headers": {"Location": {"description": "The full link", "schema": {"type": "string"}}},
        },
        404: {
            "description": "Not a known code (code short_link_unknown)",
            "content": {"application/json": {"model": ErrorOut}, **_PAGE},
        },
        410: {
            "description": "The link it stood for has expired (code short_link_expired)",
            "content": {"application/json": {"model": ErrorOut}, **_PAGE},
        },
        429: {
            "description": "Too many unknown codes from this network address (code rate_limited)",
            "headers": RETRY_AFTER,
            "content": {"application/json": {"model": ErrorOut}, **_PAGE},
        },
    },
)
def open_short_link(code: Code) -> Response[str]:
    try:
        target = service.resolve(code, address=_address(), now=clock.now())
    except (NotFound, Gone, TooManyRequests) as exc:
        if "text/html" in _header("accept"):
            return _page(exc)
        return Response(
            status_code=status_of(exc),
            content_type=content_types.APPLICATION_JSON,
            body=error_body(exc),
            headers=response_headers(exc),
        )
    return Response(
        status_code=302,
        content_type=content_types.TEXT_PLAIN,
        body="",
        headers={"Location": target, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )
