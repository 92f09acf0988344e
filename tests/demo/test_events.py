"""demo.events: the shop's order events reach the same services the Saleor plugin calls."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from saleor_loyalty.demo import events
from saleor_loyalty.demo.shop import DemoShop
from saleor_loyalty.models import OrderRecord
from saleor_loyalty.services import orders, points, redemption
from saleor_loyalty.shop import set_shop

pytestmark = pytest.mark.django_db
CONFIG = events.DEMO_CONFIG


@pytest.fixture
def shop() -> Iterator[DemoShop]:
    shop = DemoShop()
    set_shop(shop)
    yield shop
    set_shop(None)


def _balance(user: Any) -> tuple[int, int, int]:
    balance = points.get_balance(points.Owner.customer(user.pk))
    return balance.available, balance.pending, balance.held


def test_an_order_is_recorded_credited_once_and_matured(shop: DemoShop, customer: Any) -> None:
    events.customer_signed_up(shop, customer.pk, "c@example.com")
    token = shop.create_checkout(customer.pk, {"COF-ESP-1KG": 2, "ACC-FILTERS": 1})
    order = events.place_order(shop, token)
    record = OrderRecord.objects.get(order_id=order.order_id)
    assert (record.goods_total, record.user_id, record.checkout_token) == (Decimal("54.50"), customer.pk, token)
    assert [line["quantity"] for line in record.lines] == [2, 1]
    assert shop.fetch_checkout(token) is None and shop.customers[customer.pk].orders_count == 1
    first = events.order_paid(order)
    again = events.order_paid(order)
    # No rules: the program's 1 point per 1.00 paid for goods, pending for the return window.
    assert (first.points, first.created, again.created) == (54, True, False)
    assert _balance(customer) == (0, 54, 0)
    assert events.daily_tasks(now=timezone.now() + timedelta(days=CONFIG.pending_days - 1)) == 0
    assert events.daily_tasks(now=timezone.now() + timedelta(days=CONFIG.pending_days + 1)) == 1
    assert _balance(customer) == (54, 0, 0)


def test_redeemed_points_are_captured_and_come_back_on_cancel(shop: DemoShop, customer: Any, create_user: Any) -> None:
    staff = create_user(is_staff=True)
    events.customer_signed_up(shop, customer.pk, "c@example.com")
    points.adjust_points(points.Owner.customer(customer.pk), 1000, reason="gift", staff_user_id=staff.pk)
    token = shop.create_checkout(customer.pk, {"EQ-KETTLE": 1})
    redemption.redeem_points(token, user_id=customer.pk, points=500, config=CONFIG)
    order = events.place_order(shop, token)
    assert (order.goods_total, order.redeemed_points) == (Decimal("60.00"), 500)
    events.order_paid(order)
    assert _balance(customer) == (500, 60, 0)
    cancelled = events.order_cancelled(order)
    assert (cancelled.earned_points_reversed, cancelled.redeemed_points_returned) == (60, 500)
    assert _balance(customer) == (1000, 0, 0)
    assert orders.get_order(order.order_id).status == "cancelled"


def test_a_refund_takes_back_its_share_of_the_points(shop: DemoShop, customer: Any) -> None:
    events.customer_signed_up(shop, customer.pk, "c@example.com")
    order = events.place_order(shop, shop.create_checkout(customer.pk, {"EQ-GRINDER": 1}))
    events.order_paid(order)
    refunded = events.order_refunded(order, Decimal("74.50"))
    assert refunded.points_reversed == 74  # half of 149 points; the customer keeps the fraction
    assert _balance(customer) == (0, 75, 0)


def test_someone_elses_redemption_stops_the_order(
    shop: DemoShop, customer: Any, other_customer: Any, create_user: Any
) -> None:
    staff = create_user(is_staff=True)
    for user in (customer, other_customer):
        events.customer_signed_up(shop, user.pk, f"{user.pk}@example.com")
    points.adjust_points(points.Owner.customer(customer.pk), 1000, reason="gift", staff_user_id=staff.pk)
    mine = shop.create_checkout(customer.pk, {"EQ-KETTLE": 1})
    held = redemption.redeem_points(mine, user_id=customer.pk, points=500, config=CONFIG)
    theirs = shop.create_checkout(other_customer.pk, {"EQ-KETTLE": 1})
    shop.attach_discount(theirs, code=held.code, amount=Decimal("5.00"), currency="USD")
    with pytest.raises(events.OrderRefused):
        events.place_order(shop, theirs)
    assert shop.fetch_checkout(theirs) is not None
    assert not OrderRecord.objects.exists()


def test_signing_up_with_an_unknown_code_still_gives_the_bonus(shop: DemoShop, customer: Any) -> None:
    said = events.customer_signed_up(shop, customer.pk, "c@example.com", referral_code="NOPE")
    assert said.startswith("referral code NOPE refused (unknown_code); ")
    assert shop.fetch_customer(customer.pk) is not None


@pytest.fixture
def referral_program() -> Any:
    from saleor_loyalty.services import rules

    return rules.create_referral_program(
        {"discount_kind": "fixed", "discount_value": "10", "referrer_points": 200, "currency": "USD",
         "referee_min_spend": "30", "qualifying_min_amount": "30"}
    )


def test_the_referees_first_order_discount_is_paid_once(
    shop: DemoShop, customer: Any, other_customer: Any, referral_program: Any
) -> None:
    from saleor_loyalty.services import referrals

    events.customer_signed_up(shop, customer.pk, "ann@example.com")
    code = referrals.create_referral_code(customer.pk).code
    events.customer_signed_up(shop, other_customer.pk, "bob@example.com", referral_code=code)
    first = shop.create_checkout(other_customer.pk, {"COF-FLT-1KG": 2})

    discount = referrals.apply_referral_discount(first, user_id=other_customer.pk, config=CONFIG)
    order = events.place_order(shop, first)

    assert (discount.amount, order.goods_total) == (Decimal("10.00"), Decimal("34.00"))
    assert OrderRecord.objects.get(order_id=order.order_id).voucher_code == code
    # The same code on a second order: not the first any more, refused before the order.
    second = shop.create_checkout(other_customer.pk, {"COF-FLT-1KG": 2})
    shop.attach_discount(second, code=code, amount=Decimal("10.00"), currency="USD")
    with pytest.raises(events.OrderRefused):
        events.place_order(shop, second)
    assert OrderRecord.objects.count() == 1


def test_the_referrer_cannot_use_their_own_code(shop: DemoShop, customer: Any, referral_program: Any) -> None:
    from saleor_loyalty.services import referrals

    events.customer_signed_up(shop, customer.pk, "ann@example.com")
    code = referrals.create_referral_code(customer.pk).code
    token = shop.create_checkout(customer.pk, {"COF-FLT-1KG": 2})
    shop.attach_discount(token, code=code, amount=Decimal("10.00"), currency="USD")

    with pytest.raises(events.OrderRefused, match="own referral code"):
        events.place_order(shop, token)
    assert not OrderRecord.objects.exists()
