"""The ledger's writers: every change to points goes through one of these functions.

Each takes the owner account as locked by the caller (``lock_account``), except ``credit``,
which locks it itself (in ``loyalty_credit()``); each claims an idempotency key first and replays the first
result when the key was used before.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from django.db import connection
from django.db.models import Sum

from ..exceptions import AccountNotFound, InvalidInput
from ..models import (
    Bucket,
    HoldAllocation,
    HoldStatus,
    LedgerEntry,
    LedgerTransaction,
    PointHold,
    PointLot,
    SystemCode,
    TransactionKind,
)
from ..models.ledger import check_lot_values
from .accounts import get_system_account_id
from .core import (
    CREDIT_SQL,
    change_lots,
    check_active,
    check_available,
    check_points,
    check_postings,
    claim,
    close_hold,
    debt_paid,
    fingerprint_of,
    make_postings,
    post_locked,
    replay,
    replay_rows,
    require_atomic,
    take_from_lots,
)
from .values import LockedAccount, PostedTransaction, Source


def credit(
    account_id: int | None,
    *,
    kind: TransactionKind,
    system_code: SystemCode,
    points: int,
    key: str,
    request: Mapping[str, object],
    source: Source,
    now: datetime,
    available_at: datetime,
    expires_at: datetime | None,
    owner: tuple[int | None, int | None] | None = None,
) -> PostedTransaction:
    """Credit ``points`` from a system account into a new lot: pending until ``available_at``.

    The owner account is ``account_id``, or with ``account_id=None`` the account of ``owner``
    (``(user_id, company_id)``: a customer's own, or their company's pool), found in the same
    statement by ``loyalty_owner_account_id()``. One round trip (``CREDIT_SQL``, a call of
    ``loyalty_credit()``) locks the account row, claims the key, updates the balance, inserts
    both entries and the lot, or returns the first result of the key: a statement is atomic by
    itself, so this is the one writer that also runs outside ``transaction.atomic()``.
    ``AccountNotFound`` when there is no such owner account (nothing written).
    """
    check_points(points)
    if account_id is None and owner is None:
        raise InvalidInput("a credit needs the account or its owner", field="account_id")
    check_lot_values(points=points, remaining=points, expired=0, available_at=available_at, expires_at=expires_at)
    matured = available_at <= now
    bucket = Bucket.AVAILABLE if matured else Bucket.PENDING
    system_id = get_system_account_id(system_code)
    # The shape of the two entries (a system leg, an owner leg, summing to zero) does not depend
    # on which owner account it is; an owner found in SQL is checked as "not the system account".
    owner_leg_id = account_id if account_id is not None else -1
    check_postings(make_postings((system_id, Bucket.SYSTEM, -points), (owner_leg_id, bucket, points)),
                   owner_id=owner_leg_id)
    if not key:
        raise InvalidInput("an idempotency key is required", field="idempotency_key")
    fingerprint = fingerprint_of(kind, request)
    user_id, company_id = owner if owner is not None else (None, None)
    params = {
        "kind": str(kind), "key": key, "fingerprint": fingerprint, "reason": source.reason,
        "order_id": source.order_id, "checkout_token": source.checkout_token,
        "staff_user_id": source.staff_user_id, "rule_id": source.rule_id, "now": now,
        "account_id": account_id, "owner_user_id": user_id, "owner_company_id": company_id,
        "system_id": system_id, "points": points, "matured": matured,
        "available_at": available_at, "expires_at": expires_at,
    }
    with connection.cursor() as cursor:
        cursor.execute(CREDIT_SQL, params)
        rows = cursor.fetchall()
    if not rows:
        raise AccountNotFound(f"no owner account {account_id if account_id is not None else owner}")
    tx_id, created = rows[0][:2]
    if created:
        postings = make_postings((system_id, Bucket.SYSTEM, -points), (rows[0][5], bucket, points))
        return PostedTransaction(tx_id, kind, key, now, postings)
    return replay_rows(key, [(row[0], *row[2:]) for row in rows], fingerprint=fingerprint)


def debit(
    locked: LockedAccount,
    *,
    kind: TransactionKind,
    system_code: SystemCode,
    points: int,
    key: str,
    request: Mapping[str, object],
    source: Source,
    now: datetime,
    allow_debt: bool = False,
) -> PostedTransaction:
    """Take ``points`` from the available bucket into a system account (redeem, negative adjust).

    Refuses to go below zero unless ``allow_debt`` (staff corrections only).
    """
    check_points(points)
    tx_id, replayed = claim(kind, key=key, request=request, source=source, now=now)
    if replayed:
        return replayed
    if not allow_debt:
        check_available(locked, points)
    take_from_lots(locked.account_id, min(points, max(locked.available, 0)))
    postings = make_postings(
        (locked.account_id, Bucket.AVAILABLE, -points), (get_system_account_id(system_code), Bucket.SYSTEM, points)
    )
    post_locked(locked, tx_id, postings, now=now)
    return PostedTransaction(tx_id, kind, key, now, postings)


def hold(
    locked: LockedAccount,
    *,
    points: int,
    checkout_token: str,
    expires_at: datetime,
    key: str,
    request: Mapping[str, object],
    source: Source,
    now: datetime,
) -> tuple[PostedTransaction, PointHold]:
    """Move ``points`` from available to held for a checkout, recording which lots they came from."""
    check_points(points)
    tx_id, replayed = claim(TransactionKind.HOLD, key=key, request=request, source=source, now=now)
    if replayed:
        return replayed, PointHold.objects.get(transaction_id=tx_id)
    check_available(locked, points)
    taken = take_from_lots(locked.account_id, points)
    postings = make_postings((locked.account_id, Bucket.AVAILABLE, -points), (locked.account_id, Bucket.HELD, points))
    post_locked(locked, tx_id, postings, now=now)
    new_hold = PointHold.objects.create(
        account_id=locked.account_id, transaction_id=tx_id, checkout_token=checkout_token,
        points=points, expires_at=expires_at, created_at=now,
    )
    HoldAllocation.objects.bulk_create(
        HoldAllocation(hold=new_hold, lot_id=lot_id, points=lot_points) for lot_id, lot_points in taken
    )
    return PostedTransaction(tx_id, TransactionKind.HOLD, key, now, postings), new_hold


def capture(locked: LockedAccount, held: PointHold, *, order_id: str, now: datetime) -> PostedTransaction:
    """Turn an active hold into a redemption on ``order_id``: held -> redeemed."""
    check_active(held)
    key = f"hold:{held.pk}:capture"
    source = Source(reason="redeemed on order", order_id=order_id, checkout_token=held.checkout_token)
    tx_id, replayed = claim(
        TransactionKind.CAPTURE, key=key, request={"hold": held.pk, "order_id": order_id}, source=source, now=now
    )
    if replayed:
        return replayed
    postings = make_postings(
        (locked.account_id, Bucket.HELD, -held.points),
        (get_system_account_id(SystemCode.REDEEMED), Bucket.SYSTEM, held.points),
    )
    post_locked(locked, tx_id, postings, now=now)
    close_hold(held, HoldStatus.CAPTURED, tx_id=tx_id, now=now, order_id=order_id)
    return PostedTransaction(tx_id, TransactionKind.CAPTURE, key, now, postings)


def release(locked: LockedAccount, held: PointHold, *, reason: str, now: datetime) -> PostedTransaction:
    """Give a hold's points back to the lots they came from.

    Points whose lot expired meanwhile go straight to the expired account in the same
    transaction; of the rest, any debt is paid first.
    """
    check_active(held)
    key = f"hold:{held.pk}:release"
    source = Source(reason=reason, checkout_token=held.checkout_token)
    tx_id, replayed = claim(TransactionKind.RELEASE, key=key, request={"hold": held.pk}, source=source, now=now)
    if replayed:
        return replayed
    allocations = list(
        held.allocations.order_by("lot__expires_at", "lot_id").values_list("lot_id", "points", "lot__expires_at")
    )
    changes: dict[int, tuple[int, int]] = {}
    back: list[tuple[int, int]] = []
    for lot_id, lot_points, lot_expires_at in allocations:
        if lot_expires_at is not None and lot_expires_at <= now:
            changes[lot_id] = (0, lot_points)
        else:
            back.append((lot_id, lot_points))
    expired = sum(expired_points for _, expired_points in changes.values())
    unpaid_debt = locked.debt
    # The debt is paid from the points that would return to the latest-expiring lots.
    for lot_id, lot_points in reversed(back):
        paid = min(unpaid_debt, lot_points)
        unpaid_debt -= paid
        if lot_points > paid:
            changes[lot_id] = (lot_points - paid, 0)
    postings = make_postings(
        (locked.account_id, Bucket.HELD, -held.points),
        (locked.account_id, Bucket.AVAILABLE, held.points - expired),
        (get_system_account_id(SystemCode.EXPIRED), Bucket.SYSTEM, expired),
    )
    post_locked(locked, tx_id, postings, now=now)
    change_lots(changes)
    close_hold(held, HoldStatus.RELEASED, tx_id=tx_id, now=now)
    return PostedTransaction(tx_id, TransactionKind.RELEASE, key, now, postings)


def reverse(
    locked: LockedAccount,
    lot: PointLot,
    *,
    points: int,
    key: str,
    request: Mapping[str, object],
    source: Source,
    now: datetime,
) -> PostedTransaction:
    """Take back ``points`` of a credited lot and return them to the system account that issued it.

    In order: what is left of the lot; then what of it expired (the customer already lost
    those, so it moves between system accounts only); then the spent part, from the other lots
    oldest first, and what they cannot cover becomes debt (``available`` below zero).
    """
    check_points(points)
    tx_id, replayed = claim(
        TransactionKind.REVERSE, key=key, request=request, source=source, now=now, reverses_id=lot.transaction_id
    )
    if replayed:
        return replayed
    issuer_id = (
        LedgerEntry.objects.filter(transaction_id=lot.transaction_id, bucket=Bucket.SYSTEM, points__lt=0)
        .values_list("account_id", flat=True)
        .get()
    )
    from_lot = min(lot.remaining, points)
    from_expired = min(lot.expired, points - from_lot)
    spent = points - from_lot - from_expired
    change_lots({lot.pk: (-from_lot, -from_expired)})
    # The other matured lots hold max(available, 0) minus what this lot just gave.
    available_elsewhere = max(locked.available - (from_lot if lot.matured else 0), 0)
    take_from_lots(locked.account_id, min(spent, available_elsewhere))
    postings = make_postings(
        (locked.account_id, Bucket.AVAILABLE if lot.matured else Bucket.PENDING, -from_lot),
        (locked.account_id, Bucket.AVAILABLE, -spent),
        (get_system_account_id(SystemCode.EXPIRED), Bucket.SYSTEM, -from_expired),
        (issuer_id, Bucket.SYSTEM, points),
    )
    post_locked(locked, tx_id, postings, now=now, lifetime_delta=-points)
    return PostedTransaction(tx_id, TransactionKind.REVERSE, key, now, postings)


def mature(locked: LockedAccount, lot: PointLot, *, now: datetime) -> PostedTransaction:
    """Move what is left of a lot from pending to available (paying any debt first)."""
    key = f"lot:{lot.pk}:mature"
    tx_id, replayed = claim(
        TransactionKind.MATURE, key=key, request={"lot": lot.pk}, source=Source(reason="return window over"), now=now
    )
    if replayed:
        return replayed
    check_points(lot.remaining)
    postings = make_postings(
        (locked.account_id, Bucket.PENDING, -lot.remaining), (locked.account_id, Bucket.AVAILABLE, lot.remaining)
    )
    post_locked(locked, tx_id, postings, now=now)
    paid = debt_paid(available_after=locked.available, added=lot.remaining)
    PointLot.objects.filter(pk=lot.pk).update(matured=True, remaining=lot.remaining - paid)
    return PostedTransaction(tx_id, TransactionKind.MATURE, key, now, postings)


def expire(locked: LockedAccount, lot: PointLot, *, now: datetime) -> PostedTransaction:
    """Write off what is left of a lot past its expiry into the expired account."""
    key = f"lot:{lot.pk}:expire"
    tx_id, replayed = claim(
        TransactionKind.EXPIRE, key=key, request={"lot": lot.pk}, source=Source(reason="points expired"), now=now
    )
    if replayed:
        return replayed
    check_points(lot.remaining)
    postings = make_postings(
        (locked.account_id, Bucket.AVAILABLE if lot.matured else Bucket.PENDING, -lot.remaining),
        (get_system_account_id(SystemCode.EXPIRED), Bucket.SYSTEM, lot.remaining),
    )
    post_locked(locked, tx_id, postings, now=now)
    change_lots({lot.pk: (-lot.remaining, lot.remaining)})
    return PostedTransaction(tx_id, TransactionKind.EXPIRE, key, now, postings)


def extend_hold(held: PointHold, *, expires_at: datetime) -> None:
    """Move an active hold's timeout later (its checkout is still in progress); never earlier."""
    require_atomic()
    check_active(held)
    if expires_at > held.expires_at:
        PointHold.objects.filter(pk=held.pk, status=HoldStatus.ACTIVE).update(expires_at=expires_at)
        held.expires_at = expires_at


def get_reversed_points(earn_transaction_id: int) -> int:
    """How many points of a credit transaction were reversed so far."""
    total = LedgerEntry.objects.filter(transaction__reverses_id=earn_transaction_id, points__gt=0).aggregate(
        total=Sum("points")
    )["total"]
    return int(total or 0)


def find_posted(key: str) -> PostedTransaction | None:
    """The transaction written under ``key``, if any (as a replay)."""
    if not LedgerTransaction.objects.filter(idempotency_key=key).exists():
        return None
    return replay(key)
