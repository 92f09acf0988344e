"""loyaltyQuote.giftOffers and loyaltyGiftChoose: the shopper sees a rule's choice and picks."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.models import GiftChoice
from saleor_loyalty.services import rules
from tests.services.fakes import FakeShop

from .client import ApiClient, get_graphql_content, get_graphql_errors

pytestmark = pytest.mark.django_db

TOKEN = str(uuid.UUID(int=7))
OFFERS = """
query ($id: ID!) {
  loyaltyQuote(checkoutId: $id) {
    giftLines { variantId quantity giftRuleId }
    giftOffers { giftRuleId name choose remainingPicks isChoice ladder
                 options { variantId name quantity isDefault isChosen isGiven } }
  }
}
"""
CHOOSE = """
mutation ($id: ID!, $rule: ID!, $variants: [ID!]!) {
  loyaltyGiftChoose(checkoutId: $id, ruleId: $rule, variantIds: $variants) {
    giftOffer { giftRuleId remainingPicks options { variantId isChosen isGiven } }
    quote { giftLines { variantId quantity } }
    errors { field code message }
  }
}
"""


def vid(pk: int) -> str:
    return to_global_id("ProductVariant", pk)


@pytest.fixture
def choice_rule(shop: FakeShop) -> Any:
    """From 50.00 EUR: a mug (default), a cup or two pens; one pick."""
    shop.add_variant(1, "30.00")
    for pk in (501, 502, 503):
        shop.add_variant(pk, "5.00")
    return rules.create_gift_rule({
        "name": "Pick a gift", "threshold": "50", "currency": "EUR", "variant_id": 501,
        "options": [{"variant_id": 502}, {"variant_id": 503, "quantity": 2}], "ladder": "spring",
    })


def choose(client: ApiClient, rule: Any, variants: list[int], token: str = TOKEN) -> dict[str, Any]:
    variables = {"id": to_global_id("Checkout", token), "rule": to_global_id("LoyaltyGiftRule", rule.pk),
                 "variants": [vid(pk) for pk in variants]}
    return get_graphql_content(client.post_graphql(CHOOSE, variables))["data"]["loyaltyGiftChoose"]  # type: ignore[no-any-return]


def offers(client: ApiClient) -> dict[str, Any]:
    result = client.post_graphql(OFFERS, {"id": to_global_id("Checkout", TOKEN)})
    return get_graphql_content(result)["data"]["loyaltyQuote"]  # type: ignore[no-any-return]


def test_the_quote_lists_the_offer_and_a_pick_changes_the_gift(shop: FakeShop, shopper: Any, choice_rule: Any) -> None:
    # given: a 60.00 cart
    shop.add_checkout(TOKEN, [(1, 2)], user=shopper)
    client = ApiClient(shopper)

    # when
    before = offers(client)
    chosen = choose(client, choice_rule, [503])
    after = offers(client)

    # then
    rule_gid = to_global_id("LoyaltyGiftRule", choice_rule.pk)
    assert before["giftOffers"] == [{
        "giftRuleId": rule_gid, "name": "Pick a gift", "choose": 1, "remainingPicks": 1, "isChoice": True,
        "ladder": "spring", "options": [
            {"variantId": vid(501), "name": "Variant 501", "quantity": 1, "isDefault": True, "isChosen": False, "isGiven": True},
            {"variantId": vid(502), "name": "Variant 502", "quantity": 1, "isDefault": False, "isChosen": False, "isGiven": False},
            {"variantId": vid(503), "name": "Variant 503", "quantity": 2, "isDefault": False, "isChosen": False, "isGiven": False},
        ],
    }]
    assert chosen["errors"] == []
    assert chosen["giftOffer"]["remainingPicks"] == 0
    assert [o["variantId"] for o in chosen["giftOffer"]["options"] if o["isChosen"]] == [vid(503)]
    assert chosen["quote"]["giftLines"] == [{"variantId": vid(503), "quantity": 2}]
    assert after["giftLines"] == [{"variantId": vid(503), "quantity": 2, "giftRuleId": rule_gid}]
    assert ("refresh_gifts", TOKEN) in shop.calls


@pytest.mark.parametrize(
    ("variants", "code"),
    [([502, 503], "TOO_MANY"), ([1], "NOT_OFFERED"), ([502, 502], "DUPLICATE")],
)
def test_refusals_carry_a_code_and_change_nothing(
    shop: FakeShop, shopper: Any, choice_rule: Any, variants: list[int], code: str
) -> None:
    shop.add_checkout(TOKEN, [(1, 2)], user=shopper)
    result = choose(ApiClient(shopper), choice_rule, variants)
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("variantIds", code)]
    assert (result["giftOffer"], GiftChoice.objects.count()) == (None, 0)


def test_out_of_stock_and_below_threshold_are_refused(shop: FakeShop, shopper: Any, choice_rule: Any) -> None:
    shop.add_checkout(TOKEN, [(1, 2)], user=shopper)
    shop.stock[("default", 502)] = 0
    sold_out = choose(ApiClient(shopper), choice_rule, [502])
    shop.checkouts[TOKEN].lines = [(1, 1)]
    below = choose(ApiClient(shopper), choice_rule, [503])
    assert [e["code"] for e in sold_out["errors"]] == ["OUT_OF_STOCK"]
    assert [(e["field"], e["code"]) for e in below["errors"]] == [("ruleId", "NOT_APPLICABLE")]
    assert not GiftChoice.objects.exists()


def test_an_unknown_rule_is_refused(shop: FakeShop, shopper: Any, choice_rule: Any) -> None:
    shop.add_checkout(TOKEN, [(1, 2)], user=shopper)
    rules.delete_gift_rule(choice_rule.pk)
    result = choose(ApiClient(shopper), choice_rule, [502])
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("ruleId", "RULE_NOT_FOUND")]


def test_a_guest_checkout_is_the_token_holders(shop: FakeShop, choice_rule: Any) -> None:
    shop.add_checkout(TOKEN, [(1, 2)])
    result = choose(ApiClient(), choice_rule, [502])
    assert result["quote"]["giftLines"] == [{"variantId": vid(502), "quantity": 1}]


def test_another_customers_checkout_is_refused(shop: FakeShop, shopper: Any, choice_rule: Any, create_user: Any) -> None:
    shop.add_checkout(TOKEN, [(1, 2)], user=shopper)
    stranger = create_user(username="stranger")
    variables = {"id": to_global_id("Checkout", TOKEN), "rule": to_global_id("LoyaltyGiftRule", choice_rule.pk),
                 "variants": [vid(502)]}
    errors = get_graphql_errors(ApiClient(stranger).post_graphql(CHOOSE, variables))
    assert errors and "another customer" in errors[0]["message"]
    assert not GiftChoice.objects.exists()


def test_an_empty_pick_clears_it(shop: FakeShop, shopper: Any, choice_rule: Any) -> None:
    shop.add_checkout(TOKEN, [(1, 2)], user=shopper)
    choose(ApiClient(shopper), choice_rule, [502])
    cleared = choose(ApiClient(shopper), choice_rule, [])
    assert cleared["quote"]["giftLines"] == [{"variantId": vid(501), "quantity": 1}]
    assert not GiftChoice.objects.exists()


def test_staff_create_a_choice_rule_through_the_api(staff_user: Any, grant: Any) -> None:
    from saleor_loyalty.graphql.auth import LoyaltyPermission

    grant(staff_user, LoyaltyPermission.MANAGE_DISCOUNTS)
    mutation = """mutation ($input: LoyaltyGiftRuleInput!) { loyaltyGiftRuleCreate(input: $input) {
      giftRule { choose ladder options { variantId quantity isDefault } } errors { field code } } }"""
    created = get_graphql_content(ApiClient(staff_user).post_graphql(mutation, {"input": {
        "name": "Pick two", "threshold": "100", "currency": "EUR", "variantId": vid(601), "choose": 2,
        "ladder": "spring", "options": [{"variantId": vid(602), "isDefault": True}, {"variantId": vid(603), "quantity": 3}],
    }}))["data"]["loyaltyGiftRuleCreate"]
    assert created["errors"] == []
    assert created["giftRule"] == {"choose": 2, "ladder": "spring", "options": [
        {"variantId": vid(602), "quantity": 1, "isDefault": True}, {"variantId": vid(603), "quantity": 3, "isDefault": False},
    ]}
    refused = get_graphql_content(ApiClient(staff_user).post_graphql(mutation, {"input": {
        "name": "Bad", "threshold": "100", "currency": "EUR", "variantId": vid(601), "choose": 3,
        "options": [{"variantId": vid(602)}],
    }}))["data"]["loyaltyGiftRuleCreate"]
    assert [e["field"] for e in refused["errors"]] == ["choose"]
