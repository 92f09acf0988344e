"""Holds and redemptions: points reserved for a checkout, captured by its order, or spent at once."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ... import ledger
from ...exceptions import HoldNotFound, InvalidInput
from ...ledger import PostedTransaction, Source
from ...models import HoldStatus, PointHold, SystemCode, TransactionKind
from .accounts import required_account_id
from .values import HoldInfo, Owner


def hold_points_for_checkout(
    owner: Owner, checkout_token: str, *, points: int, expires_at: datetime, now: datetime | None = None
) -> HoldInfo:
    """Reserve ``points`` for a checkout until ``expires_at``; held points are not available.

    Calling again with the same points returns the active hold (extending its expiry if later);
    with other points it releases the old hold and places a new one, in one transaction.
    """
    now = now or timezone.now()
    if expires_at <= now:
        raise InvalidInput("a hold must expire in the future", field="expires_at")
    with transaction.atomic():
        account_id = required_account_id(owner)
        locked = ledger.lock_account(account_id)
        active = PointHold.objects.filter(checkout_token=checkout_token, status=HoldStatus.ACTIVE).first()
        if active is not None:
            if active.account_id == account_id and active.points == points:
                ledger.extend_hold(active, expires_at=expires_at)
                return _hold_info(active)
            # The checkout changed its points (or its customer): replace the hold. A second lock
            # only when the customer changed: rare, and a race there is a detected deadlock.
            owner_of_active = locked if active.account_id == account_id else ledger.lock_account(active.account_id)
            ledger.release(owner_of_active, active, reason="replaced by a new hold", now=now)
        sequence = PointHold.objects.filter(checkout_token=checkout_token).count() + 1
        request = {"owner": asdict(owner), "checkout_token": checkout_token, "points": points, "sequence": sequence}
        _, held = ledger.hold(
            locked, points=points, checkout_token=checkout_token, expires_at=expires_at,
            key=f"checkout:{checkout_token}:hold:{sequence}", request=request,
            source=Source(reason="held for checkout", checkout_token=checkout_token), now=now,
        )
        return _hold_info(held)


def capture_hold_for_order(checkout_token: str, order_id: str, *, now: datetime | None = None) -> HoldInfo:
    """Redeem the checkout's held points on the order it became. Idempotent per order."""
    now = now or timezone.now()
    with transaction.atomic():
        held = _latest_hold(checkout_token)
        locked = ledger.lock_account(held.account_id)
        held = _latest_hold(checkout_token)  # re-read under the lock: it may have changed meanwhile
        if held.status == HoldStatus.CAPTURED and held.order_id == order_id:
            return _hold_info(held)
        ledger.capture(locked, held, order_id=order_id, now=now)
        return _hold_info(held)


def release_hold_for_checkout(
    checkout_token: str, *, reason: str = "checkout abandoned", now: datetime | None = None
) -> HoldInfo | None:
    """Give the checkout's held points back; None when it has no active hold."""
    now = now or timezone.now()
    with transaction.atomic():
        active = PointHold.objects.filter(checkout_token=checkout_token, status=HoldStatus.ACTIVE).first()
        if active is None:
            return None
        locked = ledger.lock_account(active.account_id)
        active.refresh_from_db()
        if active.status != HoldStatus.ACTIVE:
            return None  # closed by a concurrent capture or release before we got the lock
        ledger.release(locked, active, reason=reason, now=now)
        return _hold_info(active)


def redeem_points(
    owner: Owner, idempotency_key: str, *, points: int, reason: str, order_id: str = "", now: datetime | None = None
) -> PostedTransaction:
    """Spend available points at once (no hold); never below zero (``InsufficientPoints``)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = ledger.lock_account(required_account_id(owner))
        return ledger.debit(
            locked, kind=TransactionKind.REDEEM, system_code=SystemCode.REDEEMED, points=points,
            key=idempotency_key, request={"owner": asdict(owner), "points": points, "order_id": order_id},
            source=Source(reason=reason, order_id=order_id), now=now,
        )


def _latest_hold(checkout_token: str) -> PointHold:
    held = PointHold.objects.filter(checkout_token=checkout_token).order_by("-id").first()
    if held is None:
        raise HoldNotFound(f"no points were held for checkout {checkout_token}", field="checkout_token")
    return held


def _hold_info(held: PointHold) -> HoldInfo:
    return HoldInfo(held.pk, held.account_id, held.checkout_token, held.points, held.status, held.expires_at,
                    held.order_id)


