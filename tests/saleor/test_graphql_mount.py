"""The plugin's GraphQL API at /plugins/global/saleor.loyalty/graphql/ with Saleor's auth."""

from __future__ import annotations

import json

import pytest

URL = "/plugins/global/saleor.loyalty/graphql/"
VIEWER = "{ loyaltyViewer { isStaff isApp permissions } }"


def post(client, query, **headers):
    return client.post(URL, json.dumps({"query": query}), content_type="application/json", **headers)


def test_staff_jwt_brings_saleor_permissions(loyalty_plugin, client, staff_user, permission_manage_discounts):
    from saleor.core.jwt import create_access_token

    staff_user.user_permissions.add(permission_manage_discounts)
    response = post(client, VIEWER, HTTP_AUTHORIZATION=f"Bearer {create_access_token(staff_user)}")

    assert response.status_code == 200, response.content
    viewer = response.json()["data"]["loyaltyViewer"]
    assert viewer["isStaff"] is True
    assert viewer["permissions"] == ["MANAGE_DISCOUNTS"]


def test_app_token_is_recognised(loyalty_plugin, client, app, permission_manage_users):
    app.permissions.add(permission_manage_users)
    _, raw_token = app.tokens.create(name="loyalty")

    response = post(client, VIEWER, HTTP_AUTHORIZATION=f"Bearer {raw_token}")

    viewer = response.json()["data"]["loyaltyViewer"]
    assert viewer["isApp"] is True
    assert viewer["permissions"] == ["MANAGE_USERS"]


def test_bad_token_is_refused(loyalty_plugin, client, db):
    response = post(client, VIEWER, HTTP_AUTHORIZATION="Bearer not-a-jwt")
    assert response.status_code == 401


@pytest.mark.parametrize("path", ["/plugins/global/saleor.loyalty/", "/plugins/global/saleor.loyalty/other/"])
def test_other_paths_are_not_found(loyalty_plugin, client, db, path):
    assert client.get(path).status_code == 404


def test_the_storefront_kit_is_served_by_the_plugin(loyalty_plugin, client, db):
    # when a shop page loads the module from Saleor's own host
    response = client.get("/plugins/global/saleor.loyalty/static/loyalty.js")
    # then it is the kit's module, cacheable and revalidated by its ETag
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"customElements.define(name, element)" in body and b'"loyalty-account"' in body
    again = client.get("/plugins/global/saleor.loyalty/static/loyalty.js", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_loyalty_program_tells_the_channel_currency(loyalty_plugin, client, channel_PLN):
    # the Saleor shop's fetch_channel_currency, as the storefront kit formats money with it
    query = '{ loyaltyProgram(channel: "%s") { channel currency } }' % channel_PLN.slug
    response = post(client, query)
    assert response.json()["data"]["loyaltyProgram"] == {"channel": channel_PLN.slug, "currency": "PLN"}
