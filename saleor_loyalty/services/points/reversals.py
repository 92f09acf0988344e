"""Reversals: earned points taken back for a refund or a cancellation, bonuses taken back,
redeemed points returned. A correction is always a new, reversing transaction.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.utils import timezone

from ... import ledger
from ...exceptions import EarnNotFound, InvalidInput
from ...ledger import PostedTransaction, Source
from ...ledger.accounts import uncount_earned
from ...models import HoldStatus, LedgerTransaction, PointHold, PointLot, SystemCode, TransactionKind


def calculate_points_to_reverse(earned: int, *, refunded_amount: Decimal, order_total: Decimal) -> int:
    """How many of ``earned`` points a cumulative refund takes back, rounded in the customer's favour.

    Worked example: an order earned 125 points on a 99.99 total; a refund of 33.33 reverses
    floor(125 * 33.33 / 99.99) = floor(41.666...) = 41 points, the customer keeps the fraction.
    A second refund of 33.33 (66.66 cumulative) targets floor(83.33) = 83, so it reverses
    83 - 41 = 42; the last (99.99) targets 125 and reverses the remaining 42. Exact arithmetic
    (``Fraction``), never more than was earned.
    """
    if order_total <= 0 or refunded_amount < 0:
        raise InvalidInput("the order total must be positive and the refund not negative", field="refunded_amount")
    share = min(Fraction(refunded_amount) / Fraction(order_total), Fraction(1))
    return math.floor(earned * share)


def reverse_points_for_refund(
    order_id: str, *, refunded_amount: Decimal, order_total: Decimal, reason: str = "order refunded",
    now: datetime | None = None,
) -> PostedTransaction | None:
    """Reverse the order's earned points in proportion to the cumulative ``refunded_amount``.

    Reverses the difference between the target for the refunded total and what was already
    reversed; None when that is nothing (see ``calculate_points_to_reverse`` for rounding).
    Points already spent become debt that later earnings pay off.
    """
    return _reverse_earn(order_id, reason, now, lambda earned: calculate_points_to_reverse(
        earned, refunded_amount=refunded_amount, order_total=order_total))


def reverse_points_for_cancellation(
    order_id: str, *, reason: str = "order cancelled", now: datetime | None = None
) -> PostedTransaction | None:
    """Reverse whatever is left of the order's earned points; None if all were reversed already."""
    return _reverse_earn(order_id, reason, now, lambda earned: earned)


def _reverse_earn(order_id: str, reason: str, now: datetime | None,
                  target_for: Callable[[int], int]) -> PostedTransaction | None:
    now = now or timezone.now()
    with transaction.atomic():
        earn_id = LedgerTransaction.objects.filter(idempotency_key=f"order:{order_id}:earn").values_list(
            "id", flat=True).first()
        if earn_id is None:
            raise EarnNotFound(f"order {order_id} earned no points", field="order_id")
        account_id = PointLot.objects.values_list("account_id", flat=True).get(transaction_id=earn_id)
        locked = ledger.lock_account(account_id)
        lot = PointLot.objects.get(transaction_id=earn_id)  # read under the lock
        target = target_for(lot.points)
        already = ledger.get_reversed_points(earn_id)
        key = f"order:{order_id}:reverse:{target}"
        if target - already <= 0:
            return ledger.find_posted(key)
        return ledger.reverse(locked, lot, points=target - already, key=key,
                              request={"order_id": order_id, "target": target},
                              source=Source(reason=reason, order_id=order_id), now=now)


def reverse_bonus(credit_key: str, *, reason: str, now: datetime | None = None) -> PostedTransaction | None:
    """Take back what is left of the bonus credited under ``credit_key`` (a referral reward
    whose order was cancelled); None if no such credit was made.

    Points already spent become debt, as with any reversal. Idempotent (``<key>:reverse``).
    """
    now = now or timezone.now()
    with transaction.atomic():
        credit_id = LedgerTransaction.objects.filter(idempotency_key=credit_key).values_list("id", flat=True).first()
        if credit_id is None:
            return None
        account_id = PointLot.objects.values_list("account_id", flat=True).get(transaction_id=credit_id)
        locked = ledger.lock_account(account_id)
        lot = PointLot.objects.get(transaction_id=credit_id)  # read under the lock
        left = lot.points - ledger.get_reversed_points(credit_id)
        key = f"{credit_key}:reverse"
        if left <= 0:
            return ledger.find_posted(key)
        return ledger.reverse(locked, lot, points=left, key=key, request={"credit_key": credit_key, "points": left},
                              source=Source(reason=reason), now=now)


def return_redeemed_points(
    order_id: str, *, expiry_days: int, now: datetime | None = None
) -> PostedTransaction | None:
    """Give back the points captured for ``order_id`` (a cancelled order); None if none were.

    The points come back as a new lot, available at once and expiring ``expiry_days`` from now
    (0: never), since the lots they came from may have expired meanwhile. A debt is paid first.
    They were the owner's already, so they do not count as earned: ``lifetime_earned`` stays
    (and tier figures come from order records, which a return does not touch).
    Idempotent (``order:<id>:return-redeemed``).
    """
    now = now or timezone.now()
    with transaction.atomic():
        captured = PointHold.objects.filter(order_id=order_id, status=HoldStatus.CAPTURED).order_by("-id").first()
        if captured is None:
            return None
        expires_at = now + timedelta(days=expiry_days) if expiry_days else None
        posted = ledger.credit(
            captured.account_id, kind=TransactionKind.REVERSE, system_code=SystemCode.REDEEMED,
            points=captured.points, key=f"order:{order_id}:return-redeemed",
            request={"order_id": order_id, "hold": captured.pk, "points": captured.points},
            source=Source(reason="order cancelled: redeemed points returned", order_id=order_id),
            now=now, available_at=now, expires_at=expires_at,
        )
        if posted.created:
            # ledger.credit counts every credit as earned; this one is not (see docs/services.md).
            uncount_earned(captured.account_id, posted.points)
        return posted
