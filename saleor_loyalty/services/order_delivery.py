"""The outbox sweep: deliver whatever an order event made due and no task delivered.

Each order event writes its intent on the loyalty order row before anything is queued
(``services.order_events``). A broker that is down, a worker killed with the message in flight, a
task that lost its database connection: the row still says what is due, and this sweep (the
periodic ``deliver_order_work_task``, or ``manage.py loyalty_deliver`` on demand) finds and runs
it, through the same code the tasks run:

- cancellations recorded and not applied (``cancel_requested_at``, status not cancelled);
- refunds recorded and not applied (``refund_requested_amount > refunded_amount``);
- credits due and not made (``credit_due_at``, not credited, not cancelled or being cancelled);
- points held for a checkout that became a recorded order and were never captured (the
  stale-hold release leaves those alone, so the points are not given back for a paid discount);
- owner refreshes due (``follow_up_due_at``): tiers and the metadata mirror.

Only work older than ``grace`` is taken, so the sweep does not race the tasks it stands in for;
if it does, nothing doubles: every step locks the order row and posts under the ledger's
idempotency keys. The referrer's reward commits with the credit (``orders.credit_order``), and
volume rebates are paid by their own periodic job from their statements, so neither can be left
due by a lost task. Cancellations run before credits, so an order cancelled while its credit
was lost is never credited.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone

from ..config import ProgramConfig
from ..models import CodeKind, CodeStatus, DiscountCode, HoldStatus, OrderRecord, OrderStatus, PointHold
from . import points, redemption
from .order_events import (
    CreditOrder,
    Mirror,
    RefreshOrderOwners,
    cancel_recorded_order,
    refund_recorded_order,
    run_follow_up,
    run_follow_ups,
)

logger = logging.getLogger(__name__)

DEFAULT_GRACE = timedelta(minutes=10)


@dataclass(frozen=True)
class DeliveryResult:
    """How many of each kind of due work the sweep delivered, and how many failed (logged; the
    next run tries them again)."""

    cancelled: int = 0
    refunded: int = 0
    credited: int = 0
    captured: int = 0
    refreshed: int = 0
    failed: int = 0

    @property
    def total(self) -> int:
        return self.cancelled + self.refunded + self.credited + self.captured + self.refreshed

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def due_credits(cutoff: datetime) -> Q:
    """Orders whose credit event was recorded by ``cutoff`` and that are still not credited."""
    return Q(credit_due_at__lte=cutoff, credited=False, cancel_requested_at__isnull=True) & ~Q(
        status=OrderStatus.CANCELLED)


def due_cancellations(cutoff: datetime) -> Q:
    return Q(cancel_requested_at__lte=cutoff) & ~Q(status=OrderStatus.CANCELLED)


def due_refunds(cutoff: datetime) -> Q:
    return Q(refund_requested_amount__gt=F("refunded_amount"), updated_at__lte=cutoff)


def deliver_due_order_work(
    *, config: ProgramConfig, now: datetime | None = None, grace: timedelta = DEFAULT_GRACE,
    batch_size: int = 200, mirror: Mirror | None = None,
) -> DeliveryResult:
    """Run every order's work that is due since ``now - grace``; returns what was delivered.

    Up to ``batch_size`` orders of each kind per run (the next run carries on). One order that
    fails (a bug, a refused input) is logged and counted, and the others still run; a lost
    database connection stops the sweep (re-raised: the task retries it).
    """
    now = now or timezone.now()
    cutoff = now - grace
    failed = 0

    def each(query: Q, run: Callable[[str], bool]) -> int:
        nonlocal failed
        done = 0
        ids = OrderRecord.objects.filter(query).order_by("id").values_list("order_id", flat=True)[:batch_size]
        for order_id in list(ids):
            try:
                done += run(order_id)
            except (OperationalError, InterfaceError):
                raise
            except Exception:  # noqa: BLE001 - one bad order must not block the others; logged, retried next run
                failed += 1
                logger.exception("Loyalty could not deliver the due work of order %s", order_id)
        return done

    cancelled = each(due_cancellations(cutoff), lambda order_id: not cancel_recorded_order(
        order_id, config=config, now=now).already_cancelled)
    refunded = each(due_refunds(cutoff), lambda order_id: refund_recorded_order(order_id, now=now) is not None)
    credited = each(due_credits(cutoff), lambda order_id: _credit(order_id, config, now, mirror))
    captured = capture_placed_order_holds(cutoff=cutoff, now=now, batch_size=batch_size)
    refreshed = each(Q(follow_up_due_at__lte=cutoff), lambda order_id: _refresh(order_id, config, now, mirror))
    return DeliveryResult(cancelled, refunded, credited, captured, refreshed, failed)


def _credit(order_id: str, config: ProgramConfig, now: datetime, mirror: Mirror | None) -> bool:
    done = run_follow_ups((CreditOrder(order_id),), config=config, now=now, mirror=mirror)
    credit = done[0].credit
    return credit is not None and credit.created


def _refresh(order_id: str, config: ProgramConfig, now: datetime, mirror: Mirror | None) -> bool:
    run_follow_up(RefreshOrderOwners(order_id), config=config, now=now, mirror=mirror)
    return True


def _placed_order_holds(cutoff: datetime) -> Q:
    """Active holds spent by an order placed by ``cutoff``: the order used the hold's own
    redemption code (``points.spent_holds``; a hold whose code the shopper removed before
    ordering was not spent and is released as usual)."""
    return Q(status=HoldStatus.ACTIVE, id__in=points.spent_holds(placed_by=cutoff))


def capture_placed_order_holds(*, cutoff: datetime, now: datetime | None = None, batch_size: int = 200) -> int:
    """Capture the points still held for checkouts that became recorded orders by ``cutoff``
    (``order_created`` failed half-way); returns how many were captured.

    The order row is locked first and re-read: an order cancelled meanwhile keeps its hold for
    the stale-hold release (the customer gets the points back), never a capture that its
    cancellation could no longer return.
    """
    now = now or timezone.now()
    tokens = list(PointHold.objects.filter(_placed_order_holds(cutoff)).order_by("id")
                  .values_list("checkout_token", flat=True)[:batch_size])
    captured = 0
    for token in dict.fromkeys(tokens):
        with transaction.atomic():
            record = (OrderRecord.objects.select_for_update().filter(checkout_token=token)
                      .exclude(status=OrderStatus.CANCELLED).order_by("id").first())
            if record is None or record.cancel_requested_at is not None:
                continue
            code = DiscountCode.objects.filter(
                kind=CodeKind.REDEMPTION, checkout_token=token, status=CodeStatus.ACTIVE).exists()
            if code:
                redemption.capture_redemption(token, order_id=record.order_id, now=now)
            else:
                points.capture_hold_for_order(token, record.order_id, now=now)
            captured += 1
    return captured

