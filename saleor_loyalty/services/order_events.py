"""One order workflow for every door: Saleor's hooks, the Celery tasks and the demo.

``handle_order_event`` takes an order event as plain values (the kind, the order's id and facts,
the cumulative refund, the configuration, the time), does what must happen at once (record the
order, capture its checkout's points, reverse on cancel and refund) and returns what must follow
as values: ``CreditOrder`` after the credit event, ``RefreshOrderOwners`` after points changed.
``run_follow_up`` runs one of them; it may return further follow-ups (a credit is followed by a
refresh). The Saleor adapter schedules them as Celery tasks once its transaction commits, the
tasks and the demo run them here, so all three run the very same code.

The outbox (docs/hooks.md, "Delivery"): every event writes what it made due on the loyalty order
row before anything is handed to a broker - ``credit_due_at``, ``cancel_requested_at``,
``refund_requested_amount``, ``follow_up_due_at`` - and ``services.order_delivery`` finds and
runs whatever is still due when a task was never queued, was lost, or died half-way. Every step
is idempotent (row locks, ledger idempotency keys), so running it twice never doubles a point.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from ..config import ProgramConfig
from ..exceptions import InvalidInput, OrderNotFound
from ..models import OrderRecord, OrderStatus
from . import orders, redemption, tiers
from .b2b import company_tiers
from .orders import CancelResult, CreditResult, OrderFacts, OrderInfo, RefundResult
from .redemption import RedemptionInfo

# The Saleor side mirrors a customer's balance and tier into its user metadata; the demo has none.
Mirror = Callable[[int], None]


class OrderEvent(StrEnum):
    CREATED = "created"
    PAID = "paid"  # the configured credit event (order_fully_paid by default)
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


@dataclass(frozen=True)
class CreditOrder:
    """Credit the recorded order's points (and the referrer's reward) once."""

    order_id: str


@dataclass(frozen=True)
class RefreshOrderOwners:
    """Re-evaluate the order's customer's tier (and mirror their balance) and its company's tier."""

    order_id: str


FollowUp = CreditOrder | RefreshOrderOwners


@dataclass(frozen=True)
class EventOutcome:
    """What an event did at once, and what must follow once its transaction commits. ``order``
    is None when the event did not need to read the order (a payment marked in one UPDATE)."""

    order: OrderInfo | None
    follow_ups: tuple[FollowUp, ...]
    captured: RedemptionInfo | None = None
    cancelled: CancelResult | None = None
    refunded: RefundResult | None = None


@dataclass(frozen=True)
class FollowUpDone:
    """A follow-up that ran: ``credit`` for a ``CreditOrder`` (None when the order was cancelled
    first), ``then`` what must follow it."""

    follow_up: FollowUp
    then: tuple[FollowUp, ...]
    credit: CreditResult | None = None


def handle_order_event(
    event: OrderEvent, *, order_id: str, facts: OrderFacts | None = None, refunded_amount: Decimal | None = None,
    config: ProgramConfig, now: datetime | None = None,
) -> EventOutcome:
    """Handle one order event; returns what it did and the follow-ups to schedule after commit.

    ``facts`` records the order on ``CREATED`` (required there) and records it late on any other
    event when it was never recorded (an order from before the plugin, a staff draft order).
    ``refunded_amount`` (required for ``REFUNDED``) is the cumulative refund; it is capped at what
    was paid and a lower or repeated amount changes nothing. Each event first writes its intent on
    the order row and commits it, so a failure after that is finished by the delivery sweep:

    - ``CREATED``: record the order, capture its checkout's held points;
    - ``PAID``: mark the order due a credit (``credit_due_at``) -> ``CreditOrder``;
    - ``CANCELLED``: mark it, reverse earned points, return redeemed ones -> ``RefreshOrderOwners``;
    - ``REFUNDED``: mark the cumulative refund, reverse its share -> ``RefreshOrderOwners``.
    """
    now = now or timezone.now()
    if event == OrderEvent.CREATED:
        if facts is None:
            raise InvalidInput("order_created needs the order's facts", field="facts")
        order = orders.record_order(facts, now=now)
        captured = None
        if facts.checkout_token and facts.voucher_code:  # points are spent only through their code
            captured = redemption.capture_redemption(facts.checkout_token, order_id=order_id, now=now)
        return EventOutcome(order, (), captured=captured)
    if event == OrderEvent.PAID and _mark_credit_due(order_id, now):
        return EventOutcome(None, (CreditOrder(order_id),))  # one statement: the common case
    order = _ensure_recorded(order_id, facts, now)
    if event == OrderEvent.PAID:
        return _paid(order, now)
    if event == OrderEvent.CANCELLED:
        return _cancelled(order, config, now)
    if event == OrderEvent.REFUNDED:
        if refunded_amount is None:
            raise InvalidInput("order_refunded needs the cumulative refunded amount", field="refunded_amount")
        return _refunded(order, refunded_amount, now)
    raise InvalidInput(f"unknown order event {event!r}", field="event")


def _ensure_recorded(order_id: str, facts: OrderFacts | None, now: datetime) -> OrderInfo:
    try:
        return orders.get_order(order_id)
    except OrderNotFound:
        if facts is None:
            raise
        return orders.record_order(facts, now=now)


def _mark_credit_due(order_id: str, now: datetime) -> bool:
    # Written (and committed with the caller's transaction) before any task is queued: a broker
    # that is down loses the message, not the credit.
    return bool(OrderRecord.objects.filter(order_id=order_id, credited=False).exclude(
        status=OrderStatus.CANCELLED).update(credit_due_at=Coalesce("credit_due_at", now)))


def _paid(order: OrderInfo, now: datetime) -> EventOutcome:
    """The order was just recorded late (or is credited or cancelled already)."""
    return EventOutcome(order, (CreditOrder(order.order_id),) if _mark_credit_due(order.order_id, now) else ())


def _owners_follow_up(order: OrderInfo) -> tuple[FollowUp, ...]:
    return (RefreshOrderOwners(order.order_id),) if order.user_id is not None or order.company_id is not None else ()


def _mark_follow_up(order_id: str, now: datetime) -> None:
    OrderRecord.objects.filter(order_id=order_id).filter(
        Q(user__isnull=False) | Q(company__isnull=False)).update(follow_up_due_at=now)


def _cancelled(order: OrderInfo, config: ProgramConfig, now: datetime) -> EventOutcome:
    # The intent commits on its own first: if the reversal fails, the sweep still knows it is due.
    OrderRecord.objects.filter(order_id=order.order_id, cancel_requested_at__isnull=True).update(
        cancel_requested_at=now)
    result = cancel_recorded_order(order.order_id, config=config, now=now)
    return EventOutcome(order, _owners_follow_up(order), cancelled=result)


def cancel_recorded_order(order_id: str, *, config: ProgramConfig, now: datetime) -> CancelResult:
    """Run a cancellation whose intent is recorded: the reversal and the refresh mark commit together."""
    with transaction.atomic():
        result = orders.cancel_order(order_id, config=config, now=now)
        if not result.already_cancelled:
            _mark_follow_up(order_id, now)
    return result


def _refunded(order: OrderInfo, refunded_amount: Decimal, now: datetime) -> EventOutcome:
    if not isinstance(refunded_amount, Decimal) or not refunded_amount.is_finite() or refunded_amount < 0:
        raise InvalidInput("refunded_amount must be a Decimal >= 0", field="refunded_amount")
    # Saleor's refunded total may include what was never ours to count: cap it at what was paid.
    target = min(refunded_amount, order.goods_total + order.shipping)
    OrderRecord.objects.filter(order_id=order.order_id).update(
        refund_requested_amount=Greatest("refund_requested_amount", target), updated_at=now)
    result = refund_recorded_order(order.order_id, now=now)
    return EventOutcome(order, _owners_follow_up(order) if result is not None else (), refunded=result)


def refund_recorded_order(order_id: str, *, now: datetime) -> RefundResult | None:
    """Apply the order's recorded refund intent; None when it is applied already."""
    with transaction.atomic():
        record = OrderRecord.objects.select_for_update().get(order_id=order_id)
        if record.refund_requested_amount <= record.refunded_amount:
            return None
        result = orders.refund_order(order_id, refunded_amount=record.refund_requested_amount, now=now)
        _mark_follow_up(order_id, now)
    return result


def run_follow_up(
    follow_up: FollowUp, *, config: ProgramConfig, now: datetime | None = None, mirror: Mirror | None = None
) -> FollowUpDone:
    """Run one follow-up; idempotent, so a retry, a second delivery or the sweep never doubles.

    ``CreditOrder``: credit the order once (a refund recorded before the credit is reversed in the
    same transaction), marking its owners due a refresh -> ``RefreshOrderOwners``. An order
    cancelled meanwhile earns nothing and needs no credit. ``RefreshOrderOwners``: the customer's
    tier, ``mirror(user_id)`` when given (Saleor's user metadata), the company's tier; then the
    refresh mark is cleared unless a newer event set it again.
    """
    now = now or timezone.now()
    if isinstance(follow_up, CreditOrder):
        return _credit(follow_up, config, now)
    if isinstance(follow_up, RefreshOrderOwners):
        _refresh_owners(follow_up.order_id, config, now, mirror)
        return FollowUpDone(follow_up, ())
    raise InvalidInput(f"unknown follow-up {follow_up!r}", field="follow_up")


def run_follow_ups(
    follow_ups: Iterable[FollowUp], *, config: ProgramConfig, now: datetime | None = None,
    mirror: Mirror | None = None,
) -> list[FollowUpDone]:
    """Run follow-ups and whatever they lead to, in order (the demo, a task, the sweep)."""
    queue, done = list(follow_ups), []
    while queue:
        ran = run_follow_up(queue.pop(0), config=config, now=now, mirror=mirror)
        done.append(ran)
        queue.extend(ran.then)
    return done


def _credit(follow_up: CreditOrder, config: ProgramConfig, now: datetime) -> FollowUpDone:
    with transaction.atomic():
        status = OrderRecord.objects.select_for_update().filter(order_id=follow_up.order_id).values_list(
            "status", flat=True).first()
        if status == OrderStatus.CANCELLED:
            return FollowUpDone(follow_up, ())
        # An order never recorded: credit_order raises OrderNotFound (a bug upstream, not retried).
        result = orders.credit_order(follow_up.order_id, config=config, now=now)
        if result.created:
            _mark_follow_up(follow_up.order_id, now)
    due = OrderRecord.objects.filter(order_id=follow_up.order_id, follow_up_due_at__isnull=False).exists()
    return FollowUpDone(follow_up, (RefreshOrderOwners(follow_up.order_id),) if due else (), credit=result)


def _refresh_owners(order_id: str, config: ProgramConfig, now: datetime, mirror: Mirror | None) -> None:
    row = OrderRecord.objects.filter(order_id=order_id).values("user_id", "company_id", "follow_up_due_at").first()
    if row is None:
        raise OrderNotFound(f"order {order_id} was never recorded", field="order_id")
    if row["user_id"] is not None:
        tiers.reevaluate_tier(row["user_id"], config=config, now=now)
        if mirror is not None:
            mirror(row["user_id"])
    if row["company_id"] is not None:
        company_tiers.evaluate_company_tier(row["company_id"], now=now)
    if row["follow_up_due_at"] is not None:
        # Compare and clear: a newer event that marked the order again keeps its mark.
        OrderRecord.objects.filter(order_id=order_id, follow_up_due_at=row["follow_up_due_at"]).update(
            follow_up_due_at=None)
