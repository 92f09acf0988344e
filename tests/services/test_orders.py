"""Order records: credit once, pending for the return window, cancel and refund reversals."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.exceptions import InvalidInput, OrderNotFound
from saleor_loyalty.models import CodeKind, CodeStatus, DiscountCode, OrderRecord, OrderStatus
from saleor_loyalty.services import orders, points, rules

from .fakes import FakeShop
from .helpers import make_order

pytestmark = pytest.mark.django_db


def _balance(user: Any) -> points.Balance:
    return points.get_balance(points.Owner.customer(user.pk))


def test_credit_order_credits_pending_points_once(shopper: Any, now: datetime):
    # given
    config = ProgramConfig(pending_days=14, expiry_days=365)
    orders.record_order(make_order("o1", shopper, placed_at=now, goods="123.45"))

    # when
    first = orders.credit_order("o1", config=config, now=now)
    second = orders.credit_order("o1", config=config, now=now + timedelta(hours=1))

    # then
    assert (first.points, first.created) == (123, True)
    assert first.available_at == now + timedelta(days=14)
    assert first.expires_at == now + timedelta(days=14 + 365)
    assert (second.points, second.created) == (123, False)
    balance = _balance(shopper)
    assert (balance.pending, balance.available) == (123, 0)
    record = OrderRecord.objects.get(order_id="o1")
    assert (record.status, record.credited, record.points_earned) == (OrderStatus.PAID, True, 123)


def test_earn_uses_tier_multiplier_and_product_bonus_from_the_recorded_lines(shopper: Any, config: ProgramConfig, now: datetime):
    # given: a x1.5 tier and a x2 bonus on product 20 (variant 2)
    from saleor_loyalty.models import CustomerLoyalty

    tier = rules.create_tier({"name": "Gold", "slug": "gold", "rank": 1, "metric": "spend", "threshold": "0", "multiplier": "1.5"})
    CustomerLoyalty.objects.create(user=shopper, tier=tier, tier_since=now)
    rules.create_earn_rule({"name": "x2", "kind": "product_bonus", "target_kind": "product", "target_id": 20, "multiplier": "2"})
    orders.record_order(make_order("o1", shopper, placed_at=now, goods="60.49", lines=[(1, 1, "40.50"), (2, 1, "19.99")]))

    # when
    result = orders.credit_order("o1", config=config, now=now)

    # then: the engine's worked example: 60 base + 30 tier + 19 bonus
    assert result.points == 109
    assert [part.points for part in result.breakdown] == [60, 30, 19]


def test_first_order_bonus_only_on_the_first_order(shopper: Any, config: ProgramConfig, now: datetime):
    rules.create_earn_rule({"name": "Welcome order", "kind": "first_order_bonus", "points": 200})
    orders.record_order(make_order("o1", shopper, placed_at=now, goods="10"))
    orders.record_order(make_order("o2", shopper, placed_at=now + timedelta(days=1), goods="10"))
    assert orders.credit_order("o1", config=config, now=now).points == 210
    assert orders.credit_order("o2", config=config, now=now + timedelta(days=1)).points == 10


def test_orders_the_shop_knew_before_recording_are_not_first(shop: FakeShop, shopper: Any, config: ProgramConfig, now: datetime):
    shop.add_customer(shopper, orders_count=4)
    rules.create_earn_rule({"name": "Welcome order", "kind": "first_order_bonus", "points": 200})
    orders.record_order(make_order("o1", shopper, placed_at=now, goods="10"))
    assert orders.credit_order("o1", config=config, now=now).points == 10


def test_guest_order_is_recorded_but_earns_nothing(shop: FakeShop, config: ProgramConfig, now: datetime):
    orders.record_order(make_order("g1", None, placed_at=now))
    result = orders.credit_order("g1", config=config, now=now)
    assert (result.points, result.created) == (0, True)


def test_next_purchase_discount_is_issued_once(shopper: Any, config: ProgramConfig, now: datetime):
    rules.create_next_purchase_rule(
        {"name": "Come back", "min_amount": "50", "currency": "EUR", "discount_kind": "percent", "discount_value": "5", "valid_days": 14}
    )
    orders.record_order(make_order("o1", shopper, placed_at=now, goods="80"))
    first = orders.credit_order("o1", config=config, now=now)
    again = orders.credit_order("o1", config=config, now=now)
    assert first.next_purchase_code and first.next_purchase_code == again.next_purchase_code
    code = DiscountCode.objects.get(kind=CodeKind.NEXT_PURCHASE)
    assert (code.user_id, code.discount_value, code.valid_until) == (shopper.pk, Decimal("5"), now + timedelta(days=14))


def test_record_order_refuses_bad_facts_all_at_once(shopper: Any, now: datetime):
    from dataclasses import replace

    facts = replace(make_order("o1", shopper, placed_at=now), currency="euro", goods_total=Decimal("-1"), channel="")
    with pytest.raises(InvalidInput) as exc:
        orders.record_order(facts)
    assert {field for field, _ in exc.value.problems} == {"currency", "goods_total", "channel"}
    assert not OrderRecord.objects.exists()


def test_line_prices_and_gifts_are_recorded_with_the_lines(shopper: Any, now: datetime):
    from dataclasses import replace

    facts = make_order("o1", shopper, placed_at=now, goods="50.00", lines=[(1, 2, "50.00"), (2, 1, "0")])
    bought, gift = facts.lines
    facts = replace(facts, lines=(
        replace(bought, base_unit_price=Decimal("30.00"), unit_price=Decimal("25.00")),
        replace(gift, base_unit_price=Decimal("12.50"), unit_price=Decimal("0"), is_gift=True),
    ))

    orders.record_order(facts)

    lines = OrderRecord.objects.get(order_id="o1").lines
    assert [(line["base_unit_price"], line["unit_price"], line["is_gift"]) for line in lines] == [
        ("30.00", "25.00", False), ("12.50", "0", True)]


def test_lines_without_prices_record_none(shopper: Any, now: datetime):
    orders.record_order(make_order("o1", shopper, placed_at=now))

    (line,) = OrderRecord.objects.get(order_id="o1").lines
    assert (line["base_unit_price"], line["unit_price"], line["is_gift"]) == (None, None, False)


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"base_unit_price": Decimal("-1")}, "lines[0].base_unit_price"),
        ({"unit_price": Decimal("NaN")}, "lines[0].unit_price"),
        ({"unit_price": 2.5}, "lines[0].unit_price"),
        ({"base_unit_price": Decimal("10"), "unit_price": Decimal("10.01")}, "lines[0].unit_price"),
        ({"is_gift": "yes"}, "lines[0].is_gift"),
    ],
)
def test_bad_line_prices_are_refused_and_nothing_is_recorded(
    shopper: Any, now: datetime, fields: dict[str, Any], problem: str
):
    from dataclasses import replace

    facts = make_order("o1", shopper, placed_at=now)
    facts = replace(facts, lines=(replace(facts.lines[0], **fields),))

    with pytest.raises(InvalidInput) as refused:
        orders.record_order(facts)

    assert [field for field, _ in refused.value.problems] == [problem]
    assert not OrderRecord.objects.exists()


def test_unknown_order_is_not_found(config: ProgramConfig):
    with pytest.raises(OrderNotFound):
        orders.credit_order("nope", config=config)


def test_cancel_reverses_earned_points_and_withdraws_the_next_purchase_code(shopper: Any, config: ProgramConfig, now: datetime):
    # given
    rules.create_next_purchase_rule(
        {"name": "Come back", "min_amount": "50", "currency": "EUR", "discount_kind": "fixed", "discount_value": "5", "valid_days": 14}
    )
    orders.record_order(make_order("o1", shopper, placed_at=now, goods="80"))
    orders.credit_order("o1", config=config, now=now)

    # when
    result = orders.cancel_order("o1", config=config, now=now)
    again = orders.cancel_order("o1", config=config, now=now)

    # then
    assert (result.earned_points_reversed, result.already_cancelled) == (80, False)
    assert again.already_cancelled
    assert _balance(shopper).available == 0
    assert DiscountCode.objects.get(kind=CodeKind.NEXT_PURCHASE).status == CodeStatus.CANCELLED


def test_cancel_before_credit_changes_no_points(shopper: Any, config: ProgramConfig, now: datetime):
    orders.record_order(make_order("o1", shopper, placed_at=now))
    result = orders.cancel_order("o1", config=config, now=now)
    assert (result.earned_points_reversed, result.redeemed_points_returned) == (0, 0)
    with pytest.raises(InvalidInput, match="cancelled"):
        orders.credit_order("o1", config=config, now=now)
    assert _balance(shopper).pending == 0


def test_refunds_reverse_points_in_proportion_to_the_cumulative_amount(shopper: Any, config: ProgramConfig, now: datetime):
    # given: the ledger's worked example, 125 points on 99.99
    rules.create_earn_rule({"name": "Rate", "kind": "base_rate", "points_per_unit": "1.2502"})
    orders.record_order(make_order("o1", shopper, placed_at=now, goods="99.99"))
    assert orders.credit_order("o1", config=config, now=now).points == 125

    # when
    first = orders.refund_order("o1", refunded_amount=Decimal("33.33"), now=now)
    second = orders.refund_order("o1", refunded_amount=Decimal("66.66"), now=now)
    last = orders.refund_order("o1", refunded_amount=Decimal("99.99"), now=now)

    # then
    assert [first.points_reversed, second.points_reversed, last.points_reversed] == [41, 42, 42]
    assert last.fully_refunded and OrderRecord.objects.get(order_id="o1").status == OrderStatus.REFUNDED


def test_refund_amount_must_grow_and_stay_within_what_was_paid(shopper: Any, config: ProgramConfig, now: datetime):
    orders.record_order(make_order("o1", shopper, placed_at=now, goods="50", shipping="5"))
    orders.refund_order("o1", refunded_amount=Decimal("20"), now=now)
    for bad in (Decimal("10"), Decimal("55.01")):
        with pytest.raises(InvalidInput):
            orders.refund_order("o1", refunded_amount=bad, now=now)
    assert OrderRecord.objects.get(order_id="o1").refunded_amount == Decimal("20")


def _spend_with_points(user: Any, order_id: str, amount: int, now: datetime) -> None:
    """Points held on the order's checkout and captured when it became the order."""
    owner = points.Owner.customer(user.pk)
    points.hold_points_for_checkout(owner, f"checkout-{order_id}", points=amount, expires_at=now + timedelta(hours=1),
                                    now=now)
    points.capture_hold_for_order(f"checkout-{order_id}", order_id, now=now)


def test_points_given_back_by_a_cancelled_order_are_not_newly_earned(
    shopper: Any, config: ProgramConfig, now: datetime
):
    # given: 100 points earned on o1; o2 paid 80 of them and earned 50; Silver needs 120 points earned
    from saleor_loyalty.engine.rules import TierMetric
    from saleor_loyalty.engine.values import StatKey
    from saleor_loyalty.services import tiers

    silver = rules.create_tier({"name": "Silver", "slug": "silver", "rank": 1, "metric": "points", "threshold": "120",
                                "window_days": 365})
    orders.record_order(make_order("o1", shopper, placed_at=now, goods="100.00"))
    orders.credit_order("o1", config=config, now=now)
    _spend_with_points(shopper, "o2", 80, now)
    orders.record_order(make_order("o2", shopper, placed_at=now, goods="50.00"))
    orders.credit_order("o2", config=config, now=now)
    assert _balance(shopper).lifetime_earned == 150
    assert tiers.reevaluate_tier(shopper.pk, config=config, now=now).tier_id == silver.pk

    # when o2 is cancelled
    result = orders.cancel_order("o2", config=config, now=now)
    again = orders.cancel_order("o2", config=config, now=now)

    # then its 50 are taken back and its 80 given back, but only o1's 100 were ever earned
    assert (result.earned_points_reversed, result.redeemed_points_returned, again.already_cancelled) == (50, 80, True)
    balance = _balance(shopper)
    assert (balance.available, balance.lifetime_earned, balance.debt) == (100, 100, 0)
    stats = tiers.get_customer_stats(shopper.pk, [StatKey(TierMetric.POINTS, 365), StatKey(TierMetric.SPEND, 365)],
                                     now=now)
    today = now.date()
    assert (stats.get(TierMetric.POINTS, 365, today=today), stats.get(TierMetric.SPEND, 365, today=today)) == (
        Decimal(100), Decimal("100.00"))
    later = now + timedelta(days=400)  # past any grace: the tier follows the figures
    assert tiers.reevaluate_tier(shopper.pk, config=config, now=later).tier_id is None


def _return_redeemed_points(shopper: Any, config: ProgramConfig, now: datetime) -> None:
    """o1 earns 100 points; 80 are spent on o2, which is cancelled: the 80 come back as a new lot."""
    orders.record_order(make_order("o1", shopper, placed_at=now, goods="100.00"))
    orders.credit_order("o1", config=config, now=now)
    _spend_with_points(shopper, "o2", 80, now)
    orders.record_order(make_order("o2", shopper, placed_at=now, goods="0.00"))
    orders.cancel_order("o2", config=config, now=now)


def test_reconcile_accepts_returned_redeemed_points(shopper: Any, config: ProgramConfig, now: datetime):
    from saleor_loyalty.ledger.checks import find_ledger_problems

    _return_redeemed_points(shopper, config, now)

    assert _balance(shopper).lifetime_earned == 100  # the returned 80 were earned once, not twice
    assert find_ledger_problems(now=now) == []


def test_reconcile_still_reports_lifetime_earned_that_lots_do_not_explain(
    shopper: Any, config: ProgramConfig, now: datetime
):
    from django.db import connection

    from saleor_loyalty.ledger.checks import find_ledger_problems

    _return_redeemed_points(shopper, config, now)
    # Around the ORM: lifetime earned as if the returned 80 had been earned again.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE loyalty_account SET lifetime_earned = lifetime_earned + 80 WHERE user_id = %s", [shopper.pk]
        )

    problems = find_ledger_problems(now=now)

    assert [problem.check for problem in problems] == ["lifetime earned"]
    assert "lifetime earned 180, but credited minus reversed lots is 100" in problems[0].message


def test_a_reversal_of_spent_points_becomes_debt_that_the_returned_points_pay(
    shopper: Any, config: ProgramConfig, now: datetime
):
    # given: o1 earned 100 points, all spent on o2 (which earned nothing)
    orders.record_order(make_order("o1", shopper, placed_at=now, goods="100.00"))
    orders.credit_order("o1", config=config, now=now)
    _spend_with_points(shopper, "o2", 100, now)
    orders.record_order(make_order("o2", shopper, placed_at=now, goods="0.00"))
    orders.credit_order("o2", config=config, now=now)

    # when o1 is cancelled, its spent points become debt
    assert orders.cancel_order("o1", config=config, now=now).earned_points_reversed == 100
    assert (_balance(shopper).debt, _balance(shopper).available) == (100, 0)

    # and when o2 is cancelled, the returned points pay the debt first and none are left over
    assert orders.cancel_order("o2", config=config, now=now).redeemed_points_returned == 100
    balance = _balance(shopper)
    assert (balance.available, balance.debt, balance.lifetime_earned) == (0, 0, 0)
