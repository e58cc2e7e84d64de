"""Routers whose request state belongs to the thread serving the request.

A Powertools router reads ``current_event`` through the resolver that included it, and a router
lives in a module, so every resolver built in one process shares it. Lambda runs one resolver per
process and never notices; the local runtime runs several execution environments of a function in
one process (each its own resolver, each request on its own thread), and a request could read
another's event. Here each thread sees the resolver that is serving it.
"""

from __future__ import annotations

import threading
from typing import Any

from aws_lambda_powertools.event_handler.router import APIGatewayRouter


class Router(APIGatewayRouter):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._serving = threading.local()
        self._included_by: Any = None
        super().__init__(*args, **kwargs)  # type: ignore[no-untyped-call]  # Powertools leaves it unannotated

    @property
    def api_resolver(self) -> Any:
        serving = getattr(self, "_serving", None)
        return getattr(serving, "resolver", None) or getattr(self, "_included_by", None)

    @api_resolver.setter
    def api_resolver(self, resolver: Any) -> None:
        if not hasattr(self, "_serving"):
            self._serving = threading.local()
        self._included_by = resolver
        self._serving.resolver = resolver

    def serve_with(self, resolver: Any) -> None:
        """The resolver about to serve a request on this thread."""
        self._serving.resolver = resolver
