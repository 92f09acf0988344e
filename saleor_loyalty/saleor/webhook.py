"""The plugin's HTTP endpoints, under ``/plugins/global/saleor.loyalty/``.

``/graphql/`` serves the plugin's own GraphQL API (Saleor's schema is static, so loyalty
fields cannot be added to it); ``/static/loyalty.js`` the storefront kit (``storefront/``);
``/console/...`` the staff console; ``/app/manifest`` the Saleor App manifest that adds the
console to Dashboard. Other paths answer 404.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from ..config import ProgramConfig

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

PLUGIN_PREFIX = "/plugins/global/saleor.loyalty"
GRAPHQL_PATHS = frozenset({"/graphql/", "/graphql"})
SCRIPT_PATH = "/static/loyalty.js"
CONSOLE_PREFIX = "/console/"
MANIFEST_PATH = "/app/manifest"


def handle_request(request: HttpRequest, path: str, config: ProgramConfig) -> HttpResponse | None:
    """The response for ``path``, or None (the plugin answers 404)."""
    from ..storefront import views as storefront

    if path == SCRIPT_PATH:  # the sample shop page is the demo's only: its products are the demo's
        return storefront.serve_file(request, "loyalty.js")

    if path == MANIFEST_PATH:
        from ..console.views.app import manifest_response

        return manifest_response(request, PLUGIN_PREFIX + CONSOLE_PREFIX)
    if path.startswith(CONSOLE_PREFIX):
        return _console()(request, path.removeprefix(CONSOLE_PREFIX), config)
    if path not in GRAPHQL_PATHS:
        return None
    if request.method == "OPTIONS":  # reached only where Saleor's ASGI cors_handler is not in front
        return storefront.preflight(request)
    from ..graphql.view import graphql_view
    from .auth import SaleorAuthBackend

    # The view takes no configuration yet; resolvers that need it can read it from the request.
    request.loyalty_config = config  # type: ignore[attr-defined]
    return storefront.add_cors_headers(request, graphql_view(request, auth_backend=SaleorAuthBackend()))


@cache
def _console() -> Any:
    """The console site, built once per process; the plugin's configuration rides on the request."""
    from ..console.site import ConsoleSite
    from ..console.views.app import MANIFEST_ID
    from .console_auth import SaleorConsoleAuth

    site = ConsoleSite(prefix=PLUGIN_PREFIX + CONSOLE_PREFIX, auth=SaleorConsoleAuth(app_identifier=MANIFEST_ID),
                       api_url=PLUGIN_PREFIX + "/graphql/")

    def serve(request: Any, path: str, config: ProgramConfig) -> HttpResponse:
        request.loyalty_config = config
        return site(request, path)

    return serve
