"""What an order records for the program's cost: list price, price sold at, our gift lines."""

from __future__ import annotations

from decimal import Decimal

import graphene

from saleor_loyalty.models import OrderRecord

from .storefront import create_checkout, pay_and_complete, set_delivery


def recorded_lines(order):
    record = OrderRecord.objects.get(order_id=graphene.Node.from_global_id(order["id"])[1])
    return sorted(record.lines, key=lambda line: line["variant_id"])


def test_tier_priced_line_records_list_and_sold_price(
    loyalty_plugin, user_api_client, b2b_customer, b2b_price_list, product, shipping_method, channel_USD
):
    variant = product.variants.first()
    checkout_id = create_checkout(user_api_client, [(variant, 60)], email=b2b_customer.email)
    set_delivery(user_api_client, checkout_id)

    order = pay_and_complete(user_api_client, checkout_id)

    (line,) = recorded_lines(order)
    assert line["variant_id"] == variant.pk
    assert Decimal(line["base_unit_price"]) == Decimal("10.00")
    assert Decimal(line["unit_price"]) == Decimal("8.50")
    assert line["is_gift"] is False


def test_gift_line_is_recorded_as_a_gift_at_zero(
    loyalty_plugin, user_api_client, customer_user, gift_rule, gift_variant, product, shipping_method, channel_USD
):
    checkout_id = create_checkout(user_api_client, [(product.variants.first(), 5)], email=customer_user.email)
    set_delivery(user_api_client, checkout_id)

    order = pay_and_complete(user_api_client, checkout_id)

    by_variant = {line["variant_id"]: line for line in recorded_lines(order)}
    gift, paid = by_variant[gift_variant.pk], by_variant[product.variants.first().pk]
    assert gift["is_gift"] is True
    assert Decimal(gift["unit_price"]) == Decimal("0")
    assert Decimal(gift["base_unit_price"]) == gift_variant.channel_listings.get().price_amount
    assert paid["is_gift"] is False
    assert Decimal(paid["unit_price"]) == Decimal(paid["base_unit_price"]) == Decimal("10.00")
