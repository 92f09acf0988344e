"""The Dashboard app: manifest, handshake (staff token accepted, customer's refused), order page."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from saleor_loyalty.graphql.auth import LoyaltyPermission, create_access_token
from saleor_loyalty.services import points

pytestmark = pytest.mark.django_db


def test_the_manifest_names_the_app_page_and_two_widgets() -> None:
    manifest = Client().get("/app/manifest").json()
    assert manifest["id"] == "saleor.loyalty.console"
    assert manifest["appUrl"] == "http://testserver/console/app/"
    assert sorted(manifest["permissions"]) == ["MANAGE_DISCOUNTS", "MANAGE_ORDERS", "MANAGE_USERS"]
    assert [(e["mount"], e["target"]) for e in manifest["extensions"]] == [
        ("CUSTOMER_DETAILS_WIDGETS", "WIDGET"), ("ORDER_DETAILS_WIDGETS", "WIDGET")]


def handshake(client: Client, token: str) -> Any:
    return client.post("/console/app/handshake/", json.dumps({"token": token, "version": 1}),
                       content_type="application/json")


def test_a_staff_token_opens_a_session_capped_to_its_permissions(make_staff: Any) -> None:
    staff = make_staff(LoyaltyPermission.MANAGE_USERS)
    client = Client()
    response = handshake(client, create_access_token(staff))
    assert response.status_code == 200 and response.json()["permissions"] == ["MANAGE_USERS"]
    assert client.get("/console/customers/").status_code == 200
    assert client.get("/console/tiers/").status_code == 403


def test_a_customers_token_is_refused(make_staff: Any) -> None:
    customer = make_staff(*LoyaltyPermission, staff=False)
    client = Client()
    response = handshake(client, create_access_token(customer))
    assert response.status_code == 403
    assert client.get("/console/customers/").status_code == 302


def test_a_forged_token_and_a_form_post_are_refused() -> None:
    client = Client()
    assert handshake(client, "not-a-token").status_code == 403
    assert client.post("/console/app/handshake/", {"token": "x"}).status_code == 415


def test_the_app_page_goes_to_the_widgets_entity(make_staff: Any, customer: Any) -> None:
    from saleor_loyalty.graphql.core.ids import to_global_id

    html = Client().get("/console/app/", {"view": "customer", "customerId": to_global_id("User", customer.pk)})
    assert f'data-next="/console/customers/{customer.pk}/"' in html.content.decode()


def test_the_order_page_shows_the_orders_points(console: Client, customer: Any) -> None:
    order_id = "3f2b1c4e-9a8d-4e1f-b2c3-123456789abc"  # Saleor's orders have UUIDs
    points.credit_points_for_order(points.Owner.customer(customer.pk), order_id, points=120)
    from saleor_loyalty.graphql.core.ids import to_global_id

    html = console.get(f"/console/orders/{to_global_id('Order', order_id)}/").content.decode()
    assert "+120" in html
    assert console.get("/console/orders/unknown/").status_code == 404
