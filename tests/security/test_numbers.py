"""Findings 4 and 5 of issue 15: numbers the code cannot compute with, and numbers too large
for their columns, are field errors; a bad rule written around the API leaves the others working."""

from __future__ import annotations

import json
import logging
import uuid
from decimal import Decimal
from typing import Any

import pytest

from saleor_loyalty.engine import bounds
from saleor_loyalty.graphql.auth import LoyaltyPermission
from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.models import PriceBreak, Tier
from saleor_loyalty.services import rules
from tests.graphql.client import ApiClient, get_graphql_content
from tests.graphql.rules_support import rules_snapshot
from tests.services.fakes import FakeShop

pytestmark = pytest.mark.django_db

TIER_CREATE = """
mutation ($input: LoyaltyTierInput!) {
  loyaltyTierCreate(input: $input) { tier { id } errors { field code message } }
}
"""
ENTRY_CREATE = """
mutation ($id: ID!, $input: LoyaltyPriceListEntryInput!) {
  loyaltyPriceListEntryCreate(priceListId: $id, input: $input) { errors { field code message } }
}
"""
QUOTE = "query ($id: ID!) { loyaltyQuote(checkoutId: $id) { subtotal lines { unitPrice } nextTier { nextTier { name } } } }"
ACCOUNT = "{ loyaltyAccount { nextTier { name } tierProgress { metric windowDays need } } }"
TOKEN = str(uuid.UUID(int=7))
BASE_TIER = {"name": "Gold", "slug": "gold", "rank": 1, "metric": "SPEND", "threshold": "100"}


@pytest.fixture
def manager(create_user: Any, grant: Any) -> ApiClient:
    user = create_user(username="rules-manager", is_staff=True)
    grant(user, LoyaltyPermission.MANAGE_DISCOUNTS)
    return ApiClient(user)


def _errors(response: Any, name: str) -> list[dict[str, Any]]:
    content = json.loads(response.content)
    assert response.status_code == 200 and "errors" not in content, content
    return content["data"][name]["errors"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("windowDays", 2**31 - 1, "window_days: must be between 1 and 36500"),
        ("graceDays", 2**31 - 1, "grace_days: must be between 0 and 36500"),
        ("threshold", "1e20", "threshold: must be >= 0 and <= 1000000000000"),
        ("multiplier", "1e20", "multiplier: must be >= 0 and <= 10000"),
    ],
)
def test_tier_numbers_out_of_range_are_field_errors(manager: ApiClient, field: str, value: Any, message: str) -> None:
    # given
    before = rules_snapshot()

    # when
    errors = _errors(manager.post_graphql(TIER_CREATE, {"input": {**BASE_TIER, field: value}}), "loyaltyTierCreate")

    # then
    assert errors == [{"field": field, "code": "INVALID", "message": message}]
    assert rules_snapshot() == before


def test_the_largest_accepted_window_still_quotes(manager: ApiClient, shop: FakeShop, shopper: Any) -> None:
    """The bound is the range the code computes with: at the maximum, tier progress still works."""
    created = get_graphql_content(manager.post_graphql(
        TIER_CREATE, {"input": {**BASE_TIER, "windowDays": bounds.MAX_DAYS, "graceDays": bounds.MAX_DAYS}}
    ))["data"]["loyaltyTierCreate"]
    assert created["errors"] == []

    progress = get_graphql_content(ApiClient(shopper).post_graphql(ACCOUNT))["data"]["loyaltyAccount"]

    assert progress == {"nextTier": {"name": "Gold"}, "tierProgress": {"metric": "SPEND", "windowDays": 36500, "need": "100"}}


@pytest.mark.parametrize(
    ("price_break", "message"),
    [
        ({"minQuantity": 1, "fixedPrice": "1e308"}, "breaks[0].fixed_price: must be >= 0 and <= 1000000000000"),
        ({"minQuantity": 1, "fixedPrice": "-1e308"}, "breaks[0].fixed_price: must be >= 0 and <= 1000000000000"),
        ({"minQuantity": 2**31 - 1, "percentOff": "1e20"}, "breaks[0].percent_off: must be >= 0 and <= 100"),
    ],
)
def test_price_breaks_too_large_for_their_columns_are_field_errors(
    manager: ApiClient, price_break: dict[str, Any], message: str
) -> None:
    price_list = rules.create_price_list({"name": "Volume", "currency": "EUR"})
    before = rules_snapshot()

    errors = _errors(manager.post_graphql(ENTRY_CREATE, {
        "id": to_global_id("LoyaltyPriceList", price_list.pk), "input": {"targetKind": "ALL", "breaks": [price_break]},
    }), "loyaltyPriceListEntryCreate")

    assert [(error["code"], error["message"]) for error in errors] == [("INVALID", message)]
    assert rules_snapshot() == before


def test_one_bad_rule_written_around_the_api_leaves_the_others_pricing(
    shop: FakeShop, shopper: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # given: a 10 % list and two tiers, then the rows broken with .update() (no validation)
    good_list = rules.create_price_list({"name": "Everyone", "currency": "EUR"})
    rules.create_price_list_entry(good_list.pk, {"target_kind": "all", "breaks": [{"min_quantity": 1, "percent_off": "10"}]})
    bad_list = rules.create_price_list({"name": "Broken", "currency": "EUR", "priority": 5})
    bad_entry = rules.create_price_list_entry(
        bad_list.pk, {"target_kind": "all", "breaks": [{"min_quantity": 1, "fixed_price": "1"}]}
    )
    silver = rules.create_tier({"name": "Silver", "slug": "silver", "rank": 1, "metric": "spend", "threshold": "50", "window_days": 30})
    rules.create_tier({"name": "Gold", "slug": "gold", "rank": 2, "metric": "spend", "threshold": "500"})
    Tier.objects.filter(pk=silver.pk).update(window_days=2**31 - 1)
    PriceBreak.objects.filter(entry=bad_entry).update(fixed_price=Decimal("99999999999999999"))
    rules.bump_rules_version()
    shop.add_variant(1, "10.00")
    shop.add_checkout(TOKEN, [(1, 2)], user=shopper)
    client = ApiClient(shopper)

    # when
    with caplog.at_level(logging.WARNING, logger="saleor_loyalty.rules"):
        quote = get_graphql_content(client.post_graphql(QUOTE, {"id": to_global_id("Checkout", TOKEN)}))
        account = get_graphql_content(client.post_graphql(ACCOUNT))

    # then: the broken tier and entry are left out, named in the log; the rest prices
    assert quote["data"]["loyaltyQuote"]["lines"] == [{"unitPrice": "9.00"}]
    assert quote["data"]["loyaltyQuote"]["subtotal"] == "18.00"
    assert account["data"]["loyaltyAccount"]["nextTier"] == {"name": "Gold"}
    messages = [record.getMessage() for record in caplog.records]
    assert any(f"tier {silver.pk} cannot be used" in message and "window_days" in message for message in messages)
    assert any(f"price list entry {bad_entry.pk} cannot be used" in message for message in messages)
