"""Two points movements that ``services.points`` does not offer yet, written through ``ledger``.

* ``reverse_bonus``: take back a bonus (a referral reward) when the order that earned it is
  cancelled, the way ``points.reverse_points_for_cancellation`` takes back an order's earn.
* ``return_redeemed_points``: give back the points a cancelled order's redemption captured.

They belong in ``services.points`` (the ledger engineer's module) and should move there; until
then they follow its pattern exactly: one transaction, the owner account locked, an
idempotency key derived from the source, the ledger as the only writer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from .. import ledger
from ..ledger import PostedTransaction, Source
from ..models import LedgerTransaction, PointHold, PointLot, SystemCode, TransactionKind


def reverse_bonus(credit_key: str, *, reason: str, now: datetime) -> PostedTransaction | None:
    """Reverse what is left of the bonus credited under ``credit_key``; None if there was none.

    Points already spent become debt, as with any reversal. Idempotent (``<key>:reverse``).
    """
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
        return ledger.reverse(
            locked, lot, points=left, key=key, request={"credit_key": credit_key, "points": left},
            source=Source(reason=reason), now=now,
        )


def return_redeemed_points(
    order_id: str, *, expiry_days: int, now: datetime
) -> PostedTransaction | None:
    """Credit back the points captured for ``order_id`` (available at once); None if none were.

    The returned points form a new lot expiring ``expiry_days`` from now (0: never), since the
    lots they came from may have expired meanwhile. Idempotent (``order:<id>:return-redeemed``).
    """
    with transaction.atomic():
        captured = PointHold.objects.filter(order_id=order_id, status="captured").order_by("-id").first()
        if captured is None:
            return None
        expires_at = now + timedelta(days=expiry_days) if expiry_days else None
        return ledger.credit(
            captured.account_id, kind=TransactionKind.REVERSE, system_code=SystemCode.REDEEMED,
            points=captured.points, key=f"order:{order_id}:return-redeemed",
            request={"order_id": order_id, "hold": captured.pk, "points": captured.points},
            source=Source(reason="order cancelled: redeemed points returned", order_id=order_id),
            now=now, available_at=now, expires_at=expires_at,
        )
