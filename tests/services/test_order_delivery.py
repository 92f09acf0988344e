"""The order outbox: events write what is due on the order row; the sweep delivers it once.

Fast tests on the database, no broker: a task that "never ran" is simply a follow-up nobody ran.
The real-worker faults (broker down, kill -9, a lost connection) are in tests/ledger/test_delivery_worker.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.ledger.checks import find_ledger_problems
from saleor_loyalty.models import CustomerLoyalty, HoldStatus, LedgerTransaction, OrderRecord, PointHold, TransactionKind
from saleor_loyalty.services import order_delivery, orders, points, redemption, rules
from saleor_loyalty.services.order_events import (
    CreditOrder,
    OrderEvent,
    RefreshOrderOwners,
    handle_order_event,
    run_follow_up,
    run_follow_ups,
)

from .fakes import FakeShop
from .helpers import make_order

pytestmark = pytest.mark.django_db
MINUTE = timedelta(minutes=1)


def _balance(user: Any) -> tuple[int, int, int]:
    balance = points.get_balance(points.Owner.customer(user.pk))
    return balance.available, balance.pending, balance.held


def _problems(now: datetime) -> list[str]:
    return [problem.check for problem in find_ledger_problems(now=now, grace=10 * MINUTE)]


def _reversals(order_id: str) -> list[int]:
    """The points each reversal of the order's earn took back, in order."""
    reversals = LedgerTransaction.objects.filter(kind=TransactionKind.REVERSE, order_id=order_id).exclude(
        idempotency_key__endswith="return-redeemed").order_by("id")
    return [sum(entry.points for entry in reversal.entries.all() if entry.points > 0) for reversal in reversals]


def _paid(order_id: str, user: Any, now: datetime, *, goods: str = "150.00", **extra: Any) -> None:
    """The order is created and paid; the credit task is lost (its follow-up never runs)."""
    handle_order_event(OrderEvent.CREATED, order_id=order_id, facts=make_order(order_id, user, placed_at=now,
                       goods=goods, **extra), config=ProgramConfig(), now=now)
    outcome = handle_order_event(OrderEvent.PAID, order_id=order_id, config=ProgramConfig(), now=now)
    assert outcome.follow_ups == (CreditOrder(order_id),)


def test_a_credit_whose_task_was_lost_is_delivered_once(shopper: Any, config: ProgramConfig, now: datetime):
    # given a paid order whose credit task never ran
    _paid("o1", shopper, now)
    assert OrderRecord.objects.get(order_id="o1").credit_due_at == now

    # when the sweep runs within the grace period, then after it, then again
    early = order_delivery.deliver_due_order_work(config=config, now=now + 5 * MINUTE)
    reported = _problems(now + 30 * MINUTE)
    late = order_delivery.deliver_due_order_work(config=config, now=now + 11 * MINUTE)
    again = order_delivery.deliver_due_order_work(config=config, now=now + 60 * MINUTE)

    # then it waited for the task, credited once, and reconcile saw the gap, then none
    assert (early.total, late.credited, again.total) == (0, 1, 0)
    assert reported == ["paid but not credited"]
    assert _balance(shopper) == (150, 0, 0)
    assert LedgerTransaction.objects.filter(idempotency_key="order:o1:earn").count() == 1
    assert OrderRecord.objects.get(order_id="o1").follow_up_due_at is None  # the tier refresh ran too
    assert _problems(now + 60 * MINUTE) == []


def test_the_task_and_the_sweep_together_credit_once(shopper: Any, config: ProgramConfig, now: datetime):
    # given a paid order whose task did run, late
    _paid("o1", shopper, now)
    first = run_follow_ups((CreditOrder("o1"),), config=config, now=now + 20 * MINUTE)

    # when the sweep and a duplicate delivery of the task run as well
    swept = order_delivery.deliver_due_order_work(config=config, now=now + 20 * MINUTE)
    duplicate = run_follow_up(CreditOrder("o1"), config=config, now=now + 21 * MINUTE)

    # then
    assert [type(done.follow_up) for done in first] == [CreditOrder, RefreshOrderOwners]
    assert first[0].credit is not None and first[0].credit.created
    assert swept.total == 0 and duplicate.credit is not None and not duplicate.credit.created
    assert _balance(shopper) == (150, 0, 0)


def test_a_refund_before_the_credit_is_reversed_with_it(shopper: Any, config: ProgramConfig, now: datetime):
    # given a paid order refunded by half before its credit ran
    _paid("o1", shopper, now, goods="149.00")
    refunded = handle_order_event(OrderEvent.REFUNDED, order_id="o1", refunded_amount=Decimal("74.50"),
                                  config=config, now=now)
    assert refunded.refunded is not None and refunded.refunded.points_reversed == 0

    # when the sweep credits it, then the rest is refunded
    order_delivery.deliver_due_order_work(config=config, now=now + 11 * MINUTE)
    credited = OrderRecord.objects.get(order_id="o1")
    handle_order_event(OrderEvent.REFUNDED, order_id="o1", refunded_amount=Decimal("149.00"), config=config,
                       now=now + 12 * MINUTE)

    # then 149 were credited and the half refunded first took 74 back at once; the rest went later
    assert (credited.points_earned, credited.points_reversed, credited.status) == (149, 74, "paid")
    assert _reversals("o1") == [74, 75]
    assert _balance(shopper) == (0, 0, 0)
    assert OrderRecord.objects.get(order_id="o1").status == "refunded"
    assert _problems(now + 60 * MINUTE) == []


def test_a_full_refund_before_the_credit_leaves_the_order_refunded(shopper: Any, config: ProgramConfig, now: datetime):
    _paid("o1", shopper, now, goods="80.00")
    handle_order_event(OrderEvent.REFUNDED, order_id="o1", refunded_amount=Decimal("80.00"), config=config, now=now)

    order_delivery.deliver_due_order_work(config=config, now=now + 11 * MINUTE)

    record = OrderRecord.objects.get(order_id="o1")
    assert (record.points_earned, record.points_reversed, record.status) == (80, 80, "refunded")
    assert _balance(shopper) == (0, 0, 0)


def test_a_cancellation_whose_reversal_failed_is_delivered(shopper: Any, config: ProgramConfig, now: datetime):
    # given a credited order whose cancellation fails half-way (the intent is already committed)
    _paid("o1", shopper, now)
    run_follow_ups((CreditOrder("o1"),), config=config, now=now)
    with mock.patch.object(orders, "cancel_order", side_effect=RuntimeError("connection lost")), \
            pytest.raises(RuntimeError):
        handle_order_event(OrderEvent.CANCELLED, order_id="o1", config=config, now=now)
    assert _balance(shopper) == (150, 0, 0)
    assert _problems(now + 30 * MINUTE) == ["cancellation not applied"]

    # when
    result = order_delivery.deliver_due_order_work(config=config, now=now + 11 * MINUTE)

    # then
    assert (result.cancelled, result.credited) == (1, 0)
    assert _reversals("o1") == [150] and _balance(shopper) == (0, 0, 0)
    assert _problems(now + 60 * MINUTE) == []


def test_an_order_cancelled_before_its_credit_is_never_credited(shopper: Any, config: ProgramConfig, now: datetime):
    _paid("o1", shopper, now)
    handle_order_event(OrderEvent.CANCELLED, order_id="o1", config=config, now=now)

    swept = order_delivery.deliver_due_order_work(config=config, now=now + 11 * MINUTE)
    late_task = run_follow_up(CreditOrder("o1"), config=config, now=now + 12 * MINUTE)

    assert (swept.credited, late_task.credit) == (0, None)
    assert not LedgerTransaction.objects.filter(idempotency_key="order:o1:earn").exists()
    assert _problems(now + 60 * MINUTE) == []


def test_a_refund_whose_reversal_failed_is_delivered(shopper: Any, config: ProgramConfig, now: datetime):
    _paid("o1", shopper, now, goods="100.00")
    run_follow_ups((CreditOrder("o1"),), config=config, now=now)
    with mock.patch.object(orders, "refund_order", side_effect=RuntimeError("worker killed")), \
            pytest.raises(RuntimeError):
        handle_order_event(OrderEvent.REFUNDED, order_id="o1", refunded_amount=Decimal("25.00"), config=config,
                           now=now)
    assert _problems(now + 30 * MINUTE) == ["refund not applied"]

    result = order_delivery.deliver_due_order_work(config=config, now=now + 11 * MINUTE)
    repeated = handle_order_event(OrderEvent.REFUNDED, order_id="o1", refunded_amount=Decimal("25.00"),
                                  config=config, now=now + 12 * MINUTE)

    assert result.refunded == 1 and (repeated.refunded, repeated.follow_ups) == (None, ())
    assert _reversals("o1") == [25] and _balance(shopper) == (75, 0, 0)


def test_a_refund_above_what_was_paid_is_capped(shopper: Any, config: ProgramConfig, now: datetime):
    _paid("o1", shopper, now, goods="40.00", shipping="5.00")
    run_follow_ups((CreditOrder("o1"),), config=config, now=now)

    outcome = handle_order_event(OrderEvent.REFUNDED, order_id="o1", refunded_amount=Decimal("60.00"),
                                 config=config, now=now)

    assert outcome.refunded is not None and outcome.refunded.refunded_amount == Decimal("45.00")
    assert _reversals("o1") == [40]


@pytest.fixture
def redeemed(shopper: Any, shop: FakeShop, config: ProgramConfig, now: datetime) -> Any:
    """2,000 of 5,000 points held for checkout ``tok`` (100.00), for 120 minutes."""
    points.credit_bonus(points.Owner.customer(shopper.pk), "seed", points=5000, reason="test", now=now)
    shop.add_variant(1, "100.00")
    shop.add_checkout("tok", [(1, 1)], user=shopper)
    return redemption.redeem_points("tok", user_id=shopper.pk, points=2000, config=config, now=now)


def test_a_hold_of_a_placed_order_is_captured_not_released(
    shopper: Any, redeemed: Any, config: ProgramConfig, now: datetime
):
    # given the order was recorded but order_created failed before the capture
    orders.record_order(make_order("o1", shopper, placed_at=now, goods="80.00", checkout_token="tok",
                                   voucher_code=redeemed.code))

    # when the hold times out: the release job runs, then the sweep
    released = points.release_stale_holds(now=now + 3 * 60 * MINUTE)
    swept = order_delivery.deliver_due_order_work(config=config, now=now + 3 * 60 * MINUTE)

    # then the discount spent on the order stays paid for by the points
    assert (released.processed, swept.captured) == (0, 1)
    assert PointHold.objects.get(checkout_token="tok").status == HoldStatus.CAPTURED
    assert _balance(shopper) == (3000, 0, 0)
    assert _problems(now + 4 * 60 * MINUTE) == []


def test_a_hold_whose_code_the_order_did_not_use_is_released_not_captured(
    shopper: Any, redeemed: Any, config: ProgramConfig, now: datetime
):
    # given the shopper took the points discount off and ordered without it
    orders.record_order(make_order("o1", shopper, placed_at=now, goods="100.00", checkout_token="tok"))

    # when the hold times out: the sweep, then the release job
    swept = order_delivery.deliver_due_order_work(config=config, now=now + 3 * 60 * MINUTE)
    released = points.release_stale_holds(now=now + 3 * 60 * MINUTE)

    # then no discount was spent, so the points come back
    assert (swept.captured, released.processed) == (0, 1)
    assert _balance(shopper) == (5000, 0, 0)


def test_the_hold_of_a_cancelled_order_is_given_back(
    shopper: Any, redeemed: Any, config: ProgramConfig, now: datetime
):
    orders.record_order(make_order("o1", shopper, placed_at=now, goods="80.00", checkout_token="tok"))
    handle_order_event(OrderEvent.CANCELLED, order_id="o1", config=config, now=now)

    swept = order_delivery.deliver_due_order_work(config=config, now=now + 3 * 60 * MINUTE)
    released = points.release_stale_holds(now=now + 3 * 60 * MINUTE)

    assert (swept.captured, released.processed) == (0, 1)
    assert _balance(shopper) == (5000, 0, 0)


def test_a_refresh_left_due_is_run_with_the_mirror(shopper: Any, config: ProgramConfig, now: datetime):
    # given a credit that committed and a worker that died before the tier refresh
    silver = rules.create_tier({"name": "Silver", "slug": "silver", "rank": 1, "metric": "spend",
                                "threshold": "100", "window_days": 30})
    _paid("o1", shopper, now)
    run_follow_up(CreditOrder("o1"), config=config, now=now)
    assert OrderRecord.objects.get(order_id="o1").follow_up_due_at == now
    mirrored: list[int] = []

    # when
    result = order_delivery.deliver_due_order_work(config=config, now=now + 11 * MINUTE, mirror=mirrored.append)

    # then
    assert result.refreshed == 1 and mirrored == [shopper.pk]
    assert CustomerLoyalty.objects.filter(user=shopper).values_list("tier_id", flat=True).first() == silver.pk
    assert OrderRecord.objects.get(order_id="o1").follow_up_due_at is None


def test_one_failing_order_does_not_block_the_others(shopper: Any, config: ProgramConfig, now: datetime):
    _paid("o1", shopper, now, goods="10.00")
    _paid("o2", shopper, now, goods="20.00")
    real = orders.credit_order

    def broken_for_o1(order_id: str, **kwargs: Any) -> orders.CreditResult:
        if order_id == "o1":
            raise ValueError("a bug")
        return real(order_id, **kwargs)

    with mock.patch.object(orders, "credit_order", side_effect=broken_for_o1):
        result = order_delivery.deliver_due_order_work(config=config, now=now + 11 * MINUTE)

    assert (result.credited, result.failed) == (1, 1)
    assert _balance(shopper) == (20, 0, 0)
    assert _problems(now + 30 * MINUTE) == ["paid but not credited"]


def test_the_deliver_command_runs_the_sweep(shopper: Any, now: datetime):
    _paid("o1", shopper, now)
    out = StringIO()

    call_command("loyalty_deliver", stdout=out)

    assert "1 credited" in out.getvalue()
    # the defaults: pending for the return window
    assert _balance(shopper) == (0, 150, 0)
