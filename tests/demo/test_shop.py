"""DemoShop: the demo's in-memory shop behind the Shop port (no database needed)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saleor_loyalty.demo.shop import CHANNEL, CURRENCY, WHOLESALE, DemoShop
from saleor_loyalty.exceptions import CheckoutNotFound, InvalidInput
from saleor_loyalty.shop import Shop


@pytest.fixture
def shop() -> DemoShop:
    shop = DemoShop()
    shop.register_customer(1, "alice@example.com")
    return shop


def test_implements_the_shop_port(shop: DemoShop) -> None:
    assert isinstance(shop, Shop)


def test_checkout_lines_carry_the_catalogue_facts(shop: DemoShop) -> None:
    token = shop.create_checkout(1, {"EQ-GRINDER": 1, "COF-ESP-1KG": 3})
    view = shop.fetch_checkout(token)
    assert view is not None
    assert (view.user_id, view.email, view.voucher_code) == (1, "alice@example.com", None)
    assert (view.cart.channel, view.cart.currency, view.cart.order_discount) == (CHANNEL, CURRENCY, Decimal("0"))
    lines = [(line.variant_id, line.product_id, line.category_ids, line.sku, line.quantity, line.base_unit_price)
             for line in view.cart.lines]
    assert lines == [
        (202, 22, (2,), "EQ-GRINDER", 1, Decimal("149.00")),
        (101, 11, (1,), "COF-ESP-1KG", 3, Decimal("24.00")),
    ]
    assert len({line.line_id for line in view.cart.lines}) == 2


def test_quantities_change_and_zero_removes_a_line(shop: DemoShop) -> None:
    token = shop.create_checkout(1, {"EQ-KETTLE": 1, "ACC-MUG": 2})
    shop.set_lines(token, {"EQ-KETTLE": 0, "ACC-MUG": 5})
    view = shop.fetch_checkout(token)
    assert view is not None and [(line.sku, line.quantity) for line in view.cart.lines] == [("ACC-MUG", 5)]


@pytest.mark.parametrize("lines", [{"ACC-MUG": 1, "NO-SUCH-SKU": 1}, {"ACC-MUG": 1, "EQ-KETTLE": -1}, {"ACC-MUG": 1.5}])
def test_bad_lines_are_refused_and_change_nothing(shop: DemoShop, lines: dict[str, int]) -> None:
    token = shop.create_checkout(1, {"EQ-KETTLE": 2})
    with pytest.raises(InvalidInput):
        shop.set_lines(token, lines)
    view = shop.fetch_checkout(token)
    assert view is not None and [(line.sku, line.quantity) for line in view.cart.lines] == [("EQ-KETTLE", 2)]


def test_checkouts_belong_to_known_customers(shop: DemoShop) -> None:
    with pytest.raises(InvalidInput, match="no customer 99"):
        shop.create_checkout(99, {"ACC-MUG": 1})
    assert shop.checkouts == {}


def test_discounts_attach_and_detach_by_code(shop: DemoShop) -> None:
    token = shop.create_checkout(1, {"EQ-KETTLE": 1})
    shop.attach_discount(token, code="LOYALTY-A", amount=Decimal("8.00"), currency=CURRENCY)
    view = shop.fetch_checkout(token)
    assert view is not None and (view.voucher_code, view.cart.order_discount) == ("LOYALTY-A", Decimal("8.00"))
    shop.detach_discount(token, "SOMEONE-ELSES")  # another code: no error, nothing removed
    assert shop.checkouts[token].voucher == ("LOYALTY-A", Decimal("8.00"))
    shop.detach_discount(token, "LOYALTY-A")
    shop.detach_discount("no-such-checkout", "LOYALTY-A")
    assert shop.checkouts[token].voucher is None
    with pytest.raises(InvalidInput, match="USD, not EUR"):
        shop.attach_discount(token, code="X", amount=Decimal("1"), currency="EUR")
    with pytest.raises(CheckoutNotFound):
        shop.attach_discount("no-such-checkout", code="X", amount=Decimal("1"), currency=CURRENCY)
    assert shop.checkouts[token].voucher is None


def test_variants_by_channel_id_and_sku(shop: DemoShop) -> None:
    found = shop.fetch_variants(CHANNEL, [101, 302, 999])
    assert sorted(found) == [101, 302]
    assert (found[302].sku, found[302].base_price, found[302].currency) == ("ACC-MUG", Decimal("12.00"), "USD")
    assert shop.fetch_variants("other-channel", [101]) == {}
    assert shop.fetch_variant_ids_by_sku(["ACC-MUG", "NOPE"]) == {"ACC-MUG": 302}


def test_customers_and_their_order_count(shop: DemoShop) -> None:
    wes = shop.register_customer(2, "wes@example.com", customer_type_id=WHOLESALE)
    assert wes.customer_type_id == WHOLESALE and wes.orders_count == 0
    with pytest.raises(InvalidInput, match="no customer type 8"):
        shop.register_customer(3, "x@example.com", customer_type_id=8)
    assert shop.fetch_customer(3) is None
    token = shop.create_checkout(2, {"COF-ESP-1KG": 30})
    shop.complete_checkout(token)
    assert shop.fetch_checkout(token) is None
    customer = shop.fetch_customer(2)
    assert customer is not None and customer.orders_count == 1 and customer.date_joined == wes.date_joined


def test_issued_vouchers_are_issued_once_and_spent_once(shop: DemoShop) -> None:
    shop.issue_voucher("REBATE-1", amount=Decimal("20.00"), currency=CURRENCY, name="Volume rebate", company_id=7)
    shop.issue_voucher("REBATE-1", amount=Decimal("99.00"), currency=CURRENCY, name="Volume rebate", company_id=7)
    with pytest.raises(InvalidInput, match="USD, not EUR"):
        shop.issue_voucher("REBATE-2", amount=Decimal("1"), currency="EUR", name="x", company_id=7)
    assert shop.issued_vouchers == {"REBATE-1": (Decimal("20.00"), 7)}

    token = shop.create_checkout(1, {"EQ-KETTLE": 1})
    shop.redeem_issued_voucher(token, "REBATE-1")
    assert shop.checkouts[token].voucher == ("REBATE-1", Decimal("20.00"))
    shop.complete_checkout(token)

    again = shop.create_checkout(1, {"EQ-KETTLE": 1})
    with pytest.raises(InvalidInput, match="no usable voucher"):
        shop.redeem_issued_voucher(again, "REBATE-1")
    with pytest.raises(InvalidInput, match="no usable voucher"):
        shop.redeem_issued_voucher(again, "NOPE")
    assert shop.checkouts[again].voucher is None
