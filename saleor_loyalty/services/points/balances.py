"""Balances: which account holds a customer's or company's points, and what it has.

The owner rule itself (a company member's points are the company's) is the SQL function
``loyalty_owner_account_id()`` (``ledger/sql/owner_account.sql``); these reads only call it.
"""

from __future__ import annotations

from collections.abc import Collection

from django.db import connection

from .values import Balance, Owner

# The owner rule is not written here: ``loyalty_owner_company_id()`` (the company whose pool a
# customer uses, if any) and ``loyalty_owner_account_id()`` are SQL functions, the same ones
# ``loyalty_credit()`` calls (ledger/sql/owner_account.sql). One round trip returns the owner's
# company and the account with its cached balances.
_FIND_ACCOUNT_SQL = """
SELECT loyalty_owner_company_id(%(user_id)s::bigint, %(company_id)s::bigint),
       account.id, account.available, account.pending, account.held, account.lifetime_earned
FROM (VALUES (loyalty_owner_account_id(%(user_id)s::bigint, %(company_id)s::bigint))) AS owner(account_id)
LEFT JOIN loyalty_account AS account ON account.id = owner.account_id
"""

AccountRow = tuple[int, int, int, int, int]  # id, available, pending, held, lifetime_earned

# The same for many owners in one round trip: the owners go in as two parallel arrays (one of
# the pair is NULL per owner), their position comes back with each row.
_FIND_ACCOUNTS_SQL = """
SELECT owner.position, account.id, account.available, account.pending, account.held, account.lifetime_earned
FROM unnest(%(user_ids)s::bigint[], %(company_ids)s::bigint[]) WITH ORDINALITY AS owner(user_id, company_id, position)
LEFT JOIN loyalty_account AS account ON account.id = loyalty_owner_account_id(owner.user_id, owner.company_id)
"""


def find_account(owner: Owner) -> tuple[int | None, AccountRow | None]:
    """(the company whose pool the owner uses, or None; the account row, or None if not yet made)."""
    with connection.cursor() as cursor:
        cursor.execute(_FIND_ACCOUNT_SQL, {"user_id": owner.user_id, "company_id": owner.company_id})
        company_id, *account = cursor.fetchone()
    return company_id, (tuple(account) if account[0] is not None else None)  # type: ignore[return-value]


def get_balance(owner: Owner) -> Balance:
    """The cached balances of the owner's account (zeros if it has none yet): one query."""
    _, account = find_account(owner)
    return _balance_of(account)


def get_balances(owners: Collection[Owner]) -> dict[Owner, Balance]:
    """The balances of many owners in one query, whatever their number (a list page).

    Same rule as ``get_balance``: a company member gets their company's balance, an owner
    without an account a zero ``Balance``. Creates nothing; no query at all for no owners.
    """
    unique = list(dict.fromkeys(owners))
    if not unique:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(_FIND_ACCOUNTS_SQL, {"user_ids": [owner.user_id for owner in unique],
                                            "company_ids": [owner.company_id for owner in unique]})
        rows = cursor.fetchall()
    return {unique[position - 1]: _balance_of(tuple(account) if account[0] is not None else None)  # type: ignore[arg-type]
            for position, *account in rows}


def get_customer_balances(user_ids: Collection[int]) -> dict[int, Balance]:
    """``get_balances`` keyed by customer id (a member's balance is their company's)."""
    balances = get_balances([Owner.customer(user_id) for user_id in user_ids])
    return {owner.user_id: balance for owner, balance in balances.items() if owner.user_id is not None}


def _balance_of(account: AccountRow | None) -> Balance:
    if account is None:
        return Balance(None, 0, 0, 0, 0, 0)
    account_id, available, pending, held, lifetime_earned = account
    return Balance(account_id, max(available, 0), pending, held, max(-available, 0), lifetime_earned)
