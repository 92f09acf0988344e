"""Accounts as the ledger sees them: system account ids (cached), creating owner accounts, locks."""

from __future__ import annotations

from django.db import connection, transaction

from ..exceptions import AccountNotFound
from ..models import LoyaltyAccount, OwnerKind, SystemCode
from .core import require_atomic
from .values import LockedAccount

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


def uncount_earned(account_id: int, points: int) -> None:
    """Take ``points`` the caller has just credited back out of ``lifetime_earned``.

    For credits that give back what the owner already had (a cancelled order's redeemed
    points): they are not newly earned. Call it in the credit's transaction, only when the
    credit was created (not a replay); the credit's UPDATE holds the row lock.
    """
    require_atomic()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE loyalty_account SET lifetime_earned = lifetime_earned - %s"
            " WHERE id = %s AND owner_kind <> 'system' AND lifetime_earned >= %s",
            [points, account_id, points],
        )
        if cursor.rowcount != 1:
            raise AccountNotFound(f"no owner account {account_id} with {points} points earned")


_LOCK_SQL = (
    "SELECT id, available, pending, held, lifetime_earned FROM loyalty_account"
    " WHERE id = %s AND owner_kind <> 'system' FOR UPDATE"
)


def lock_account(account_id: int) -> LockedAccount:
    """Lock an owner account row for the rest of the transaction and read its balances."""
    require_atomic()
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL, [account_id])
        row = cursor.fetchone()
    if row is None:
        raise AccountNotFound(f"no owner account {account_id}")
    return LockedAccount(*row)


def try_lock_account(account_id: int) -> LockedAccount | None:
    """Like ``lock_account`` but None at once when another transaction holds the lock (tasks)."""
    require_atomic()
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL + " SKIP LOCKED", [account_id])
        row = cursor.fetchone()
    return LockedAccount(*row) if row else None
