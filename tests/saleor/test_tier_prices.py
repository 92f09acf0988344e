"""Tier and volume prices reach the buyer through Saleor's own GraphQL API."""

from __future__ import annotations

from decimal import Decimal

from .storefront import add_lines, amount, create_checkout, get_checkout, update_line


def test_b2b_buyer_sees_break_price_on_line_and_total(
    loyalty_plugin, user_api_client, b2b_customer, b2b_price_list, product, channel_USD
):
    # given: a B2B buyer with 5 units at the list price
    variant = product.variants.first()
    checkout_id = create_checkout(user_api_client, [(variant, 5)], email=b2b_customer.email)
    line = get_checkout(user_api_client, checkout_id)["lines"][0]
    assert amount(line["unitPrice"]) == Decimal("10.00")

    # when: they add 55 more (60 in all)
    add_lines(user_api_client, checkout_id, [(variant, 55)])

    # then: the 50-unit break price shows on the line and in the total
    checkout = get_checkout(user_api_client, checkout_id)
    (line,) = checkout["lines"]
    assert line["quantity"] == 60
    assert amount(line["unitPrice"]) == Decimal("8.50")
    assert amount(line["totalPrice"]) == Decimal("510.00")
    assert amount(checkout["subtotalPrice"]) == Decimal("510.00")
    assert amount(checkout["totalPrice"]) == Decimal("510.00")


def test_break_price_follows_quantity_down_and_away(
    loyalty_plugin, user_api_client, b2b_customer, b2b_price_list, product, channel_USD
):
    variant = product.variants.first()
    checkout_id = create_checkout(user_api_client, [(variant, 60)], email=b2b_customer.email)
    line_id = get_checkout(user_api_client, checkout_id)["lines"][0]["id"]

    update_line(user_api_client, checkout_id, line_id, 12)
    assert amount(get_checkout(user_api_client, checkout_id)["lines"][0]["unitPrice"]) == Decimal("9.50")

    update_line(user_api_client, checkout_id, line_id, 3)
    checkout = get_checkout(user_api_client, checkout_id)
    assert amount(checkout["lines"][0]["unitPrice"]) == Decimal("10.00")
    assert amount(checkout["totalPrice"]) == Decimal("30.00")


def test_customer_of_another_type_pays_list_price(loyalty_plugin, user_api_client, customer_user, b2b_price_list,
                                                  product, channel_USD):
    variant = product.variants.first()
    checkout_id = create_checkout(user_api_client, [(variant, 60)], email=customer_user.email)
    assert amount(get_checkout(user_api_client, checkout_id)["lines"][0]["unitPrice"]) == Decimal("10.00")


def test_order_line_keeps_the_override_reason(
    loyalty_plugin, user_api_client, b2b_customer, b2b_price_list, product, channel_USD
):
    from saleor.checkout.models import CheckoutLine

    variant = product.variants.first()
    create_checkout(user_api_client, [(variant, 60)], email=b2b_customer.email)
    line = CheckoutLine.objects.get(variant=variant)
    assert line.price_override == Decimal("8.50")
    assert line.price_override_reason.startswith("loyalty:tier-price:")
