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
