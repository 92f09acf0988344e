"""Credits: points for an order, bonuses (welcome, birthday, referral, rebate), staff adjustments.

A credit is one SQL statement (``loyalty_credit()``), so it needs no ``transaction.atomic``.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from ... import ledger
from ...exceptions import AccountNotFound, InvalidInput, PointsNotPositive
from ...ledger import PostedTransaction, Source
from ...models import SystemCode, TransactionKind
from .accounts import required_account_id
from .values import Owner


def credit_points_for_order(
    owner: Owner,
    order_id: str,
    *,
    points: int,
    available_at: datetime | None = None,
    expires_at: datetime | None = None,
    rule_id: str = "",
    reason: str = "points for order",
    now: datetime | None = None,
) -> PostedTransaction:
    """Credit the points an order earned: pending until ``available_at`` (the return window;
    None = now), expiring at ``expires_at`` (None = never). Once per order (``order:<id>:earn``).
    """
    request = {"owner": asdict(owner), "order_id": order_id, "points": points, "available_at": available_at,
               "expires_at": expires_at, "rule_id": rule_id}
    return _credit(owner, TransactionKind.EARN, SystemCode.ISSUED, f"order:{order_id}:earn", request,
                   Source(reason=reason, order_id=order_id, rule_id=rule_id), points=points,
                   available_at=available_at, expires_at=expires_at, now=now)


_BONUS_ISSUERS = (SystemCode.BONUSES, SystemCode.REFERRAL_REWARDS, SystemCode.REBATES)


def credit_bonus(
    owner: Owner,
    idempotency_key: str,
    *,
    points: int,
    reason: str,
    system_code: SystemCode = SystemCode.BONUSES,
    rule_id: str = "",
    available_at: datetime | None = None,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> PostedTransaction:
    """Credit a bonus (welcome, birthday; a referral reward with ``SystemCode.REFERRAL_REWARDS``,
    a company's volume rebate with ``SystemCode.REBATES``)."""
    if system_code not in _BONUS_ISSUERS:
        raise InvalidInput("a bonus comes from the bonuses, referral rewards or rebates account", field="system_code")
    request = {"owner": asdict(owner), "points": points, "system_code": str(system_code), "rule_id": rule_id,
               "available_at": available_at, "expires_at": expires_at}
    return _credit(owner, TransactionKind.BONUS, system_code, idempotency_key, request,
                   Source(reason=reason, rule_id=rule_id), points=points,
                   available_at=available_at, expires_at=expires_at, now=now)


def _credit(owner: Owner, kind: TransactionKind, system_code: SystemCode, key: str, request: dict[str, object],
            source: Source, *, points: int, available_at: datetime | None, expires_at: datetime | None,
            now: datetime | None) -> PostedTransaction:
    now = now or timezone.now()
    # No transaction.atomic(): the credit is one SQL statement, atomic by itself, which finds
    # the owner's account too (``ledger.credit``). An owner without an account yet (their first
    # credit) gets one (harmless on its own), then the same credit with its id.
    arguments = dict(kind=kind, system_code=system_code, points=points, key=key, request=request, source=source,
                     now=now, available_at=available_at or now, expires_at=expires_at)
    try:
        return ledger.credit(None, owner=(owner.user_id, owner.company_id), **arguments)
    except AccountNotFound:
        return ledger.credit(required_account_id(owner), **arguments)


def adjust_points(
    owner: Owner,
    points: int,
    *,
    reason: str,
    staff_user_id: int,
    idempotency_key: str | None = None,
    expires_at: datetime | None = None,
    allow_debt: bool = False,
    now: datetime | None = None,
) -> PostedTransaction:
    """A staff correction: positive points credit a new lot, negative ones are spent oldest first.

    A negative adjustment beyond the available balance raises ``InsufficientPoints`` unless
    ``allow_debt``. Without ``idempotency_key`` every call is a new adjustment.
    """
    if not reason.strip():
        raise InvalidInput("an adjustment needs a reason", field="reason")
    if isinstance(points, bool) or not isinstance(points, int) or points == 0:
        raise PointsNotPositive("an adjustment moves a non-zero integer of points", field="points")
    now = now or timezone.now()
    key = idempotency_key or f"staff:{staff_user_id}:adjust:{uuid.uuid4()}"
    request = {"owner": asdict(owner), "points": points, "staff_user_id": staff_user_id, "expires_at": expires_at,
               "allow_debt": allow_debt}
    source = Source(reason=reason, staff_user_id=staff_user_id)
    with transaction.atomic():
        account_id = required_account_id(owner)
        if points > 0:
            return ledger.credit(account_id, kind=TransactionKind.ADJUST, system_code=SystemCode.ADJUSTMENTS,
                                 points=points, key=key, request=request, source=source, now=now,
                                 available_at=now, expires_at=expires_at)
        return ledger.debit(ledger.lock_account(account_id), kind=TransactionKind.ADJUST,
                            system_code=SystemCode.ADJUSTMENTS, points=-points, key=key, request=request,
                            source=source, now=now, allow_debt=allow_debt)


