"""The ledger's internals: its SQL, the idempotency claim, posting entries, spending lots.

Only the writers (``ledger.writers``) call these; every one of them runs inside the caller's
transaction.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal

from django.db import connection

from ..exceptions import (
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
from ..models import Bucket, HoldStatus, LedgerEntry, PointHold
from ..models.ledger import check_entry_values
from .values import LockedAccount, PostedTransaction, Posting, Source

CLAIM_SQL = """
INSERT INTO loyalty_ledger_transaction (kind, idempotency_key, fingerprint, reason, order_id,
    checkout_token, staff_user_id, rule_id, reverses_id, created_at)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (idempotency_key) DO NOTHING
RETURNING id
"""

# A credit, or its replay, in one round trip: ``loyalty_credit()`` (``ledger/sql/60_credit.sql``) claims the
# key, locks and updates the balance, inserts both entries and the lot, with plans cached for
# the session. One row ``(id, true, ...)`` if written; the first transaction's entries as rows
# ``(id, false, kind, created_at, fingerprint, account, bucket, points)`` if the key was used;
# no row if there is no such owner account (nothing written).
CREDIT_SQL = """
SELECT * FROM loyalty_credit(%(kind)s, %(key)s, %(fingerprint)s, %(reason)s, %(order_id)s, %(checkout_token)s,
    %(staff_user_id)s::bigint, %(rule_id)s, %(now)s::timestamptz,
    coalesce(%(account_id)s::bigint, loyalty_owner_account_id(%(owner_user_id)s::bigint, %(owner_company_id)s::bigint)),
    %(system_id)s::bigint,
    %(points)s::bigint, %(matured)s::boolean, %(available_at)s::timestamptz, %(expires_at)s::timestamptz)
"""

REPLAY_SQL = """
SELECT t.id, t.kind, t.created_at, t.fingerprint, e.account_id, e.bucket, e.points
FROM loyalty_ledger_transaction t JOIN loyalty_ledger_entry e ON e.transaction_id = t.id
WHERE t.idempotency_key = %s ORDER BY e.id
"""

UPDATE_BALANCE_SQL = """
UPDATE loyalty_account SET available = available + %s, pending = pending + %s, held = held + %s,
    lifetime_earned = lifetime_earned + %s, version = version + 1, updated_at = %s
WHERE id = %s AND owner_kind <> 'system'
RETURNING available, pending, held, lifetime_earned
"""

FIFO_LOTS_SQL = """
SELECT id, remaining FROM (
    SELECT id, remaining, expires_at, sum(remaining) OVER fifo - remaining AS before
    FROM loyalty_point_lot WHERE account_id = %s AND matured AND remaining > 0
    WINDOW fifo AS (ORDER BY expires_at ASC NULLS LAST, id)
) AS lots WHERE before < %s ORDER BY expires_at ASC NULLS LAST, id
"""


def require_atomic() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("ledger writes must run inside transaction.atomic(); the service owns it")


def check_points(points: int) -> None:
    if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
        raise PointsNotPositive(f"points must be a positive integer, not {points!r}", field="points")


def check_available(locked: LockedAccount, points: int) -> None:
    if locked.available < points:
        raise InsufficientPoints(
            f"{points} points requested, {max(locked.available, 0)} available", field="points"
        )


def check_active(held: PointHold) -> None:
    if held.status != HoldStatus.ACTIVE:
        raise HoldNotActive(f"hold {held.pk} is {held.status}")


def debt_paid(*, available_after: int, added: int) -> int:
    """How much of ``added`` points went to pay a debt (available was negative before)."""
    return min(max(added - available_after, 0), added)


def make_postings(*legs: tuple[int, str, int]) -> tuple[Posting, ...]:
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


def check_postings(postings: Sequence[Posting], *, owner_id: int) -> None:
    """The Python layer of the entry and transaction rules (each transaction has one owner)."""
    check_balanced(postings)
    for posting in postings:
        check_entry_values(posting.points, posting.bucket, account_is_system=posting.account_id != owner_id)


def fingerprint_of(kind: str, request: Mapping[str, object]) -> str:
    def encode(value: object) -> str:
        if isinstance(value, datetime):
            return value.astimezone(UTC).isoformat()
        if isinstance(value, Decimal):
            return str(value)
        raise TypeError(f"cannot fingerprint {type(value).__name__}")

    payload = json.dumps({"kind": str(kind), "request": request}, sort_keys=True, default=encode)
    return hashlib.sha256(payload.encode()).hexdigest()


def claim(
    kind: str,
    *,
    key: str,
    request: Mapping[str, object],
    source: Source,
    now: datetime,
    reverses_id: int | None = None,
) -> tuple[int, PostedTransaction | None]:
    """Insert the transaction row under ``key``: (id, None), or (first id, its replay) if used."""
    require_atomic()
    if not key:
        raise InvalidInput("an idempotency key is required", field="idempotency_key")
    fingerprint = fingerprint_of(kind, request)
    params = [
        str(kind), key, fingerprint, source.reason, source.order_id, source.checkout_token,
        source.staff_user_id, source.rule_id, reverses_id, now,
    ]
    with connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL, params)
        row = cursor.fetchone()
    if row is not None:
        return int(row[0]), None
    replayed = replay(key, fingerprint=fingerprint)
    return replayed.transaction_id, replayed


def replay(key: str, *, fingerprint: str | None = None) -> PostedTransaction:
    """The transaction written under ``key``, refused if it was for another request."""
    # After ON CONFLICT waited for a concurrent holder of the key, READ COMMITTED sees its row.
    with connection.cursor() as cursor:
        cursor.execute(REPLAY_SQL, [key])
        rows = cursor.fetchall()
    return replay_rows(key, rows, fingerprint=fingerprint)


def replay_rows(
    key: str, rows: Sequence[tuple[int, str, datetime, str, int, str, int]], *, fingerprint: str | None
) -> PostedTransaction:
    """A replay from ``REPLAY_SQL``'s rows (one per entry), refused if for another request."""
    if not rows:  # the balance trigger makes this impossible short of a corrupted database
        raise RuntimeError(f"ledger transaction {key!r} has no entries")
    tx_id, kind, created_at, first_fingerprint = rows[0][:4]
    if fingerprint is not None and first_fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            f"idempotency key {key!r} was already used for a different request", field="idempotency_key"
        )
    postings = tuple(Posting(account_id, bucket, points) for *_, account_id, bucket, points in rows)
    return PostedTransaction(tx_id, kind, key, created_at, postings, created=False)


def post(
    tx_id: int, owner_id: int, postings: Sequence[Posting], *, now: datetime, lifetime_delta: int = 0
) -> tuple[int, int, int, int]:
    """Insert the entries and update the owner's cached balances; return the new balances."""
    check_postings(postings, owner_id=owner_id)
    deltas = {Bucket.AVAILABLE: 0, Bucket.PENDING: 0, Bucket.HELD: 0}
    for posting in postings:
        if posting.account_id == owner_id:
            deltas[Bucket(posting.bucket)] += posting.points
    LedgerEntry.objects.bulk_create(
        LedgerEntry(transaction_id=tx_id, account_id=p.account_id, bucket=p.bucket, points=p.points) for p in postings
    )
    params = [deltas[Bucket.AVAILABLE], deltas[Bucket.PENDING], deltas[Bucket.HELD], lifetime_delta, now, owner_id]
    with connection.cursor() as cursor:
        cursor.execute(UPDATE_BALANCE_SQL, params)
        row = cursor.fetchone()
    if row is None:
        raise AccountNotFound(f"no owner account {owner_id}")
    return row[0], row[1], row[2], row[3]


def post_locked(
    locked: LockedAccount, tx_id: int, postings: Sequence[Posting], *, now: datetime, lifetime_delta: int = 0
) -> None:
    (locked.available, locked.pending, locked.held, locked.lifetime_earned) = post(
        tx_id, locked.account_id, postings, now=now, lifetime_delta=lifetime_delta
    )


def take_from_lots(account_id: int, points: int) -> list[tuple[int, int]]:
    """Spend ``points`` from matured lots oldest expiry first; return (lot id, points) taken."""
    if points <= 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(FIFO_LOTS_SQL, [account_id, points])
        lots = cursor.fetchall()
    taken: list[tuple[int, int]] = []
    left = points
    for lot_id, remaining in lots:
        take = min(remaining, left)
        taken.append((lot_id, take))
        left -= take
    if left:
        raise LotsOutOfSync(f"the lots of account {account_id} are {left} points short of its balance")
    change_lots({lot_id: (-take, 0) for lot_id, take in taken})
    return taken


def change_lots(changes: Mapping[int, tuple[int, int]]) -> None:
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


def close_hold(held: PointHold, status: HoldStatus, *, tx_id: int, now: datetime, order_id: str = "") -> None:
    fields: dict[str, object] = {"status": status, "closing_transaction_id": tx_id, "closed_at": now}
    if order_id:
        fields["order_id"] = order_id
    updated = PointHold.objects.filter(pk=held.pk, status=HoldStatus.ACTIVE).update(**fields)
    if updated != 1:
        raise HoldNotActive(f"hold {held.pk} was closed by another transaction")
    for name, value in fields.items():
        setattr(held, name, value)
