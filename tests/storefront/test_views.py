"""Serving the kit: content types, ETag revalidation, caching, CORS without credentials."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

from saleor_loyalty.storefront import views

pytestmark = pytest.mark.urls("saleor_loyalty.demo.urls")


def test_module_is_served_as_javascript_with_an_etag() -> None:
    response = Client().get("/static/loyalty.js")
    body = (views.STATIC_DIR / "loyalty.js").read_bytes()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response.content == body
    assert response["Content-Length"] == str(len(body))
    assert response["Cache-Control"] == "public, max-age=3600"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["ETag"].startswith('"') and len(response["ETag"]) == 34


def test_a_known_etag_gets_304_without_a_body() -> None:
    etag = Client().get("/static/loyalty.js")["ETag"]
    again = Client().get("/static/loyalty.js", headers={"If-None-Match": f'W/"nope", {etag}'})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    stale = Client().get("/static/loyalty.js", headers={"If-None-Match": '"other"'})
    assert stale.status_code == 200


def test_head_has_no_body_and_other_methods_are_refused() -> None:
    head = Client().head("/static/loyalty.js")
    assert head.status_code == 200 and head.content == b""
    assert Client().post("/static/loyalty.js").status_code == 405


def test_shop_page_is_html_loading_the_module() -> None:
    response = Client().get("/shop/")
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert b'import { configure } from "../static/loyalty.js";' in response.content


def test_module_and_api_allow_other_origins_without_credentials(db: None) -> None:
    origin = {"Origin": "https://shop.example"}
    script = Client().get("/static/loyalty.js", headers=origin)
    assert script["Access-Control-Allow-Origin"] == "*"
    preflight = Client().options(
        "/graphql/", headers={**origin, "Access-Control-Request-Method": "POST",
                              "Access-Control-Request-Headers": "authorization, content-type"},
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "Authorization" in preflight["Access-Control-Allow-Headers"]
    assert "POST" in preflight["Access-Control-Allow-Methods"]
    answer = Client().post(
        "/graphql/", json.dumps({"query": "{ loyaltyViewer { isStaff } }"}), content_type="application/json",
        headers=origin,
    )
    assert answer.json() == {"data": {"loyaltyViewer": {"isStaff": False}}}
    assert answer["Access-Control-Allow-Origin"] == "*"
    for response in (script, preflight, answer):
        assert "Access-Control-Allow-Credentials" not in response


@override_settings(ALLOWED_GRAPHQL_ORIGINS=["https://*.example.com"])
def test_only_allowed_origins_when_the_shop_lists_them() -> None:
    allowed = Client().options("/graphql/", headers={"Origin": "https://www.example.com"})
    assert allowed.status_code == 204
    assert allowed["Access-Control-Allow-Origin"] == "https://www.example.com"
    assert allowed["Vary"] == "Origin"
    refused = Client().options("/graphql/", headers={"Origin": "https://evil.example.org"})
    assert refused.status_code == 403
    assert "Access-Control-Allow-Origin" not in refused


def test_plugin_webhook_serves_the_module(rf: pytest.FixtureRequest) -> None:
    from saleor_loyalty.config import ProgramConfig
    from saleor_loyalty.saleor.webhook import handle_request

    request = rf.get("/plugins/global/saleor.loyalty/static/loyalty.js")  # type: ignore[attr-defined]
    response = handle_request(request, "/static/loyalty.js", ProgramConfig())
    assert response is not None and response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert handle_request(request, "/static/shop.html", ProgramConfig()) is None
    assert handle_request(request, "/static/secret.py", ProgramConfig()) is None
    assert handle_request(request, "/static/../views.py", ProgramConfig()) is None
