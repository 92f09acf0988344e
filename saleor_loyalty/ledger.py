"""The points ledger: the only code that writes ledger rows and cached balances.

Design overview (docs/ledger.md has the long form, one section per invariant)
-----------------------------------------------------------------------------
* **Double entry.** Every business event is one ``LedgerTransaction`` with two or more
  ``LedgerEntry`` rows that sum to zero. Owner accounts (a customer's, a company's) have three
  buckets: ``available``, ``pending`` (earned, waiting out the return window) and ``held``
  (reserved for a checkout). System accounts (issued, bonuses, adjustments, redeemed, expired,
  ...) are the other side of every entry and use the ``system`` bucket.
* **Lots.** Each credit creates a ``PointLot``. Spending (holds, redemptions, negative
  adjustments) takes from matured lots oldest expiry first, so expiry writes off what is left of
  a lot. Kept true: sum(remaining of matured lots) == max(available, 0),
  sum(remaining of unmatured lots) == pending, sum(active holds) == held.
* **Debt.** A reversal of points already spent drives ``available`` below zero. Points that
  later become available (a credit, maturing, a release) pay the debt first; their lot keeps
  only the rest.
* **Idempotency.** Every write claims its key with ``INSERT ... ON CONFLICT DO NOTHING`` on the
  transaction row: a concurrent request with the same key waits for the first to commit, then
  replays its result (``created=False``); a different request under the same key raises
  ``IdempotencyKeyReused``.
* **Locking.** Writes that check a balance lock the owner account row first (``lock_account``);
  credits lock it with their UPDATE. System account rows are never locked nor updated (no hot
  row). Lots and holds change only under their owner account's lock.

The caller (a service) owns the database transaction; every writer here requires one.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Sum

from .exceptions import (
    AccountNotFound,
    HoldNotActive,
    IdempotencyKeyReused,
    InsufficientPoints,
    InvalidInput,
    LotsOutOfSync,
    PointsNotPositive,
    TooFewEntries,
    UnbalancedTransaction,
)
from .models import (
    Bucket,
    HoldAllocation,
    HoldStatus,
    LedgerEntry,
    LedgerTransaction,
    LoyaltyAccount,
    OwnerKind,
    PointHold,
    PointLot,
    SystemCode,
    TransactionKind,
)


@dataclass(frozen=True)
class Posting:
    """One leg of a transaction: ``points`` (signed) into ``bucket`` of ``account_id``."""

    account_id: int
    bucket: str
    points: int


@dataclass(frozen=True)
class Source:
    """Where a transaction came from; stored on the transaction row."""

    reason: str = ""
    order_id: str = ""
    checkout_token: str = ""
    staff_user_id: int | None = None
    rule_id: str = ""

    @property
    def label(self) -> str:
        """A readable label, e.g. ``order:123 rule:7`` (statements show it)."""
        parts = [
            f"order:{self.order_id}" if self.order_id else "",
            f"checkout:{self.checkout_token}" if self.checkout_token else "",
            f"staff:{self.staff_user_id}" if self.staff_user_id is not None else "",
            f"rule:{self.rule_id}" if self.rule_id else "",
        ]
        return " ".join(part for part in parts if part)


@dataclass(frozen=True)
class PostedTransaction:
    """The result of a write. ``created`` is False when the key had been used: a replay."""

    transaction_id: int
    kind: str
    idempotency_key: str
    created_at: datetime
    postings: tuple[Posting, ...]
    created: bool = True

    @property
    def points(self) -> int:
        """The amount the transaction moved (the sum of its positive legs)."""
        return sum(posting.points for posting in self.postings if posting.points > 0)


@dataclass
class LockedAccount:
    """An owner account locked FOR UPDATE in the current transaction; the ledger keeps it fresh."""

    account_id: int
    available: int
    pending: int
    held: int
    lifetime_earned: int

    @property
    def debt(self) -> int:
        return max(-self.available, 0)


# --- accounts -------------------------------------------------------------------------------

# (alias, database name, code) -> id. Only ids seen committed are cached (see below).
_system_account_ids: dict[tuple[str, str, str], int] = {}
# Keys whose row this process created in a transaction not yet known to have committed.
_created_uncommitted: set[tuple[str, str, str]] = set()
_OWNER_COLUMNS = {"user_id": OwnerKind.CUSTOMER, "company_id": OwnerKind.COMPANY, "system_code": OwnerKind.SYSTEM}


def get_system_account_id(code: SystemCode | str) -> int:
    """The id of a system account (migration 0002 creates them; recreated if missing), cached
    per process. Only committed rows are cached: a row this transaction created is gone if it
    rolls back, so its id is cached on commit."""
    key = (connection.alias, str(connection.settings_dict["NAME"]), str(code))
    cached = _system_account_ids.get(key)
    if cached is not None:
        return cached
    found = LoyaltyAccount.objects.filter(system_code=code).values_list("id", flat=True).first()
    if found is not None and key not in _created_uncommitted:
        _system_account_ids[key] = found
        return found
    account_id = found if found is not None else get_or_create_account_id("system_code", str(SystemCode(code)))
    if connection.in_atomic_block:
        _created_uncommitted.add(key)
        transaction.on_commit(lambda: _remember_committed(key, account_id))
    else:
        _remember_committed(key, account_id)
    return account_id


def _remember_committed(key: tuple[str, str, str], account_id: int) -> None:
    _system_account_ids[key] = account_id
    _created_uncommitted.discard(key)


def forget_system_account_ids() -> None:
    """Drop the per-process cache (tests call it after flushing the database)."""
    _system_account_ids.clear()
    _created_uncommitted.clear()


def get_or_create_account_id(column: str, value: int | str) -> int:
    """The id of the account owned by ``column = value`` (user_id, company_id or system_code)."""
    kind = _OWNER_COLUMNS[column]  # a fixed set of names: safe to format into SQL below
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO loyalty_account (owner_kind, {column}, available, pending, held,"
            " lifetime_earned, version, created_at, updated_at)"
            f" VALUES (%s, %s, 0, 0, 0, 0, 0, now(), now()) ON CONFLICT ({column}) DO NOTHING RETURNING id",
            [str(kind), value],
        )
        row = cursor.fetchone()
        if row is None:
            cursor.execute(f"SELECT id FROM loyalty_account WHERE {column} = %s", [value])
            row = cursor.fetchone()
    return int(row[0])


_LOCK_SQL = (
    "SELECT id, available, pending, held, lifetime_earned FROM loyalty_account"
    " WHERE id = %s AND owner_kind <> 'system' FOR UPDATE"
)


def lock_account(account_id: int) -> LockedAccount:
    """Lock an owner account row for the rest of the transaction and read its balances."""
    _require_atomic()
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL, [account_id])
        row = cursor.fetchone()
    if row is None:
        raise AccountNotFound(f"no owner account {account_id}")
    return LockedAccount(*row)


def try_lock_account(account_id: int) -> LockedAccount | None:
    """Like ``lock_account`` but None at once when another transaction holds the lock (tasks)."""
    _require_atomic()
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL + " SKIP LOCKED", [account_id])
        row = cursor.fetchone()
    return LockedAccount(*row) if row else None


# --- writers --------------------------------------------------------------------------------


def credit(
    account_id: int,
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
) -> PostedTransaction:
    """Credit ``points`` from a system account into a new lot: pending until ``available_at``.

    One SQL statement (``_CREDIT_SQL``) claims the key, updates the balance (locking the account
    row), inserts both entries and the lot: a statement is atomic by itself, so this is the one
    writer that also runs outside ``transaction.atomic()``, in a single round trip.
    """
    _check_points(points)
    lot = PointLot(
        account_id=account_id, points=points, remaining=points, available_at=available_at,
        matured=available_at <= now, expires_at=expires_at, created_at=now,
    )
    lot.check_lot()
    bucket = Bucket.AVAILABLE if lot.matured else Bucket.PENDING
    system_id = get_system_account_id(system_code)
    postings = _postings((system_id, Bucket.SYSTEM, -points), (account_id, bucket, points))
    _check_postings(postings, owner_id=account_id)
    if not key:
        raise InvalidInput("an idempotency key is required", field="idempotency_key")
    fingerprint = _fingerprint(kind, request)
    params = {
        "kind": str(kind), "key": key, "fingerprint": fingerprint, "reason": source.reason,
        "order_id": source.order_id, "checkout_token": source.checkout_token,
        "staff_user_id": source.staff_user_id, "rule_id": source.rule_id, "now": now,
        "account_id": account_id, "system_id": system_id, "points": points, "bucket": str(bucket),
        "to_available": points if lot.matured else 0, "to_pending": 0 if lot.matured else points,
        "matured": lot.matured, "available_at": available_at, "expires_at": expires_at,
    }
    with connection.cursor() as cursor:
        cursor.execute(_CREDIT_SQL, params)
        tx_id, account_found = cursor.fetchone()
    if tx_id is not None:
        return PostedTransaction(tx_id, kind, key, now, postings)
    if not account_found:
        raise AccountNotFound(f"no owner account {account_id}")
    return _replay(key, fingerprint=fingerprint)


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
    _check_points(points)
    tx_id, replayed = _claim(kind, key=key, request=request, source=source, now=now)
    if replayed:
        return replayed
    if not allow_debt:
        _check_available(locked, points)
    _take_from_lots(locked.account_id, min(points, max(locked.available, 0)))
    postings = _postings(
        (locked.account_id, Bucket.AVAILABLE, -points), (get_system_account_id(system_code), Bucket.SYSTEM, points)
    )
    _apply(locked, tx_id, postings, now=now)
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
    _check_points(points)
    tx_id, replayed = _claim(TransactionKind.HOLD, key=key, request=request, source=source, now=now)
    if replayed:
        return replayed, PointHold.objects.get(transaction_id=tx_id)
    _check_available(locked, points)
    taken = _take_from_lots(locked.account_id, points)
    postings = _postings((locked.account_id, Bucket.AVAILABLE, -points), (locked.account_id, Bucket.HELD, points))
    _apply(locked, tx_id, postings, now=now)
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
    _check_active(held)
    key = f"hold:{held.pk}:capture"
    source = Source(reason="redeemed on order", order_id=order_id, checkout_token=held.checkout_token)
    tx_id, replayed = _claim(
        TransactionKind.CAPTURE, key=key, request={"hold": held.pk, "order_id": order_id}, source=source, now=now
    )
    if replayed:
        return replayed
    postings = _postings(
        (locked.account_id, Bucket.HELD, -held.points),
        (get_system_account_id(SystemCode.REDEEMED), Bucket.SYSTEM, held.points),
    )
    _apply(locked, tx_id, postings, now=now)
    _close_hold(held, HoldStatus.CAPTURED, tx_id=tx_id, now=now, order_id=order_id)
    return PostedTransaction(tx_id, TransactionKind.CAPTURE, key, now, postings)


def release(locked: LockedAccount, held: PointHold, *, reason: str, now: datetime) -> PostedTransaction:
    """Give a hold's points back to the lots they came from.

    Points whose lot expired meanwhile go straight to the expired account in the same
    transaction; of the rest, any debt is paid first.
    """
    _check_active(held)
    key = f"hold:{held.pk}:release"
    source = Source(reason=reason, checkout_token=held.checkout_token)
    tx_id, replayed = _claim(TransactionKind.RELEASE, key=key, request={"hold": held.pk}, source=source, now=now)
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
    postings = _postings(
        (locked.account_id, Bucket.HELD, -held.points),
        (locked.account_id, Bucket.AVAILABLE, held.points - expired),
        (get_system_account_id(SystemCode.EXPIRED), Bucket.SYSTEM, expired),
    )
    _apply(locked, tx_id, postings, now=now)
    _change_lots(changes)
    _close_hold(held, HoldStatus.RELEASED, tx_id=tx_id, now=now)
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
    _check_points(points)
    tx_id, replayed = _claim(
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
    _change_lots({lot.pk: (-from_lot, -from_expired)})
    # The other matured lots hold max(available, 0) minus what this lot just gave.
    available_elsewhere = max(locked.available - (from_lot if lot.matured else 0), 0)
    _take_from_lots(locked.account_id, min(spent, available_elsewhere))
    postings = _postings(
        (locked.account_id, Bucket.AVAILABLE if lot.matured else Bucket.PENDING, -from_lot),
        (locked.account_id, Bucket.AVAILABLE, -spent),
        (get_system_account_id(SystemCode.EXPIRED), Bucket.SYSTEM, -from_expired),
        (issuer_id, Bucket.SYSTEM, points),
    )
    _apply(locked, tx_id, postings, now=now, lifetime_delta=-points)
    return PostedTransaction(tx_id, TransactionKind.REVERSE, key, now, postings)


def mature(locked: LockedAccount, lot: PointLot, *, now: datetime) -> PostedTransaction:
    """Move what is left of a lot from pending to available (paying any debt first)."""
    key = f"lot:{lot.pk}:mature"
    tx_id, replayed = _claim(
        TransactionKind.MATURE, key=key, request={"lot": lot.pk}, source=Source(reason="return window over"), now=now
    )
    if replayed:
        return replayed
    _check_points(lot.remaining)
    postings = _postings(
        (locked.account_id, Bucket.PENDING, -lot.remaining), (locked.account_id, Bucket.AVAILABLE, lot.remaining)
    )
    _apply(locked, tx_id, postings, now=now)
    paid = _debt_paid(available_after=locked.available, added=lot.remaining)
    PointLot.objects.filter(pk=lot.pk).update(matured=True, remaining=lot.remaining - paid)
    return PostedTransaction(tx_id, TransactionKind.MATURE, key, now, postings)


def expire(locked: LockedAccount, lot: PointLot, *, now: datetime) -> PostedTransaction:
    """Write off what is left of a lot past its expiry into the expired account."""
    key = f"lot:{lot.pk}:expire"
    tx_id, replayed = _claim(
        TransactionKind.EXPIRE, key=key, request={"lot": lot.pk}, source=Source(reason="points expired"), now=now
    )
    if replayed:
        return replayed
    _check_points(lot.remaining)
    postings = _postings(
        (locked.account_id, Bucket.AVAILABLE if lot.matured else Bucket.PENDING, -lot.remaining),
        (get_system_account_id(SystemCode.EXPIRED), Bucket.SYSTEM, lot.remaining),
    )
    _apply(locked, tx_id, postings, now=now)
    _change_lots({lot.pk: (-lot.remaining, lot.remaining)})
    return PostedTransaction(tx_id, TransactionKind.EXPIRE, key, now, postings)


def extend_hold(held: PointHold, *, expires_at: datetime) -> None:
    """Move an active hold's timeout later (its checkout is still in progress); never earlier."""
    _require_atomic()
    _check_active(held)
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
    return _replay(key)


# --- internals ------------------------------------------------------------------------------

_CLAIM_SQL = """
INSERT INTO loyalty_ledger_transaction (kind, idempotency_key, fingerprint, reason, order_id,
    checkout_token, staff_user_id, rule_id, reverses_id, created_at)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING id
"""

# A credit in one statement. Data-modifying CTEs all run, in one snapshot: the transaction row
# only if the key is new (and the account exists), the balance UPDATE (which locks the account
# row) only if the transaction row was written, then both entries and the lot. A matured lot
# first pays any debt: its remaining is the part of the points above what was owed.
_CREDIT_SQL = """
WITH tx AS (
    INSERT INTO loyalty_ledger_transaction (kind, idempotency_key, fingerprint, reason, order_id,
        checkout_token, staff_user_id, rule_id, reverses_id, created_at)
    SELECT %(kind)s, %(key)s, %(fingerprint)s, %(reason)s, %(order_id)s, %(checkout_token)s,
        %(staff_user_id)s, %(rule_id)s, NULL, %(now)s
    WHERE EXISTS (SELECT 1 FROM loyalty_account WHERE id = %(account_id)s AND owner_kind <> 'system')
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id
), account AS (
    UPDATE loyalty_account SET available = available + %(to_available)s, pending = pending + %(to_pending)s,
        lifetime_earned = lifetime_earned + %(points)s, version = version + 1, updated_at = %(now)s
    WHERE id = %(account_id)s AND EXISTS (SELECT 1 FROM tx)
    RETURNING available
), entries AS (
    INSERT INTO loyalty_ledger_entry (transaction_id, account_id, bucket, points)
    SELECT tx.id, leg.account_id, leg.bucket, leg.points
    FROM tx, (VALUES (%(system_id)s::bigint, 'system', -%(points)s::bigint),
                     (%(account_id)s::bigint, %(bucket)s, %(points)s::bigint)) AS leg(account_id, bucket, points)
), lot AS (
    INSERT INTO loyalty_point_lot (account_id, transaction_id, points, remaining, expired, available_at,
        matured, expires_at, created_at)
    SELECT %(account_id)s, tx.id, %(points)s, CASE WHEN %(matured)s
            THEN %(points)s - least(greatest(%(points)s - account.available, 0), %(points)s)
            ELSE %(points)s END,
        0, %(available_at)s, %(matured)s, %(expires_at)s, %(now)s
    FROM tx, account
)
SELECT (SELECT id FROM tx),
    EXISTS (SELECT 1 FROM loyalty_account WHERE id = %(account_id)s AND owner_kind <> 'system')
"""

_REPLAY_SQL = """
SELECT t.id, t.kind, t.created_at, t.fingerprint, e.account_id, e.bucket, e.points
FROM loyalty_ledger_transaction t JOIN loyalty_ledger_entry e ON e.transaction_id = t.id
WHERE t.idempotency_key = %s ORDER BY e.id
"""

_UPDATE_BALANCE_SQL = """
UPDATE loyalty_account SET available = available + %s, pending = pending + %s, held = held + %s,
    lifetime_earned = lifetime_earned + %s, version = version + 1, updated_at = %s
WHERE id = %s AND owner_kind <> 'system'
RETURNING available, pending, held, lifetime_earned
"""

_FIFO_LOTS_SQL = """
SELECT id, remaining FROM (
    SELECT id, remaining, expires_at, sum(remaining) OVER fifo - remaining AS before
    FROM loyalty_point_lot WHERE account_id = %s AND matured AND remaining > 0
    WINDOW fifo AS (ORDER BY expires_at ASC NULLS LAST, id)
) AS lots WHERE before < %s ORDER BY expires_at ASC NULLS LAST, id
"""


def _require_atomic() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("ledger writes must run inside transaction.atomic(); the service owns it")


def _check_points(points: int) -> None:
    if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
        raise PointsNotPositive(f"points must be a positive integer, not {points!r}", field="points")


def _check_available(locked: LockedAccount, points: int) -> None:
    if locked.available < points:
        raise InsufficientPoints(
            f"{points} points requested, {max(locked.available, 0)} available", field="points"
        )


def _check_active(held: PointHold) -> None:
    if held.status != HoldStatus.ACTIVE:
        raise HoldNotActive(f"hold {held.pk} is {held.status}")


def _debt_paid(*, available_after: int, added: int) -> int:
    """How much of ``added`` points went to pay a debt (available was negative before)."""
    return min(max(added - available_after, 0), added)


def _postings(*legs: tuple[int, str, int]) -> tuple[Posting, ...]:
    """Postings from (account, bucket, points) legs, merging equal targets and dropping zeros."""
    merged: dict[tuple[int, str], int] = {}
    for account_id, bucket, points in legs:
        merged[(account_id, bucket)] = merged.get((account_id, bucket), 0) + points
    return tuple(Posting(acc, bucket, points) for (acc, bucket), points in merged.items() if points)


def check_balanced(postings: Sequence[Posting]) -> None:
    """Raise ``TooFewEntries`` or ``UnbalancedTransaction`` (the Python layer of the trigger)."""
    if len(postings) < 2:
        raise TooFewEntries(f"a transaction needs two or more entries, got {len(postings)}")
    total = sum(posting.points for posting in postings)
    if total != 0:
        raise UnbalancedTransaction(f"entries sum to {total}, not zero")


def _check_postings(postings: Sequence[Posting], *, owner_id: int) -> None:
    """The Python layer of the entry and transaction rules (each transaction has one owner)."""
    check_balanced(postings)
    for posting in postings:
        LedgerEntry(bucket=posting.bucket, points=posting.points).check_entry(
            account_is_system=posting.account_id != owner_id
        )


def _fingerprint(kind: str, request: Mapping[str, object]) -> str:
    def encode(value: object) -> str:
        if isinstance(value, datetime):
            return value.astimezone(UTC).isoformat()
        if isinstance(value, Decimal):
            return str(value)
        raise TypeError(f"cannot fingerprint {type(value).__name__}")

    payload = json.dumps({"kind": str(kind), "request": request}, sort_keys=True, default=encode)
    return hashlib.sha256(payload.encode()).hexdigest()


def _claim(
    kind: str,
    *,
    key: str,
    request: Mapping[str, object],
    source: Source,
    now: datetime,
    reverses_id: int | None = None,
) -> tuple[int, PostedTransaction | None]:
    """Insert the transaction row under ``key``: (id, None), or (first id, its replay) if used."""
    _require_atomic()
    if not key:
        raise InvalidInput("an idempotency key is required", field="idempotency_key")
    fingerprint = _fingerprint(kind, request)
    params = [
        str(kind), key, fingerprint, source.reason, source.order_id, source.checkout_token,
        source.staff_user_id, source.rule_id, reverses_id, now,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_CLAIM_SQL, params)
        row = cursor.fetchone()
    if row is not None:
        return int(row[0]), None
    replayed = _replay(key, fingerprint=fingerprint)
    return replayed.transaction_id, replayed


def _replay(key: str, *, fingerprint: str | None = None) -> PostedTransaction:
    """The transaction written under ``key``, refused if it was for another request."""
    # After ON CONFLICT waited for a concurrent holder of the key, READ COMMITTED sees its row.
    with connection.cursor() as cursor:
        cursor.execute(_REPLAY_SQL, [key])
        rows = cursor.fetchall()
    if not rows:  # the balance trigger makes this impossible short of a corrupted database
        raise RuntimeError(f"ledger transaction {key!r} has no entries")
    tx_id, kind, created_at, first_fingerprint = rows[0][:4]
    if fingerprint is not None and first_fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            f"idempotency key {key!r} was already used for a different request", field="idempotency_key"
        )
    postings = tuple(Posting(account_id, bucket, points) for *_, account_id, bucket, points in rows)
    return PostedTransaction(tx_id, kind, key, created_at, postings, created=False)


def _post(
    tx_id: int, owner_id: int, postings: Sequence[Posting], *, now: datetime, lifetime_delta: int = 0
) -> tuple[int, int, int, int]:
    """Insert the entries and update the owner's cached balances; return the new balances."""
    _check_postings(postings, owner_id=owner_id)
    deltas = {Bucket.AVAILABLE: 0, Bucket.PENDING: 0, Bucket.HELD: 0}
    for posting in postings:
        if posting.account_id == owner_id:
            deltas[Bucket(posting.bucket)] += posting.points
    LedgerEntry.objects.bulk_create(
        LedgerEntry(transaction_id=tx_id, account_id=p.account_id, bucket=p.bucket, points=p.points) for p in postings
    )
    params = [deltas[Bucket.AVAILABLE], deltas[Bucket.PENDING], deltas[Bucket.HELD], lifetime_delta, now, owner_id]
    with connection.cursor() as cursor:
        cursor.execute(_UPDATE_BALANCE_SQL, params)
        row = cursor.fetchone()
    if row is None:
        raise AccountNotFound(f"no owner account {owner_id}")
    return row[0], row[1], row[2], row[3]


def _apply(
    locked: LockedAccount, tx_id: int, postings: Sequence[Posting], *, now: datetime, lifetime_delta: int = 0
) -> None:
    (locked.available, locked.pending, locked.held, locked.lifetime_earned) = _post(
        tx_id, locked.account_id, postings, now=now, lifetime_delta=lifetime_delta
    )


def _take_from_lots(account_id: int, points: int) -> list[tuple[int, int]]:
    """Spend ``points`` from matured lots oldest expiry first; return (lot id, points) taken."""
    if points <= 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_FIFO_LOTS_SQL, [account_id, points])
        lots = cursor.fetchall()
    taken: list[tuple[int, int]] = []
    left = points
    for lot_id, remaining in lots:
        take = min(remaining, left)
        taken.append((lot_id, take))
        left -= take
    if left:
        raise LotsOutOfSync(f"the lots of account {account_id} are {left} points short of its balance")
    _change_lots({lot_id: (-take, 0) for lot_id, take in taken})
    return taken


def _change_lots(changes: Mapping[int, tuple[int, int]]) -> None:
    """Add (remaining, expired) deltas to lots in one statement."""
    rows = [(lot_id, remaining, expired) for lot_id, (remaining, expired) in changes.items() if remaining or expired]
    if not rows:
        return
    values = ", ".join(["(%s::bigint, %s::bigint, %s::bigint)"] * len(rows))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE loyalty_point_lot AS lot SET remaining = lot.remaining + v.remaining,"
            f" expired = lot.expired + v.expired FROM (VALUES {values}) AS v(id, remaining, expired)"
            " WHERE lot.id = v.id",
            [value for row in rows for value in row],
        )


def _close_hold(held: PointHold, status: HoldStatus, *, tx_id: int, now: datetime, order_id: str = "") -> None:
    fields: dict[str, object] = {"status": status, "closing_transaction_id": tx_id, "closed_at": now}
    if order_id:
        fields["order_id"] = order_id
    updated = PointHold.objects.filter(pk=held.pk, status=HoldStatus.ACTIVE).update(**fields)
    if updated != 1:
        raise HoldNotActive(f"hold {held.pk} was closed by another transaction")
    for name, value in fields.items():
        setattr(held, name, value)
