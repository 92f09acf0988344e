"""loyaltyQuote: prices with reasons, points, redeemable points and hints, for the checkout's owner only."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest

from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.services import points, rules
from tests.services.fakes import FakeShop

from .client import ApiClient, error_codes, get_graphql_content, get_graphql_errors

pytestmark = pytest.mark.django_db

QUOTE_QUERY = """
query ($checkoutId: ID!) {
  loyaltyQuote(checkoutId: $checkoutId) {
    checkoutId currency baseSubtotal subtotal tierPriceDiscount goodsPaid
    lines { lineId variantId quantity baseUnitPrice unitPrice total
            reason { priceListId priceListName minQuantity code }
            nextBreak { minQuantity missingQuantity unitPrice priceListId } }
    giftLines { variantId quantity giftRuleId reason }
    pointsEarned earnBreakdown { earnRuleId code points }
    maxRedeemablePoints maxRedeemableValue
    nextGift { giftRuleId variantId threshold amountMissing }
    nextTier { nextTier { name } metric have need missing }
  }
}
"""

TOKEN = str(uuid.UUID(int=1))


def checkout_gid(token: str = TOKEN) -> str:
    return to_global_id("Checkout", token)


@pytest.fixture
def volume_list() -> Any:
    """Everyone: variant 1 costs 9.00 from 10 units and 8.00 from 20."""
    price_list = rules.create_price_list({"name": "Volume", "currency": "EUR", "audience_kind": "everyone"})
    rules.create_price_list_entry(
        price_list.pk,
        {"target_kind": "variant", "target_id": 1,
         "breaks": [{"min_quantity": 10, "fixed_price": "9"}, {"min_quantity": 20, "fixed_price": "8"}]},
    )
    return price_list


def quote(client: ApiClient, token: str = TOKEN) -> dict[str, Any]:
    return get_graphql_content(client.post_graphql(QUOTE_QUERY, {"checkoutId": checkout_gid(token)}))["data"]["loyaltyQuote"]  # type: ignore[no-any-return]


def test_owner_sees_prices_points_and_hints(shop: FakeShop, shopper: Any, staff_user: Any, volume_list: Any) -> None:
    # given: 12 units at the 10-unit break, a gift at 150, a silver tier at 500 spent, 3,000 points
    gift = rules.create_gift_rule({"name": "Mug", "threshold": "150", "currency": "EUR", "variant_id": 99, "audience_kind": "everyone"})
    rules.create_tier({"name": "Silver", "slug": "silver", "rank": 1, "metric": "spend", "threshold": "500"})
    points.adjust_points(points.Owner.customer(shopper.pk), 3000, reason="welcome", staff_user_id=staff_user.pk)
    shop.add_variant(1, "10.00")
    shop.add_checkout(TOKEN, [(1, 12)], user=shopper)

    # when
    result = quote(ApiClient(shopper))

    # then
    list_id = to_global_id("LoyaltyPriceList", volume_list.pk)
    assert result["checkoutId"] == checkout_gid()
    assert (result["baseSubtotal"], result["subtotal"], result["tierPriceDiscount"]) == ("120.00", "108.00", "12.00")
    [line] = result["lines"]
    assert (line["variantId"], line["quantity"], line["unitPrice"], line["total"]) == (
        to_global_id("ProductVariant", 1), 12, "9.00", "108.00",
    )
    assert line["reason"] == {
        "priceListId": list_id, "priceListName": "Volume", "minQuantity": 10,
        "code": f"tier-price:list={volume_list.pk};break=10",
    }
    assert line["nextBreak"] == {"minQuantity": 20, "missingQuantity": 8, "unitPrice": "8.00", "priceListId": list_id}
    assert result["pointsEarned"] == 108
    assert sum(part["points"] for part in result["earnBreakdown"]) == 108
    # at most half the goods (54.00) at 0.01 a point, and the customer has 3,000
    assert (result["maxRedeemablePoints"], result["maxRedeemableValue"]) == (3000, "30.00")
    assert result["giftLines"] == []
    assert result["nextGift"] == {
        "giftRuleId": to_global_id("LoyaltyGiftRule", gift.pk), "variantId": to_global_id("ProductVariant", 99),
        "threshold": "150.00", "amountMissing": "42.00",
    }
    assert result["nextTier"]["nextTier"] == {"name": "Silver"}
    assert (result["nextTier"]["metric"], Decimal(result["nextTier"]["missing"])) == ("SPEND", Decimal(500))


def test_reaching_the_threshold_adds_the_gift(shop: FakeShop, shopper: Any) -> None:
    gift = rules.create_gift_rule({"name": "Mug", "threshold": "100", "currency": "EUR", "variant_id": 99, "audience_kind": "everyone"})
    shop.add_variant(1, "60.00")
    shop.add_checkout(TOKEN, [(1, 2)], user=shopper)

    result = quote(ApiClient(shopper))

    assert result["giftLines"] == [{
        "variantId": to_global_id("ProductVariant", 99), "quantity": 1,
        "giftRuleId": to_global_id("LoyaltyGiftRule", gift.pk), "reason": result["giftLines"][0]["reason"],
    }]
    assert result["giftLines"][0]["reason"].startswith(f"gift:rule={gift.pk}")
    assert result["nextGift"] is None


def test_a_guest_checkout_is_quoted_for_whoever_holds_its_token(shop: FakeShop) -> None:
    shop.add_variant(1, "10.00")
    shop.add_checkout(TOKEN, [(1, 1)])
    result = quote(ApiClient())
    assert (result["subtotal"], result["maxRedeemablePoints"]) == ("10.00", 0)


def test_staff_with_manage_users_may_read_a_customers_quote(shop: FakeShop, shopper: Any, staff_api_client: ApiClient) -> None:
    shop.add_variant(1, "10.00")
    shop.add_checkout(TOKEN, [(1, 3)], user=shopper)
    assert quote(staff_api_client)["subtotal"] == "30.00"


def test_another_customer_or_an_anonymous_caller_is_refused(shop: FakeShop, shopper: Any, other_customer: Any) -> None:
    shop.add_variant(1, "10.00")
    shop.add_checkout(TOKEN, [(1, 3)], user=shopper)
    for client in (ApiClient(other_customer), ApiClient()):
        errors = get_graphql_errors(client.post_graphql(QUOTE_QUERY, {"checkoutId": checkout_gid()}))
        assert error_codes(errors) == ["PermissionDenied"]


@pytest.mark.parametrize(
    ("checkout_id", "code"),
    [
        (to_global_id("Checkout", str(uuid.UUID(int=404))), "CHECKOUT_NOT_FOUND"),
        (to_global_id("Checkout", "not-a-uuid"), "GraphQLError"),
        (to_global_id("Order", TOKEN), "GraphQLError"),
        ("garbage", "GraphQLError"),
    ],
)
def test_unknown_or_malformed_checkout_ids_are_refused(shop: FakeShop, shopper: Any, checkout_id: str, code: str) -> None:
    errors = get_graphql_errors(ApiClient(shopper).post_graphql(QUOTE_QUERY, {"checkoutId": checkout_id}))
    assert error_codes(errors) == [code]
