"""The points ledger: the only code that writes ledger rows and cached balances.

Modules: ``writers`` (every change to points), ``accounts`` (system account ids, locking),
``core`` (SQL, idempotency claim, posting, lots), ``values`` (what goes in and comes out),
``checks`` (every invariant over all accounts: ``find_ledger_problems``), ``sql_files`` (the
PL/pgSQL functions and triggers in ``sql/*.sql``, which migration 0002 runs).

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
  a credit locks it inside ``loyalty_credit()`` (``sql/60_credit.sql``). System account rows are never locked nor updated (no hot
  row). Lots and holds change only under their owner account's lock.

The caller (a service) owns the database transaction; every writer requires one, except
``credit``, one call of ``loyalty_credit()``, a single statement and so atomic by itself.
"""

from .accounts import (
    forget_system_account_ids,
    get_or_create_account_id,
    get_system_account_id,
    lock_account,
    try_lock_account,
)
from .core import check_balanced
from .values import LockedAccount, PostedTransaction, Posting, Source
from .writers import (
    capture,
    credit,
    debit,
    expire,
    extend_hold,
    find_posted,
    get_reversed_points,
    hold,
    mature,
    release,
    reverse,
)

__all__ = [
    "LockedAccount",
    "Posting",
    "PostedTransaction",
    "Source",
    "capture",
    "check_balanced",
    "credit",
    "debit",
    "expire",
    "extend_hold",
    "find_posted",
    "forget_system_account_ids",
    "get_or_create_account_id",
    "get_reversed_points",
    "get_system_account_id",
    "hold",
    "lock_account",
    "mature",
    "release",
    "reverse",
    "try_lock_account",
]
