"""No order pays a loyalty price that no longer holds: the plugin switched off, a rule deleted."""

from __future__ import annotations

from decimal import Decimal

from saleor.graphql.tests.utils import get_graphql_content

from .storefront import amount, complete, create_checkout, get_checkout, pay, pay_and_complete, set_delivery

PLUGIN_UPDATE = """mutation($id: ID!, $input: PluginUpdateInput!) { pluginUpdate(id: $id, input: $input) {
  errors { field code message } plugin { id } } }"""


def priced_checkout(client, variant, email):
    """A B2B buyer's checkout of 60 units at the 8.50 break price, ready to pay."""
    checkout_id = create_checkout(client, [(variant, 60)], email=email)
    set_delivery(client, checkout_id)
    assert amount(get_checkout(client, checkout_id)["lines"][0]["unitPrice"]) == Decimal("8.50")
    return checkout_id


def test_switching_the_plugin_off_takes_its_prices_off_open_checkouts(
    loyalty_config, user_api_client, staff_api_client, permission_manage_plugins, b2b_customer, b2b_price_list,
    product, shipping_method, django_capture_on_commit_callbacks,
):
    # given: a checkout priced by the plugin
    variant = product.variants.first()
    checkout_id = priced_checkout(user_api_client, variant, b2b_customer.email)

    # when: staff switch the plugin off
    loyalty_config()
    staff_api_client.user.user_permissions.add(permission_manage_plugins)
    with django_capture_on_commit_callbacks(execute=True):
        result = get_graphql_content(staff_api_client.post_graphql(
            PLUGIN_UPDATE, {"id": "saleor.loyalty", "input": {"active": False}}))["data"]["pluginUpdate"]
    assert result["errors"] == []

    # then: the checkout is back at list price, and the order pays list price
    assert amount(get_checkout(user_api_client, checkout_id)["lines"][0]["unitPrice"]) == Decimal("10.00")
    order = pay_and_complete(user_api_client, checkout_id)
    assert amount(order["total"]) == Decimal("600.00") + Decimal("10.00")  # shipping 10.00


def test_an_order_after_a_rule_is_deleted_is_refused_once_then_pays_list_price(
    loyalty_plugin, user_api_client, b2b_customer, b2b_price_list, product, shipping_method,
):
    from saleor_loyalty.services import rules

    # given: a checkout priced by a price list, paid for at that price
    variant = product.variants.first()
    checkout_id = priced_checkout(user_api_client, variant, b2b_customer.email)

    # when: staff delete the price list before the shopper completes
    rules.delete_price_list(b2b_price_list.pk)
    pay(user_api_client, checkout_id)
    refused = complete(user_api_client, checkout_id)

    # then: the order is refused with a clear reason and the checkout shows list price
    assert refused["order"] is None
    assert [error["field"] for error in refused["errors"]] == ["lines"]
    assert "Loyalty prices in this checkout have changed" in refused["errors"][0]["message"]
    assert amount(get_checkout(user_api_client, checkout_id)["lines"][0]["unitPrice"]) == Decimal("10.00")
