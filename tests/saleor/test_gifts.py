"""Free products: a gift line at price 0 while the cart qualifies, kept apart from paid units."""

from __future__ import annotations

from decimal import Decimal

from .storefront import add_lines, amount, create_checkout, get_checkout, update_line


def gift_lines(checkout):
    return [line for line in checkout["lines"] if {"key": "loyalty.gift_rule", "value": line_rule(line)} in line["metadata"]]


def line_rule(line):
    return next((item["value"] for item in line["metadata"] if item["key"] == "loyalty.gift_rule"), None)


def test_cart_crossing_the_threshold_gets_the_gift_and_loses_it_below(
    loyalty_plugin, user_api_client, customer_user, gift_rule, gift_variant, product, channel_USD
):
    variant = product.variants.first()
    checkout_id = create_checkout(user_api_client, [(variant, 4)], email=customer_user.email)
    assert gift_lines(get_checkout(user_api_client, checkout_id)) == []

    # when: the cart reaches 50.00
    paid_line_id = get_checkout(user_api_client, checkout_id)["lines"][0]["id"]
    update_line(user_api_client, checkout_id, paid_line_id, 5)

    # then: the gift is there, free, and the total is the paid goods only
    checkout = get_checkout(user_api_client, checkout_id)
    (gift,) = gift_lines(checkout)
    assert gift["quantity"] == 1
    assert amount(gift["unitPrice"]) == Decimal("0")
    assert amount(checkout["totalPrice"]) == Decimal("50.00")

    # when: the cart drops below the threshold
    update_line(user_api_client, checkout_id, paid_line_id, 4)

    # then: the gift is gone
    checkout = get_checkout(user_api_client, checkout_id)
    assert gift_lines(checkout) == []
    assert amount(checkout["totalPrice"]) == Decimal("40.00")


def test_buyer_of_the_gift_variant_pays_for_the_paid_units(
    loyalty_plugin, user_api_client, customer_user, gift_rule, gift_variant, product, channel_USD
):
    from saleor.checkout.models import CheckoutLine

    checkout_id = create_checkout(user_api_client, [(product.variants.first(), 5)], email=customer_user.email)
    assert len(gift_lines(get_checkout(user_api_client, checkout_id))) == 1

    # when: the buyer adds 2 of the gift variant (Saleor merges them into the gift line)
    add_lines(user_api_client, checkout_id, [(gift_variant, 2)])

    # then: the gift line keeps 1 free unit and the 2 bought units are a separate paid line
    lines = CheckoutLine.objects.filter(variant=gift_variant).order_by("price_override")
    assert sorted((line.quantity, line.price_override) for line in lines) == [(1, Decimal("0.000")), (2, None)]
    listing_price = gift_variant.channel_listings.get().price_amount
    checkout = get_checkout(user_api_client, checkout_id)
    assert amount(checkout["totalPrice"]) == Decimal("50.00") + 2 * listing_price


def test_gift_line_stays_at_its_quantity_and_extra_units_are_paid(
    loyalty_plugin, user_api_client, customer_user, gift_rule, gift_variant, product, channel_USD
):
    checkout_id = create_checkout(user_api_client, [(product.variants.first(), 5)], email=customer_user.email)
    (gift,) = gift_lines(get_checkout(user_api_client, checkout_id))

    update_line(user_api_client, checkout_id, gift["id"], 3)

    checkout = get_checkout(user_api_client, checkout_id)
    gifts = gift_lines(checkout)
    assert [(line["quantity"], amount(line["unitPrice"])) for line in gifts] == [(1, Decimal("0"))]
