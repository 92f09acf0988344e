"""Reversals for refunds (proportional, cumulative) and cancellations (whole); debt."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from saleor_loyalty.exceptions import EarnNotFound, InvalidInput
from saleor_loyalty.ledger import PostedTransaction
from saleor_loyalty.models import PointLot
from saleor_loyalty.services import points
from saleor_loyalty.services.points import Owner, calculate_points_to_reverse

Balances = Callable[..., tuple[int, int, int, int]]
DAY = timedelta(days=1)


def refund(order_id: str, amount: str, total: str, now: datetime) -> PostedTransaction | None:
    return points.reverse_points_for_refund(
        order_id, refunded_amount=Decimal(amount), order_total=Decimal(total), now=now
    )


@pytest.mark.parametrize(
    ("earned", "refunded", "total", "expected"),
    [
        (125, "33.33", "99.99", 41),  # the worked example: floor(41.666...)
        (125, "66.66", "99.99", 83),
        (125, "99.99", "99.99", 125),
        (3, "1", "3", 1),  # exact, no float error
        (100, "0", "50", 0),
        (100, "80", "50", 100),  # never more than was earned
    ],
)
def test_points_to_reverse_round_in_the_customers_favour(earned: int, refunded: str, total: str, expected: int) -> None:
    reversed_points = calculate_points_to_reverse(
        earned, refunded_amount=Decimal(refunded), order_total=Decimal(total)
    )
    assert reversed_points == expected


def test_points_to_reverse_need_a_positive_total() -> None:
    with pytest.raises(InvalidInput):
        calculate_points_to_reverse(10, refunded_amount=Decimal("1"), order_total=Decimal("0"))


def test_cumulative_refunds_reverse_the_difference(
    credit: Callable[..., PostedTransaction], now: datetime, balance_of: Balances
) -> None:
    # given
    credit(125, order_id="o-1")

    # when: three refunds of 33.33 on a 99.99 order, passed as cumulative amounts
    reversed_points = [refund("o-1", amount, "99.99", now).points for amount in ("33.33", "66.66", "99.99")]

    # then
    assert reversed_points == [41, 42, 42]
    assert balance_of() == (0, 0, 0, 0)
    assert points.get_balance(Owner.customer(PointLot.objects.get().account.user_id)).lifetime_earned == 0


def test_the_same_refund_twice_reverses_once(
    credit: Callable[..., PostedTransaction], now: datetime, balance_of: Balances
) -> None:
    credit(125, order_id="o-1")

    first = refund("o-1", "33.33", "99.99", now)
    again = refund("o-1", "33.33", "99.99", now)

    assert first is not None and again is not None
    assert again.transaction_id == first.transaction_id and not again.created
    assert balance_of() == (84, 0, 0, 0)


def test_cancellation_reverses_what_is_left(
    credit: Callable[..., PostedTransaction], now: datetime, balance_of: Balances
) -> None:
    credit(125, order_id="o-1")
    refund("o-1", "33.33", "99.99", now)

    cancelled = points.reverse_points_for_cancellation("o-1", now=now)
    again = points.reverse_points_for_cancellation("o-1", now=now)

    assert cancelled is not None and cancelled.points == 84
    assert again is not None and again.transaction_id == cancelled.transaction_id
    assert balance_of() == (0, 0, 0, 0)


def test_refund_too_small_for_a_point_reverses_nothing(
    credit: Callable[..., PostedTransaction], now: datetime
) -> None:
    credit(10, order_id="o-1")

    assert refund("o-1", "0.50", "99.99", now) is None


def test_reversal_within_the_return_window_takes_pending_points(
    credit: Callable[..., PostedTransaction], now: datetime, balance_of: Balances
) -> None:
    credit(100, order_id="o-1", available_at=now + 14 * DAY)

    refund("o-1", "25", "100", now)

    assert balance_of() == (0, 75, 0, 0)


def test_reversal_of_spent_points_takes_other_lots_then_becomes_debt(
    owner: Owner, credit: Callable[..., PostedTransaction], now: datetime, balance_of: Balances
) -> None:
    # given: order o-1 earned 100, 90 of them spent; 20 more from another order
    credit(100, order_id="o-1", expires_at=now + 30 * DAY)
    points.redeem_points(owner, "r-1", points=90, reason="voucher", now=now)
    other = credit(20, order_id="o-2")

    # when: o-1 is cancelled
    points.reverse_points_for_cancellation("o-1", now=now)

    # then: 10 left of the lot, 20 of the other lot, 70 debt
    assert balance_of() == (0, 0, 0, 70)
    assert PointLot.objects.get(transaction_id=other.transaction_id).remaining == 0

    # when: later earnings
    credit(100, order_id="o-3")

    # then
    assert balance_of() == (30, 0, 0, 0)


def test_debt_is_paid_by_released_points(
    owner: Owner, credit: Callable[..., PostedTransaction], now: datetime, balance_of: Balances
) -> None:
    # given: everything held, then the earning order cancelled
    credit(100, order_id="o-1")
    points.hold_points_for_checkout(owner, "c-1", points=100, expires_at=now + DAY, now=now)
    points.reverse_points_for_cancellation("o-1", now=now)
    assert balance_of() == (0, 0, 100, 100)

    # when
    points.release_hold_for_checkout("c-1", now=now)

    # then
    assert balance_of() == (0, 0, 0, 0)


def test_reversal_of_expired_points_does_not_make_debt(
    credit: Callable[..., PostedTransaction], now: datetime, balance_of: Balances
) -> None:
    # given: the points expired unused
    credit(100, order_id="o-1", expires_at=now + 30 * DAY)
    points.expire_due_points(now=now + 30 * DAY)

    # when
    reversal = points.reverse_points_for_cancellation("o-1", now=now + 31 * DAY)

    # then: moved from the expired account back to issued; the customer is not charged twice
    assert reversal is not None and reversal.points == 100
    assert {p.bucket for p in reversal.postings} == {"system"}
    assert balance_of() == (0, 0, 0, 0)
    assert PointLot.objects.get().expired == 0


def test_order_without_earned_points_cannot_be_reversed(db: None, now: datetime) -> None:
    with pytest.raises(EarnNotFound):
        points.reverse_points_for_cancellation("unknown", now=now)
