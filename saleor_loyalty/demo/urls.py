"""The demo serves the plugin's GraphQL API (and the query page on GET) at ``/graphql/``, the
staff console at ``/console/``, and the storefront kit: ``/static/loyalty.js`` and a sample shop
page using every element at ``/shop/``."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path

from saleor_loyalty.console.auth import DjangoConsoleAuth
from saleor_loyalty.console.site import ConsoleSite, as_view
from saleor_loyalty.console.views.app import manifest_response
from saleor_loyalty.graphql.auth import SignedTokenBackend
from saleor_loyalty.graphql.view import GraphQLView
from saleor_loyalty.storefront.views import serve_file, with_cors

from .events import DEMO_CONFIG

API_PATH = "/graphql/"
SCRIPT_PATH = "/static/loyalty.js"
SHOP_PATH = "/shop/"
CONSOLE_PATH = "/console/"

# Tokens last a working day, so a GraphiQL tab left open keeps working through the demo.
_backend = SignedTokenBackend(max_age=timedelta(hours=8))
_view: Callable[[HttpRequest], HttpResponse] = GraphQLView(auth_backend=_backend).as_view()


def api(request: HttpRequest) -> HttpResponse:
    # The program's settings travel on the request, as the Saleor adapter puts the plugin's there.
    cast(Any, request).loyalty_config = DEMO_CONFIG
    return _view(request)


console_site = ConsoleSite(prefix=CONSOLE_PATH, auth=DjangoConsoleAuth(_backend), config=lambda: DEMO_CONFIG,
                           api_url=API_PATH)

urlpatterns = [
    path(API_PATH.strip("/") + "/", with_cors(api)),
    path(SCRIPT_PATH.lstrip("/"), lambda request: serve_file(request, "loyalty.js")),
    path(SHOP_PATH.strip("/") + "/", lambda request: serve_file(request, "shop.html")),
    re_path(r"^console/(?P<path>.*)$", as_view(console_site)),
    path("app/manifest", lambda request: manifest_response(request, CONSOLE_PATH)),
]
