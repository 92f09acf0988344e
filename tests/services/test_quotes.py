"""quote_checkout and get_tier_prices: loaded through the shop port, decided by the engine."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.exceptions import CheckoutNotFound, ShopNotConfigured
from saleor_loyalty.models import CompanyMember
from saleor_loyalty.services import points, quotes, rules

from .fakes import FakeShop

pytestmark = pytest.mark.django_db


@pytest.fixture
def volume_list(company: Any) -> Any:
    """A company price list: variant 1 costs 9.00 from 10 units and 8.00 from 50."""
    price_list = rules.create_price_list(
        {"name": "Acme contract", "currency": "EUR", "audience_kind": "company", "company_id": company.pk}
    )
    rules.create_price_list_entry(
        price_list.pk,
        {"target_kind": "variant", "target_id": 1, "breaks": [{"min_quantity": 10, "fixed_price": "9"}, {"min_quantity": 50, "fixed_price": "8"}]},
    )
    return price_list


def test_quote_for_a_company_buyer_applies_the_contract_price(
    shop: FakeShop, shopper: Any, company: Any, volume_list: Any, config: ProgramConfig, now: datetime
):
    # given
    CompanyMember.objects.create(company=company, user=shopper)
    shop.add_variant(1, "10.00")
    shop.add_checkout("tok", [(1, 12)], user=shopper)

    # when
    quote = quotes.quote_checkout("tok", config=config, now=now)

    # then
    line = quote.lines[0]
    assert (line.unit_price, line.total) == (Decimal("9"), Decimal("108"))
    assert line.reason is not None and line.reason.rule_id == volume_list.pk
    assert line.next_break is not None and line.next_break.missing_quantity == 38
    assert quote.earn.points == 108


def test_anonymous_checkout_gets_only_everyone_prices(shop: FakeShop, volume_list: Any, config: ProgramConfig, now: datetime):
    shop.add_variant(1, "10.00")
    shop.add_checkout("anon", [(1, 12)])
    quote = quotes.quote_checkout("anon", config=config, now=now)
    assert quote.lines[0].unit_price == Decimal("10.00")
    assert quote.max_redeemable_points == 0


def test_quote_limits_redemption_to_the_balance(shop: FakeShop, shopper: Any, config: ProgramConfig, now: datetime):
    shop.add_variant(1, "100.00")
    shop.add_checkout("tok", [(1, 1)], user=shopper)
    points.credit_bonus(points.Owner.customer(shopper.pk), "welcome", points=700, reason="test", now=now)
    quote = quotes.quote_checkout("tok", config=config, now=now)
    assert quote.max_redeemable_points == 700


def test_unknown_checkout_and_missing_shop_are_clear_errors(shop: FakeShop, config: ProgramConfig):
    with pytest.raises(CheckoutNotFound):
        quotes.quote_checkout("nope", config=config)
    from saleor_loyalty import shop as shop_port

    shop_port.set_shop(None)
    with pytest.raises(ShopNotConfigured, match="set_shop"):
        quotes.quote_checkout("nope", config=config)


def _count_quote_queries(shop: FakeShop, shopper: Any, lines: int, config: ProgramConfig, now: datetime) -> int:
    for variant_id in range(1, lines + 1):
        shop.add_variant(variant_id, "5.00", category_ids=[variant_id % 3])
    token = f"tok-{lines}"
    shop.add_checkout(token, [(variant_id, 2) for variant_id in range(1, lines + 1)], user=shopper)
    quotes.quote_checkout(token, config=config, now=now)  # warm the compiled-rules cache
    with CaptureQueriesContext(connection) as captured:
        quote = quotes.quote_checkout(token, config=config, now=now)
    assert len(quote.lines) == lines
    return len(captured)


def test_quote_queries_do_not_grow_with_lines(
    shop: FakeShop, shopper: Any, company: Any, volume_list: Any, config: ProgramConfig, now: datetime
):
    # given: rules of every kind, including a tier the customer is measured against
    CompanyMember.objects.create(company=company, user=shopper)
    rules.create_tier({"name": "Gold", "slug": "gold", "rank": 1, "metric": "spend", "threshold": "500", "window_days": 365})
    rules.create_earn_rule({"name": "Bolts x2", "kind": "product_bonus", "target_kind": "category", "target_id": 1, "multiplier": "2"})
    rules.create_gift_rule({"name": "Mug", "threshold": "50", "currency": "EUR", "variant_id": 999})

    # when / then
    assert _count_quote_queries(shop, shopper, 1, config, now) == _count_quote_queries(shop, shopper, 30, config, now)


def test_tier_prices_follow_the_buyer(
    shop: FakeShop, shopper: Any, company: Any, volume_list: Any, config: ProgramConfig, now: datetime
):
    # given
    shop.add_variant(1, "10.00")
    shop.add_variant(2, "4.00")

    # when
    anonymous = quotes.get_tier_prices("default", [1, 2, 404], user_id=None, config=config, now=now)
    CompanyMember.objects.create(company=company, user=shopper)
    member = quotes.get_tier_prices("default", [2, 1], user_id=shopper.pk, config=config, now=now)

    # then
    assert [table.variant_id for table in anonymous] == [1, 2]
    assert [row.min_quantity for row in anonymous[0].rows] == [1]
    assert [table.variant_id for table in member] == [2, 1]
    assert [(row.min_quantity, row.unit_price) for row in member[1].rows] == [
        (1, Decimal("10.00")), (10, Decimal("9")), (50, Decimal("8"))
    ]
