"""Paying with points: a single-use voucher owned by the customer, checked before the order."""

from __future__ import annotations

from decimal import Decimal

import graphene
import pytest

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.services import points, redemption

from .storefront import add_promo_code, amount, complete, pay, create_checkout, get_checkout, pay_and_complete, set_delivery


def token_of(checkout_id):
    return graphene.Node.from_global_id(checkout_id)[1]


@pytest.fixture
def rich_customer(customer_user):
    points.credit_bonus(points.Owner.customer(customer_user.pk), "test:gift", points=1000, reason="test")
    return customer_user


@pytest.fixture
def redeemed_checkout(loyalty_plugin, user_api_client, rich_customer, product, shipping_method, channel_USD):
    """5 x 10.00 USD with 500 points (5.00 USD) redeemed."""
    checkout_id = create_checkout(user_api_client, [(product.variants.first(), 5)], email=rich_customer.email)
    set_delivery(user_api_client, checkout_id)
    info = redemption.redeem_points(token_of(checkout_id), user_id=rich_customer.pk, points=500, config=ProgramConfig())
    return checkout_id, info


def test_redemption_lowers_the_total_and_is_captured_with_the_order(redeemed_checkout, user_api_client, rich_customer):
    from saleor.discount.models import VoucherCode

    checkout_id, info = redeemed_checkout
    checkout = get_checkout(user_api_client, checkout_id)
    assert checkout["voucherCode"] == info.code
    assert amount(checkout["totalPrice"]) == Decimal("55.00")  # 50 goods + 10 shipping - 5
    assert points.get_balance(points.Owner.customer(rich_customer.pk)).held == 500

    order = pay_and_complete(user_api_client, checkout_id)

    assert amount(order["total"]) == Decimal("55.00")
    balance = points.get_balance(points.Owner.customer(rich_customer.pk))
    assert (balance.available, balance.held) == (500, 0)
    assert VoucherCode.objects.get(code=info.code).is_active is False  # single use


def test_another_customer_cannot_use_the_points_voucher(
    redeemed_checkout, api_client, product, shipping_method, channel_USD
):
    _, info = redeemed_checkout
    # given: a guest who learned the code
    checkout_id = create_checkout(api_client, [(product.variants.first(), 5)], email="thief@example.com")
    set_delivery(api_client, checkout_id)
    add_promo_code(api_client, checkout_id, info.code)
    assert get_checkout(api_client, checkout_id)["voucherCode"] == info.code

    # when: they pay and complete
    pay(api_client, checkout_id)
    result = complete(api_client, checkout_id)

    # then: preprocess_order_creation refuses the order
    assert result["order"] is None
    assert result["errors"][0]["field"] == "voucherCode"
    assert "another customer" in result["errors"][0]["message"]


def test_order_is_refused_when_the_hold_is_gone(redeemed_checkout, user_api_client):
    checkout_id, _ = redeemed_checkout
    points.release_hold_for_checkout(token_of(checkout_id), reason="expired")

    pay(user_api_client, checkout_id)
    result = complete(user_api_client, checkout_id)

    assert result["order"] is None
    assert "no longer held" in result["errors"][0]["message"]


def test_cancelling_the_redemption_removes_the_voucher(redeemed_checkout, user_api_client, rich_customer):
    checkout_id, _ = redeemed_checkout
    redemption.cancel_redemption(token_of(checkout_id), user_id=rich_customer.pk)

    checkout = get_checkout(user_api_client, checkout_id)
    assert checkout["voucherCode"] is None
    assert amount(checkout["totalPrice"]) == Decimal("60.00")
    assert points.get_balance(points.Owner.customer(rich_customer.pk)).available == 1000
