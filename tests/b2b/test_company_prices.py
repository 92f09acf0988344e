"""Company prices through the quote service: a contract price list reaches every member, and a
company tier's price list reaches its members once the company holds the tier."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from saleor_loyalty import shop as shop_port
from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.exceptions import CompanyNotFound, InvalidInput
from saleor_loyalty.models import PriceList
from saleor_loyalty.services.b2b import companies, company_tiers
from saleor_loyalty.services import quotes, rules
from saleor_loyalty.services.b2b.company_prices import create_contract_price_list, list_contract_price_lists
from tests.services.fakes import FakeShop

pytestmark = pytest.mark.django_db

CONTRACT_CSV = "sku,min_quantity,fixed_price,percent_off\nBOLT-M8,1,0.40,\nBOLT-M8,100,0.32,\n"


@pytest.fixture(autouse=True)
def _fresh_rule_cache() -> Iterator[None]:
    rules.forget_compiled_rules()
    yield
    rules.forget_compiled_rules()


@pytest.fixture
def shop() -> Iterator[FakeShop]:
    fake = FakeShop()
    fake.add_variant(1, "0.50", sku="BOLT-M8")
    shop_port.set_shop(fake)
    yield fake
    shop_port.set_shop(None)


@pytest.fixture
def config() -> ProgramConfig:
    return ProgramConfig(pending_days=0)


def _resolve(skus: Any) -> dict[str, int]:
    return {"BOLT-M8": 1} if "BOLT-M8" in skus else {}


def _unit_price(shop: FakeShop, user: Any, quantity: int, config: ProgramConfig, now: datetime) -> Decimal:
    shop.add_customer(user)
    token = f"checkout-{user.pk}-{quantity}-{now.timestamp()}"
    shop.add_checkout(token, [(1, quantity)], user=user)
    return quotes.quote_checkout(token, config=config, now=now).lines[0].unit_price


def test_a_contract_price_list_applies_to_every_member_while_it_is_valid(
    shop: FakeShop, acme: companies.CompanyInfo, acme_admin: Any, acme_buyer: Any, add_member: Callable[..., Any],
    create_user: Callable[..., Any], config: ProgramConfig, now: datetime,
):
    # given a one-year contract imported from CSV, and a second buyer
    contract = create_contract_price_list(
        acme.company_id, name="Acme 2025", currency="EUR", valid_from=now - timedelta(days=1),
        valid_until=now + timedelta(days=365), csv_text=CONTRACT_CSV, resolve_sku=_resolve,
    )
    second_buyer = add_member(acme.company_id)

    # then every member gets the contract price and its quantity break; an outsider does not
    assert contract.imported is not None and contract.imported.breaks_written == 2
    for member in (acme_admin, acme_buyer, second_buyer):
        assert _unit_price(shop, member, 10, config, now) == Decimal("0.40")
    assert _unit_price(shop, acme_buyer, 100, config, now) == Decimal("0.32")
    assert _unit_price(shop, create_user(), 10, config, now) == Decimal("0.50")
    # and after the contract ends, the list price is back
    assert _unit_price(shop, acme_buyer, 10, config, now + timedelta(days=366)) == Decimal("0.50")
    assert [row.pk for row in list_contract_price_lists(acme.company_id)] == [contract.price_list_id]


def test_a_bad_csv_creates_no_price_list(acme: companies.CompanyInfo, now: datetime):
    with pytest.raises(InvalidInput):
        create_contract_price_list(acme.company_id, name="Broken", currency="EUR", valid_from=now,
                                   csv_text="sku,min_quantity,fixed_price\nNOPE,1,1\n", resolve_sku=_resolve)
    with pytest.raises(CompanyNotFound):
        create_contract_price_list(999_999, name="Nobody", currency="EUR", valid_from=now)

    assert not PriceList.objects.exists()


def test_members_get_the_company_tier_price_once_the_company_crosses_the_tier(
    shop: FakeShop, acme: companies.CompanyInfo, acme_admin: Any, acme_buyer: Any, make_order: Callable[..., Any],
    config: ProgramConfig, now: datetime,
):
    # given a Gold tier whose members get 10% off every line
    gold = rules.create_tier({"name": "Gold", "slug": "gold", "rank": 1, "metric": "spend", "threshold": "10000",
                              "window_days": 365})
    gold_prices = rules.create_price_list(
        {"name": "Gold prices", "currency": "EUR", "audience_kind": "tier", "tier_id": gold.pk})
    rules.create_price_list_entry(gold_prices.pk, {"target_kind": "all", "breaks": [{"min_quantity": 1, "percent_off": "10"}]})
    assert _unit_price(shop, acme_buyer, 1, config, now) == Decimal("0.50")

    # when two buyers' orders together cross the threshold and the company is re-evaluated
    make_order(acme.company_id, "6000", user=acme_admin)
    make_order(acme.company_id, "4000", user=acme_buyer)
    company_tiers.evaluate_company_tier(acme.company_id, now=now)

    # then the next checkout of either buyer shows the tier price
    assert _unit_price(shop, acme_buyer, 1, config, now) == Decimal("0.45")
