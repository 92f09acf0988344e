"""Batches the Celery tasks run: maturing pending points, expiring lots, releasing stale holds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ... import ledger
from ...ledger import LockedAccount, PostedTransaction
from ...models import HoldStatus, OrderRecord, OrderStatus, PointHold, PointLot
from .values import BatchResult


def mature_due_points(*, now: datetime | None = None, batch_size: int = 500) -> BatchResult:
    """Make pending points available once their return window is over."""
    now = now or timezone.now()
    not_expired = Q(expires_at__isnull=True) | Q(expires_at__gt=now)  # the expiry job takes those
    due = Q(matured=False, remaining__gt=0, available_at__lte=now) & not_expired
    return _run_batch(PointLot.objects.filter(due), batch_size,
                      lambda locked: [ledger.mature(locked, lot, now=now) for lot in _lots(locked, due)])


def expire_due_points(*, now: datetime | None = None, batch_size: int = 500) -> BatchResult:
    """Write off what is left of every lot past its expiry, oldest first."""
    now = now or timezone.now()
    due = Q(remaining__gt=0, expires_at__lte=now)
    return _run_batch(PointLot.objects.filter(due), batch_size,
                      lambda locked: [ledger.expire(locked, lot, now=now) for lot in _lots(locked, due)])


def spent_holds(*, placed_by: datetime | None = None) -> QuerySet[Any]:
    """The ids of holds whose redemption code is the voucher of a recorded, not cancelled order
    (placed by ``placed_by`` when given): the order took the discount those points pay for."""
    from ...models import CodeKind, DiscountCode

    orders = OrderRecord.objects.exclude(status=OrderStatus.CANCELLED).exclude(voucher_code="")
    if placed_by is not None:
        orders = orders.filter(placed_at__lte=placed_by)
    return DiscountCode.objects.filter(
        kind=CodeKind.REDEMPTION, hold__isnull=False, code__in=orders.values("voucher_code")).values("hold_id")


def release_stale_holds(*, now: datetime | None = None, batch_size: int = 500) -> BatchResult:
    """Release the holds whose checkout never became an order in time.

    A hold spent by a recorded (not cancelled) order, its redemption code being the order's
    voucher, is never released: the delivery sweep captures it instead
    (``order_delivery.capture_placed_order_holds``). A hold whose code the shopper removed
    before ordering was not spent and is released like any other.
    """
    now = now or timezone.now()
    due = Q(status=HoldStatus.ACTIVE, expires_at__lte=now) & ~Q(id__in=spent_holds())

    def release_all(locked: LockedAccount) -> list[PostedTransaction]:
        holds = PointHold.objects.filter(due, account_id=locked.account_id).order_by("expires_at", "id")
        return [ledger.release(locked, held, reason="hold timed out", now=now) for held in holds]

    return _run_batch(PointHold.objects.filter(due), batch_size, release_all)


def _lots(locked: LockedAccount, due: Q) -> list[PointLot]:
    return list(PointLot.objects.filter(due, account_id=locked.account_id).order_by("expires_at", "id"))


def _run_batch(candidates: QuerySet[Any], batch_size: int,
               work: Callable[[LockedAccount], list[PostedTransaction]]) -> BatchResult:
    """Do ``work`` for the accounts of up to ``batch_size`` due rows, one transaction per account.

    Accounts locked by someone else (a checkout, a concurrent run) are skipped for the next run;
    ``work`` re-reads what is due under the lock, so running twice or concurrently is safe.
    """
    rows = list(candidates.order_by("id").values_list("account_id", flat=True)[:batch_size])
    processed = skipped = 0
    for account_id in dict.fromkeys(rows):
        with transaction.atomic():
            locked = ledger.try_lock_account(account_id)
            if locked is None:
                skipped += 1
                continue
            processed += len(work(locked))
    return BatchResult(processed, skipped, has_more=len(rows) == batch_size)
