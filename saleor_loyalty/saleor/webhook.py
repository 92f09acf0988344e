"""The plugin's HTTP endpoints, under ``/plugins/global/saleor.loyalty/``.

``/graphql/`` serves the plugin's own GraphQL API (Saleor's schema is static, so loyalty
fields cannot be added to it); ``/static/loyalty.js`` the storefront kit (``storefront/``).
Other paths answer 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..config import ProgramConfig

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

GRAPHQL_PATHS = frozenset({"/graphql/", "/graphql"})
SCRIPT_PATH = "/static/loyalty.js"


def handle_request(request: HttpRequest, path: str, config: ProgramConfig) -> HttpResponse | None:
    """The response for ``path``, or None (the plugin answers 404)."""
    from ..storefront import views as storefront

    if path == SCRIPT_PATH:  # the sample shop page is the demo's only: its products are the demo's
        return storefront.serve_file(request, "loyalty.js")
    if path not in GRAPHQL_PATHS:
        return None
    if request.method == "OPTIONS":  # reached only where Saleor's ASGI cors_handler is not in front
        return storefront.preflight(request)
    from ..graphql.view import graphql_view
    from .auth import SaleorAuthBackend

    # The view takes no configuration yet; resolvers that need it can read it from the request.
    request.loyalty_config = config  # type: ignore[attr-defined]
    return storefront.add_cors_headers(request, graphql_view(request, auth_backend=SaleorAuthBackend()))
