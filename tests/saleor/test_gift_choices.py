"""Gift choices inside Saleor: the gift line follows the shopper's pick, leaves below the
threshold, and a gift out of stock in the channel is not offered."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client

from saleor_loyalty.services import rules

from .storefront import amount, create_checkout, get_checkout, update_line, variant_gid

LOYALTY_URL = "/plugins/global/saleor.loyalty/graphql/"
CHOOSE = """mutation($id: ID!, $rule: ID!, $variants: [ID!]!) {
  loyaltyGiftChoose(checkoutId: $id, ruleId: $rule, variantIds: $variants) {
    giftOffer { remainingPicks options { variantId isChosen } } errors { field code message } } }"""
OFFERS = """query($id: ID!) { loyaltyQuote(checkoutId: $id) {
  giftOffers { giftRuleId options { variantId name isGiven } } } }"""


def loyalty(user, query, variables):
    """What a storefront does: call the loyalty API with the shopper's Saleor token."""
    from saleor.core.jwt import create_access_token

    response = Client().post(LOYALTY_URL, json.dumps({"query": query, "variables": variables}),
                             content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {create_access_token(user)}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def gift_variants(checkout):
    """(variant id, quantity, unit price) of the checkout's loyalty gift lines."""
    return sorted(
        (line["variant"]["id"], line["quantity"], amount(line["unitPrice"]))
        for line in checkout["lines"] if any(item["key"] == "loyalty.gift_rule" for item in line["metadata"])
    )


@pytest.fixture
def choice_rule(db, gift_variant, product_list):
    """From 50.00 USD: the gift variant (default) or one of two other variants; one pick."""
    return rules.create_gift_rule({
        "name": "Pick a gift", "threshold": Decimal("50"), "currency": "USD", "variant_id": gift_variant.pk,
        "options": [{"variant_id": product_list[1].variants.first().pk},
                    {"variant_id": product_list[2].variants.first().pk}],
    })


def rule_gid(rule):
    import graphene

    return graphene.Node.to_global_id("LoyaltyGiftRule", rule.pk)


def test_the_gift_line_follows_the_pick_and_leaves_below_the_threshold(
    loyalty_plugin, user_api_client, customer_user, choice_rule, gift_variant, product_list, product, channel_USD
):
    # given: a 50.00 cart with the default gift
    picked = product_list[2].variants.first()
    checkout_id = create_checkout(user_api_client, [(product.variants.first(), 5)], email=customer_user.email)
    assert gift_variants(get_checkout(user_api_client, checkout_id)) == [(variant_gid(gift_variant), 1, Decimal(0))]

    # when: the shopper picks another gift
    result = loyalty(customer_user, CHOOSE, {"id": checkout_id, "rule": rule_gid(choice_rule),
                                             "variants": [variant_gid(picked)]})["loyaltyGiftChoose"]

    # then: the checkout's gift line is that variant, free
    assert result["errors"] == []
    assert result["giftOffer"]["remainingPicks"] == 0
    checkout = get_checkout(user_api_client, checkout_id)
    assert gift_variants(checkout) == [(variant_gid(picked), 1, Decimal(0))]
    assert amount(checkout["totalPrice"]) == Decimal("50.00")

    # when: the cart drops below the threshold, then comes back
    paid_line = next(line for line in checkout["lines"] if line["variant"]["id"] == variant_gid(product.variants.first()))
    update_line(user_api_client, checkout_id, paid_line["id"], 4)
    below = get_checkout(user_api_client, checkout_id)
    update_line(user_api_client, checkout_id, paid_line["id"], 5)
    back = get_checkout(user_api_client, checkout_id)

    # then: the gift line is removed, and the pick comes back with the cart
    assert gift_variants(below) == []
    assert amount(below["totalPrice"]) == Decimal("40.00")
    assert gift_variants(back) == [(variant_gid(picked), 1, Decimal(0))]


def test_a_gift_out_of_stock_in_the_channel_is_not_offered(
    loyalty_plugin, user_api_client, customer_user, choice_rule, gift_variant, product_list, product, channel_USD
):
    from saleor.warehouse.models import Stock

    # given: one option sold out (all its units allocated), the default has none left at all
    sold_out = product_list[1].variants.first()
    Stock.objects.filter(product_variant=sold_out).update(quantity=3, quantity_allocated=3)
    Stock.objects.filter(product_variant=gift_variant).delete()
    checkout_id = create_checkout(user_api_client, [(product.variants.first(), 5)], email=customer_user.email)

    # when
    offers = loyalty(customer_user, OFFERS, {"id": checkout_id})["loyaltyQuote"]["giftOffers"]
    refused = loyalty(customer_user, CHOOSE, {"id": checkout_id, "rule": rule_gid(choice_rule),
                                              "variants": [variant_gid(sold_out)]})["loyaltyGiftChoose"]

    # then: only the option in stock is offered, and given in place of the sold-out default
    in_stock = product_list[2].variants.first()
    assert [option["variantId"] for option in offers[0]["options"]] == [variant_gid(in_stock)]
    assert [(error["field"], error["code"]) for error in refused["errors"]] == [("variantIds", "OUT_OF_STOCK")]
    assert gift_variants(get_checkout(user_api_client, checkout_id)) == [(variant_gid(in_stock), 1, Decimal(0))]


def test_a_plain_gift_out_of_stock_is_not_added(
    loyalty_plugin, user_api_client, customer_user, gift_rule, gift_variant, product, channel_USD
):
    from saleor.warehouse.models import Stock

    Stock.objects.filter(product_variant=gift_variant).update(quantity=0)
    checkout_id = create_checkout(user_api_client, [(product.variants.first(), 5)], email=customer_user.email)
    assert gift_variants(get_checkout(user_api_client, checkout_id)) == []
