"""Staff corrections of a customer's points, checked the same way in every door, and their audit.

``adjust_customer_points`` is what the ``loyaltyPointsAdjust`` mutation and the staff console
both call: it reports every problem with the input at once (``InvalidInput.problems``), checks
the customer exists, then books through ``points.adjust_points``. The ledger records the staff
member on the adjustment's transaction (``staff_user_id``), so ``list_adjustments`` reads the
audit trail (who changed whose points, by how much, why, when) straight from the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Sum

from ...exceptions import InvalidInput, NotFound
from ...ledger.values import PostedTransaction
from ...models import LedgerEntry, TransactionKind
from .. import points

# One adjustment moves at most this many points, so that a slip of the keyboard (an extra zero
# or two) is refused instead of booked, and balances stay far inside GraphQL's 32-bit Int.
MAX_ADJUSTMENT_POINTS = 1_000_000
# The ledger's columns: reason varchar(255); the key is stored with its namespace (varchar(200)).
MAX_REASON_LENGTH = 255
MAX_IDEMPOTENCY_KEY_LENGTH = 100


def check_adjustment(*, points_: int, reason: str, idempotency_key: str | None) -> None:
    """Every problem with an adjustment's arguments at once, as ``InvalidInput.problems``."""
    problems: list[tuple[str | None, str]] = []
    if points_ == 0:
        problems.append(("points", "An adjustment must add or remove at least one point."))
    elif abs(points_) > MAX_ADJUSTMENT_POINTS:
        problems.append(("points", f"An adjustment moves at most {MAX_ADJUSTMENT_POINTS:,} points."))
    if not reason.strip():
        problems.append(("reason", "Give a reason; the customer sees it on their statement."))
    elif len(reason) > MAX_REASON_LENGTH:
        problems.append(("reason", f"The reason is longer than {MAX_REASON_LENGTH} characters."))
    if idempotency_key is not None and not 0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY_LENGTH:
        problems.append(("idempotency_key", f"The key must be 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters."))
    if problems:
        raise InvalidInput(problems[0][1], field=problems[0][0], problems=problems)


def adjust_customer_points(
    customer_id: int,
    points_: int,
    *,
    reason: str,
    staff_user_id: int,
    idempotency_key: str | None = None,
    key_namespace: str,
) -> PostedTransaction:
    """Add (positive) or remove (negative) a customer's points by hand, in ``staff_user_id``'s name.

    ``idempotency_key`` makes a retry safe: the same key with the same arguments returns the
    first adjustment (``created=False``) instead of booking another. Keys live in the caller's
    ``key_namespace`` (``api:points-adjust:``, ``console:points-adjust:``), so no client key can
    equal a key the system builds for an order. A removal beyond the balance raises
    ``InsufficientPoints``; a company member's points are the company's pool.
    """
    check_adjustment(points_=points_, reason=reason, idempotency_key=idempotency_key)
    if not get_user_model()._default_manager.filter(pk=customer_id).exists():
        raise NotFound(f"Couldn't resolve to a customer: {customer_id}", field="customer_id")
    return points.adjust_points(
        points.Owner.customer(customer_id),
        points_,
        reason=reason.strip(),
        staff_user_id=staff_user_id,
        idempotency_key=None if idempotency_key is None else key_namespace + idempotency_key,
    )


@dataclass(frozen=True)
class AdjustmentRecord:
    """One staff adjustment: who (``staff_user_id``/``staff_email``) moved how many points of whom."""

    transaction_id: int
    created_at: datetime
    staff_user_id: int | None
    staff_email: str
    user_id: int | None
    company_id: int | None
    points: int
    reason: str


def list_adjustments(*, user_id: int | None = None, limit: int = 50) -> list[AdjustmentRecord]:
    """The newest staff adjustments (of one customer's own account when ``user_id`` is given).

    Two queries: the adjustments' owner-side legs summed per transaction, and the staff emails.
    """
    legs = LedgerEntry.objects.filter(transaction__kind=TransactionKind.ADJUST, account__system_code__isnull=True)
    if user_id is not None:
        legs = legs.filter(account__user_id=user_id)
    rows = list(
        legs.values(
            "transaction_id", "transaction__created_at", "transaction__staff_user_id", "transaction__reason",
            "account__user_id", "account__company_id",
        )
        .annotate(total=Sum("points"))
        .order_by("-transaction_id")[:limit]
    )
    staff_ids = {row["transaction__staff_user_id"] for row in rows} - {None}
    emails = dict(get_user_model()._default_manager.filter(pk__in=staff_ids).values_list("pk", "email"))
    return [
        AdjustmentRecord(
            transaction_id=row["transaction_id"], created_at=row["transaction__created_at"],
            staff_user_id=row["transaction__staff_user_id"],
            staff_email=emails.get(row["transaction__staff_user_id"], "") or "",
            user_id=row["account__user_id"], company_id=row["account__company_id"],
            points=row["total"], reason=row["transaction__reason"],
        )
        for row in rows
    ]


@dataclass(frozen=True)
class OrderPointsLine:
    """One ledger transaction about an order, as the order's owner saw it (signed, per bucket)."""

    transaction_id: int
    kind: str
    bucket: str
    points: int
    reason: str
    created_at: datetime


@dataclass(frozen=True)
class OrderPoints:
    """What the loyalty program did on one order: earned, reversed, held at checkout, redeemed."""

    order_id: str
    user_id: int | None
    points_earned: int
    points_reversed: int
    points_held: int
    hold_status: str
    lines: tuple[OrderPointsLine, ...]


def get_order_points(order_id: str) -> OrderPoints | None:
    """The order's points story (three queries), or None when the program never saw the order."""
    from ...models import OrderRecord, PointHold

    record = OrderRecord.objects.filter(order_id=order_id).values_list(
        "user_id", "points_earned", "points_reversed").first()
    hold = PointHold.objects.filter(order_id=order_id).order_by("-id").values_list("points", "status").first()
    legs = (
        LedgerEntry.objects.filter(transaction__order_id=order_id, account__system_code__isnull=True)
        .values_list("transaction_id", "transaction__kind", "bucket", "transaction__reason", "transaction__created_at")
        .annotate(total=Sum("points"))
        .order_by("transaction_id", "bucket")
    )
    lines = tuple(
        OrderPointsLine(transaction_id, kind, bucket, total, reason, created_at)
        for transaction_id, kind, bucket, reason, created_at, total in legs
    )
    if record is None and hold is None and not lines:
        return None
    user_id, earned, reversed_ = record if record is not None else (None, 0, 0)
    return OrderPoints(order_id, user_id, earned, reversed_, hold[0] if hold else 0, hold[1] if hold else "", lines)
