"""The demo serves the plugin's GraphQL API (and GraphiQL on GET) at ``/graphql/``, and the
storefront kit: ``/static/loyalty.js`` and a sample shop page using every element at ``/shop/``."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.urls import path

from saleor_loyalty.graphql.auth import SignedTokenBackend
from saleor_loyalty.graphql.view import GraphQLView
from saleor_loyalty.storefront.views import serve_file, with_cors

from .events import DEMO_CONFIG

API_PATH = "/graphql/"
SCRIPT_PATH = "/static/loyalty.js"
SHOP_PATH = "/shop/"

# Tokens last a working day, so a GraphiQL tab left open keeps working through the demo.
_backend = SignedTokenBackend(max_age=timedelta(hours=8))
_view: Callable[[HttpRequest], HttpResponse] = GraphQLView(auth_backend=_backend).as_view()


def api(request: HttpRequest) -> HttpResponse:
    # The program's settings travel on the request, as the Saleor adapter puts the plugin's there.
    cast(Any, request).loyalty_config = DEMO_CONFIG
    return _view(request)


urlpatterns = [
    path(API_PATH.strip("/") + "/", with_cors(api)),
    path(SCRIPT_PATH.lstrip("/"), lambda request: serve_file(request, "loyalty.js")),
    path(SHOP_PATH.strip("/") + "/", lambda request: serve_file(request, "shop.html")),
]
