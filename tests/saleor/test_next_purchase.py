"""Next-purchase discounts inside Saleor: a paid order earns a code, the customer's next checkout
uses it as its voucher, the order spends it; anyone else's order with it is refused."""

from __future__ import annotations

from decimal import Decimal

import graphene
import pytest

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.models import CodeKind, CodeStatus, DiscountCode
from saleor_loyalty.services import next_purchase, rules

from .storefront import add_promo_code, amount, complete, create_checkout, get_checkout, pay, pay_and_complete, set_delivery


def token_of(checkout_id):
    return graphene.Node.from_global_id(checkout_id)[1]


@pytest.fixture
def earned_code(loyalty_plugin, user_api_client, customer_user, product, shipping_method, channel_USD):
    """A "10 % off the next order" rule; the customer's paid order of 2 x 10.00 USD earns the code."""
    rules.create_next_purchase_rule(
        {"name": "Come back", "min_amount": "15", "currency": "USD", "discount_kind": "percent",
         "discount_value": "10", "valid_days": 14}
    )
    checkout_id = create_checkout(user_api_client, [(product.variants.first(), 2)], email=customer_user.email)
    set_delivery(user_api_client, checkout_id)
    pay_and_complete(user_api_client, checkout_id)
    return DiscountCode.objects.get(kind=CodeKind.NEXT_PURCHASE, user_id=customer_user.pk)


def test_the_next_order_uses_the_code_once(earned_code, user_api_client, customer_user, product):
    # given: the customer's next checkout, 5 x 10.00 USD + 10.00 shipping, with the code applied
    checkout_id = create_checkout(user_api_client, [(product.variants.first(), 5)], email=customer_user.email)
    set_delivery(user_api_client, checkout_id)
    applied = next_purchase.apply_next_purchase_discount(
        token_of(checkout_id), earned_code.code, user_id=customer_user.pk, config=ProgramConfig()
    )
    checkout = get_checkout(user_api_client, checkout_id)
    assert (applied.amount, checkout["voucherCode"]) == (Decimal("5.00"), earned_code.code)
    assert amount(checkout["totalPrice"]) == Decimal("55.00")  # 50 goods + 10 shipping - 5

    # when
    order = pay_and_complete(user_api_client, checkout_id)

    # then: the order paid the discounted total and used the code up
    assert amount(order["total"]) == Decimal("55.00")
    earned_code.refresh_from_db()
    assert earned_code.status == CodeStatus.USED


def test_another_customers_order_with_the_code_is_refused(
    earned_code, user_api_client, customer_user, api_client, product, shipping_method, channel_USD
):
    # given: the customer applied the code (so Saleor has a voucher with it) ...
    own_checkout = create_checkout(user_api_client, [(product.variants.first(), 1)], email=customer_user.email)
    next_purchase.apply_next_purchase_discount(
        token_of(own_checkout), earned_code.code, user_id=customer_user.pk, config=ProgramConfig()
    )
    # ... and a guest who learned it puts it on their checkout through Saleor's own API
    checkout_id = create_checkout(api_client, [(product.variants.first(), 5)], email="thief@example.com")
    set_delivery(api_client, checkout_id)
    add_promo_code(api_client, checkout_id, earned_code.code)
    assert get_checkout(api_client, checkout_id)["voucherCode"] == earned_code.code

    # when
    pay(api_client, checkout_id)
    result = complete(api_client, checkout_id)

    # then: preprocess_order_creation refuses the order; the code stays the customer's
    assert result["order"] is None
    assert result["errors"][0]["field"] == "voucherCode"
    assert "another customer" in result["errors"][0]["message"]
    earned_code.refresh_from_db()
    assert earned_code.status == CodeStatus.ACTIVE
