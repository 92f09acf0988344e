"""Random sequences of every operation keep every invariant (hypothesis).

After every step ``find_ledger_problems`` must find nothing but overdue work, and the debt only
grows through a reversal or a staff adjustment that allows it; at the end the periodic jobs run
and nothing at all may be found.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saleor_loyalty.exceptions import HoldNotActive, HoldNotFound, InsufficientPoints
from saleor_loyalty.ledger.checks import find_ledger_problems
from saleor_loyalty.models import CompanyMember
from saleor_loyalty.services import points
from saleor_loyalty.services.points import Owner

EXPECTED_REFUSALS = (InsufficientPoints, HoldNotActive, HoldNotFound)
amounts = st.integers(min_value=1, max_value=30)
checkouts = st.sampled_from(["c-0", "c-1", "c-2"])
orders = st.integers(min_value=0, max_value=5)
earn = st.tuples(st.just("earn"), amounts, st.integers(0, 2), st.none() | st.integers(3, 6))
hold = st.tuples(st.just("hold"), amounts, checkouts, st.integers(1, 96))
redeem = st.tuples(st.just("redeem"), amounts)
reverse = st.tuples(st.just("refund"), orders, st.integers(1, 100)) | st.tuples(st.just("cancel"), orders)
wait = st.tuples(st.just("wait"), st.integers(1, 3 * 24))
# Repeating a strategy in one_of makes it likelier: enough earning, spending and reversing to
# reach debt, expiry under holds and debt payment within a short sequence.
operations = st.one_of(
    earn, earn, earn, hold, hold, redeem, redeem, reverse, reverse, wait, wait,
    st.tuples(st.just("capture"), checkouts),
    st.tuples(st.just("release"), checkouts),
    st.tuples(st.just("adjust"), st.integers(-30, 30).filter(bool), st.booleans()),
)


def apply(operation: tuple[Any, ...], owner: Owner, clock: list[datetime], earned: list[str]) -> None:
    """Run one operation at the clock's time; refusals the rules allow are fine."""
    name, *args = operation
    now = clock[0]
    if name == "earn":
        order_id = f"o-{len(earned)}"
        expires = None if args[2] is None else now + timedelta(days=args[2])
        points.credit_points_for_order(
            owner, order_id, points=args[0], available_at=now + timedelta(days=args[1]), expires_at=expires, now=now
        )
        earned.append(order_id)
    elif name == "hold":
        points.hold_points_for_checkout(owner, args[1], points=args[0], expires_at=now + timedelta(hours=args[2]),
                                        now=now)
    elif name == "capture":
        points.capture_hold_for_order(args[0], f"order-for-{args[0]}-{now.isoformat()}", now=now)
    elif name == "release":
        points.release_hold_for_checkout(args[0], now=now)
    elif name == "redeem":
        points.redeem_points(owner, f"redeem-{now.isoformat()}-{args[0]}", points=args[0], reason="voucher", now=now)
    elif name == "refund" and args[0] < len(earned):
        points.reverse_points_for_refund(earned[args[0]], refunded_amount=Decimal(args[1]),
                                         order_total=Decimal(100), now=now)
    elif name == "cancel" and args[0] < len(earned):
        points.reverse_points_for_cancellation(earned[args[0]], now=now)
    elif name == "adjust":
        points.adjust_points(owner, args[0], reason="correction", staff_user_id=1, allow_debt=args[1], now=now)
    elif name == "wait":
        clock[0] = now + timedelta(hours=args[0])
        points.release_stale_holds(now=clock[0])
        points.mature_due_points(now=clock[0])
        points.expire_due_points(now=clock[0])


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(operations, min_size=6, max_size=20), shared=st.booleans())
def test_any_sequence_keeps_the_ledger_consistent(
    steps: list[tuple[Any, ...]], shared: bool, create_user: Callable[..., Any], company: Any, now: datetime
) -> None:
    with transaction.atomic():  # each example rolls back to this savepoint
        # given: a customer, or a buyer sharing a company's points
        user = create_user()
        if shared:
            CompanyMember.objects.create(company=company, user=user)
        owner, clock, earned = Owner.customer(user.pk), [now], []
        # Start with points to spend (available, pending, expiring) so that few steps are refused.
        opening = [("earn", 30, 0, None), ("earn", 20, 1, None), ("earn", 25, 0, 3)]
        # End with earnings, available at once and after maturing: they pay any debt left.
        closing = [("earn", 40, 0, None), ("earn", 40, 1, None), ("wait", 48)]

        for step in opening + steps + closing:
            debt_before = points.get_balance(owner).debt
            # when
            try:
                with transaction.atomic():
                    apply(step, owner, clock, earned)
            except EXPECTED_REFUSALS:
                pass  # e.g. a hold larger than the balance: refused, and nothing was written
            # then (overdue lots and holds are the periodic jobs' business, not an inconsistency)
            assert [p for p in find_ledger_problems(now=clock[0]) if not p.check.startswith("overdue")] == [], step
            if step[0] not in ("refund", "cancel", "adjust"):
                assert points.get_balance(owner).debt <= debt_before, step

        apply(("wait", 24 * 400), owner, clock, earned)
        assert find_ledger_problems(now=clock[0]) == []
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        transaction.set_rollback(True)
