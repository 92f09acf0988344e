"""loyaltyTierPrices: each caller's price-break table, which list each row comes from, bad input
refused, and a constant number of queries however many variants are asked for."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.graphql.queries.tier_prices import MAX_VARIANTS
from saleor_loyalty.models import CompanyMember
from saleor_loyalty.services import rules
from tests.services.fakes import FakeShop

from .client import ApiClient, error_codes, get_graphql_content, get_graphql_errors

pytestmark = pytest.mark.django_db

PRICES_QUERY = """
query ($channel: String!, $variantIds: [ID!]!) {
  loyaltyTierPrices(channel: $channel, variantIds: $variantIds) {
    variantId sku name currency basePrice
    breaks { minQuantity unitPrice percentOff priceListId priceListName reason }
  }
}
"""

WHOLESALE = 7  # the Saleor customer type of trade buyers


def variant_gid(variant_id: int) -> str:
    return to_global_id("ProductVariant", variant_id)


@pytest.fixture
def wholesale_list() -> Any:
    """Trade buyers: variant 1 at 9.00 from 10 units and 15 % off from 50."""
    price_list = rules.create_price_list(
        {"name": "Trade", "currency": "EUR", "audience_kind": "customer_type", "customer_type_id": WHOLESALE}
    )
    rules.create_price_list_entry(
        price_list.pk,
        {"target_kind": "variant", "target_id": 1,
         "breaks": [{"min_quantity": 10, "fixed_price": "9.00"}, {"min_quantity": 50, "percent_off": "15"}]},
    )
    return price_list


@pytest.fixture
def prices(shop: FakeShop) -> Callable[..., list[dict[str, Any]]]:
    def prices(client: ApiClient, variant_ids: list[int], channel: str = "default") -> list[dict[str, Any]]:
        variables = {"channel": channel, "variantIds": [variant_gid(v) for v in variant_ids]}
        return get_graphql_content(client.post_graphql(PRICES_QUERY, variables))["data"]["loyaltyTierPrices"]  # type: ignore[no-any-return]

    return prices


def test_a_trade_buyer_sees_their_customer_types_breaks(
    shop: FakeShop, create_user: Any, wholesale_list: Any, prices: Any
) -> None:
    # given
    buyer = create_user()
    shop.add_customer(buyer, customer_type_id=WHOLESALE)
    shop.add_variant(1, "10.00", sku="BOLT-M8")

    # when
    [table] = prices(ApiClient(buyer), [1])

    # then
    list_id = to_global_id("LoyaltyPriceList", wholesale_list.pk)
    assert (table["variantId"], table["sku"], table["currency"], table["basePrice"]) == (variant_gid(1), "BOLT-M8", "EUR", "10.00")
    assert [(row["minQuantity"], Decimal(row["unitPrice"]), row["percentOff"], row["priceListId"], row["priceListName"]) for row in table["breaks"]] == [
        (1, Decimal("10.00"), "0.00", None, None),
        (10, Decimal("9.00"), "10.00", list_id, "Trade"),
        (50, Decimal("8.50"), "15.00", list_id, "Trade"),
    ]
    assert table["breaks"][1]["reason"] == f"tier-price:list={wholesale_list.pk};break=10"


def test_anonymous_and_retail_callers_see_the_base_price_only(
    shop: FakeShop, shopper: Any, wholesale_list: Any, prices: Any
) -> None:
    shop.add_variant(1, "10.00")
    for client in (ApiClient(), ApiClient(shopper)):
        [table] = prices(client, [1])
        assert [(row["minQuantity"], row["unitPrice"], row["priceListId"]) for row in table["breaks"]] == [(1, "10.00", None)]


def test_a_company_buyer_sees_the_company_contract(
    shop: FakeShop, create_user: Any, company: Any, prices: Any
) -> None:
    contract = rules.create_price_list(
        {"name": "Acme contract", "currency": "EUR", "audience_kind": "company", "company_id": company.pk}
    )
    rules.create_price_list_entry(
        contract.pk, {"target_kind": "variant", "target_id": 2, "breaks": [{"min_quantity": 5, "fixed_price": "4.00"}]}
    )
    buyer = create_user()
    CompanyMember.objects.create(company=company, user=buyer)
    shop.add_customer(buyer)
    shop.add_variant(2, "5.00")

    [table] = prices(ApiClient(buyer), [2])

    assert [(row["minQuantity"], row["unitPrice"], row["priceListName"]) for row in table["breaks"]] == [
        (1, "5.00", None), (5, "4.00", "Acme contract"),
    ]


def test_variants_outside_the_channel_are_left_out_in_the_order_asked(shop: FakeShop, prices: Any) -> None:
    shop.add_variant(3, "3.00")
    shop.add_variant(1, "1.00")
    shop.add_variant(2, "2.00", channel="other")
    assert [table["variantId"] for table in prices(ApiClient(), [3, 2, 1, 3])] == [variant_gid(3), variant_gid(1)]


@pytest.mark.parametrize(
    ("variant_ids", "message"),
    [
        (["not-an-id"], "Invalid ID"),
        ([to_global_id("User", 1)], "Expected: ProductVariant"),
        ([to_global_id("ProductVariant", "abc")], "Invalid ID"),
        ([variant_gid(1)] * (MAX_VARIANTS + 1), f"at most {MAX_VARIANTS} variants"),
    ],
)
def test_bad_variant_ids_are_refused(shop: FakeShop, variant_ids: list[str], message: str) -> None:
    response = ApiClient().post_graphql(PRICES_QUERY, {"channel": "default", "variantIds": variant_ids})
    errors = get_graphql_errors(response)
    assert message in errors[0]["message"]
    assert error_codes(errors)[0] in {"GraphQLError", "INVALID"}


def test_an_empty_list_costs_nothing(shop: FakeShop, prices: Any) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert prices(ApiClient(), []) == []
    assert len(queries) == 0


def test_fifty_variants_cost_the_same_queries_as_one(
    shop: FakeShop, create_user: Any, company: Any, wholesale_list: Any, prices: Any
) -> None:
    # given a company buyer of the trade type, and 50 variants each with its own trade entry
    buyer = create_user()
    CompanyMember.objects.create(company=company, user=buyer)
    shop.add_customer(buyer, customer_type_id=WHOLESALE)
    for variant_id in range(1, 51):
        shop.add_variant(variant_id, "10.00")
        if variant_id > 1:
            rules.create_price_list_entry(
                wholesale_list.pk,
                {"target_kind": "variant", "target_id": variant_id, "breaks": [{"min_quantity": 3, "fixed_price": "9.50"}]},
            )
    client = ApiClient(buyer)
    prices(client, [1])  # warm the compiled-rules cache, as any running shop has it

    # when
    with CaptureQueriesContext(connection) as one:
        [single] = prices(client, [1])
    with CaptureQueriesContext(connection) as fifty:
        tables = prices(client, list(range(1, 51)))

    # then
    assert len(tables) == 50 and all(len(table["breaks"]) >= 2 for table in tables)
    assert len(single["breaks"]) == 3
    assert len(fifty) == len(one), [query["sql"] for query in fifty]
