"""Points redemption: ownership, limits, one hold per checkout, checks before the order, capture."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.exceptions import InvalidInput, RedemptionRefused
from saleor_loyalty.models import CodeStatus, DiscountCode, HoldStatus, PointHold
from saleor_loyalty.services import orders, points, quotes, redemption

from .fakes import FakeShop
from .helpers import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_shopper(shopper: Any, shop: FakeShop, now: datetime) -> Any:
    """A customer with 5,000 available points and a checkout of 100.00."""
    points.credit_bonus(points.Owner.customer(shopper.pk), "seed", points=5000, reason="test", now=now)
    shop.add_variant(1, "100.00")
    shop.add_checkout("tok", [(1, 1)], user=shopper)
    return shopper


def _balance(user: Any) -> points.Balance:
    return points.get_balance(points.Owner.customer(user.pk))


def test_redeem_holds_points_and_attaches_a_discount(shop: FakeShop, rich_shopper: Any, config: ProgramConfig, now: datetime):
    # when
    info = redemption.redeem_points("tok", user_id=rich_shopper.pk, points=2500, config=config, now=now)

    # then
    assert (info.points, info.amount, info.currency) == (2500, Decimal("25.00"), "EUR")
    assert info.code.startswith("LOYALTY-")
    assert shop.checkouts["tok"].voucher == (info.code, Decimal("25.00"))
    balance = _balance(rich_shopper)
    assert (balance.available, balance.held) == (2500, 2500)


def test_redeeming_again_replaces_the_hold_and_the_code(shop: FakeShop, rich_shopper: Any, config: ProgramConfig, now: datetime):
    first = redemption.redeem_points("tok", user_id=rich_shopper.pk, points=2500, config=config, now=now)
    second = redemption.redeem_points("tok", user_id=rich_shopper.pk, points=1000, config=config, now=now)
    assert second.code != first.code
    assert DiscountCode.objects.get(code=first.code).status == CodeStatus.CANCELLED
    assert shop.checkouts["tok"].voucher == (second.code, Decimal("10.00"))
    assert PointHold.objects.filter(checkout_token="tok", status=HoldStatus.ACTIVE).count() == 1
    assert _balance(rich_shopper).held == 1000


@pytest.mark.parametrize(
    ("amount", "reason"),
    [(50, "below_minimum"), (5001, "above_maximum"), (4000, "above_maximum")],  # 50 % of 100.00 = 5,000 points
)
def test_refusals_change_nothing(shop: FakeShop, rich_shopper: Any, config: ProgramConfig, now: datetime, amount: int, reason: str):
    # given: 4,000 is within the share but the share is limited to 30 % here
    config = ProgramConfig(pending_days=0, redeem_max_share=Decimal("0.3")) if amount == 4000 else config

    # when
    with pytest.raises(RedemptionRefused) as exc:
        redemption.redeem_points("tok", user_id=rich_shopper.pk, points=amount, config=config, now=now)

    # then
    assert exc.value.reason == reason
    assert _balance(rich_shopper).held == 0 and shop.checkouts["tok"].voucher is None
    assert not DiscountCode.objects.exists()


def test_only_the_checkout_owner_may_redeem(shop: FakeShop, rich_shopper: Any, other_customer: Any, config: ProgramConfig, now: datetime):
    shop.add_customer(other_customer)
    with pytest.raises(RedemptionRefused) as exc:
        redemption.redeem_points("tok", user_id=other_customer.pk, points=500, config=config, now=now)
    assert exc.value.reason == "not_owner"
    with pytest.raises(InvalidInput):
        redemption.redeem_points("tok", user_id=rich_shopper.pk, points=0, config=config, now=now)


def test_cancel_redemption_releases_and_detaches(shop: FakeShop, rich_shopper: Any, other_customer: Any, config: ProgramConfig, now: datetime):
    info = redemption.redeem_points("tok", user_id=rich_shopper.pk, points=1000, config=config, now=now)
    with pytest.raises(RedemptionRefused):
        redemption.cancel_redemption("tok", user_id=other_customer.pk, now=now)
    cancelled = redemption.cancel_redemption("tok", user_id=rich_shopper.pk, now=now)
    assert cancelled is not None and cancelled.code == info.code
    assert shop.checkouts["tok"].voucher is None
    assert (_balance(rich_shopper).available, _balance(rich_shopper).held) == (5000, 0)
    assert redemption.cancel_redemption("tok", user_id=rich_shopper.pk, now=now) is None


def test_check_before_order_refuses_someone_elses_code(shop: FakeShop, rich_shopper: Any, other_customer: Any, config: ProgramConfig, now: datetime):
    # given: the owner's code is typed into another customer's checkout
    info = redemption.redeem_points("tok", user_id=rich_shopper.pk, points=1000, config=config, now=now)
    shop.add_customer(other_customer)
    shop.add_checkout("other", [(1, 1)], user=other_customer)
    shop.checkouts["other"].voucher = (info.code, info.amount)

    # then
    assert redemption.check_redemption_for_order(quotes.fetch_checkout("tok"), user_id=rich_shopper.pk).allowed
    refused = redemption.check_redemption_for_order(quotes.fetch_checkout("other"), user_id=other_customer.pk)
    assert (refused.allowed, refused.reason) == (False, "not_owner")


def test_check_before_order_refuses_when_the_hold_is_gone(shop: FakeShop, rich_shopper: Any, config: ProgramConfig, now: datetime):
    redemption.redeem_points("tok", user_id=rich_shopper.pk, points=1000, config=config, now=now)
    points.release_hold_for_checkout("tok", reason="expired", now=now)
    check = redemption.check_redemption_for_order(quotes.fetch_checkout("tok"), user_id=rich_shopper.pk)
    assert (check.allowed, check.reason) == (False, "hold_gone")


def test_capture_on_order_then_cancel_returns_the_points(shop: FakeShop, rich_shopper: Any, config: ProgramConfig, now: datetime):
    # given
    info = redemption.redeem_points("tok", user_id=rich_shopper.pk, points=2000, config=config, now=now)

    # when: the order is made, then cancelled
    captured = redemption.capture_redemption("tok", order_id="o1", now=now)
    again = redemption.capture_redemption("tok", order_id="o1", now=now)
    after_capture = _balance(rich_shopper)
    orders.record_order(make_order("o1", rich_shopper, placed_at=now, goods="80.00", checkout_token="tok", voucher_code=info.code))
    cancelled = orders.cancel_order("o1", config=config, now=now)

    # then
    assert captured is not None and captured.status == CodeStatus.USED and again == captured
    assert (after_capture.available, after_capture.held) == (3000, 0)
    assert cancelled.redeemed_points_returned == 2000
    assert _balance(rich_shopper).available == 5000


def test_capture_without_redemption_is_none(shop: FakeShop, config: ProgramConfig):
    assert redemption.capture_redemption("nothing", order_id="o9") is None
