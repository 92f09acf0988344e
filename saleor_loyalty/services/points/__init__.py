"""Points use cases: earn, hold, redeem, reverse and read points (the one door adapters use).

Plain arguments in (ids, ints, ``Decimal``, aware datetimes), frozen dataclasses out. Each use
case that writes is one database transaction (a credit is a single statement); the writes
themselves go through ``saleor_loyalty.ledger``. Every write is idempotent: its key comes from
its source (``order:<id>:earn``, ``checkout:<token>:hold:<n>``, ...) or from the caller, and a
retry with the same arguments replays the first result. ``now`` is for tests.

Modules: ``values`` (what goes in and out), ``accounts`` (which account, created on first use),
``balances``, ``statements``, ``credits`` (orders, bonuses, staff adjustments), ``holds``
(checkout holds, redemptions), ``reversals`` (refunds, cancellations, returned points),
``batches`` (what the periodic tasks run). This file only re-exports them.
"""

from .accounts import get_account_for_customer
from .balances import get_balance, get_balances, get_customer_balances
from .batches import expire_due_points, mature_due_points, release_stale_holds, spent_holds
from .credits import adjust_points, credit_bonus, credit_points_for_order
from .holds import capture_hold_for_order, hold_points_for_checkout, redeem_points, release_hold_for_checkout
from .reversals import (
    calculate_points_to_reverse,
    return_redeemed_points,
    reverse_bonus,
    reverse_points_for_cancellation,
    reverse_points_for_refund,
)
from .statements import get_statement
from .values import AccountInfo, Balance, BatchResult, HoldInfo, Owner, Statement, StatementLine

__all__ = [
    "AccountInfo",
    "Balance",
    "BatchResult",
    "HoldInfo",
    "Owner",
    "Statement",
    "StatementLine",
    "adjust_points",
    "calculate_points_to_reverse",
    "capture_hold_for_order",
    "credit_bonus",
    "credit_points_for_order",
    "expire_due_points",
    "get_account_for_customer",
    "get_balance",
    "get_balances",
    "get_customer_balances",
    "get_statement",
    "hold_points_for_checkout",
    "mature_due_points",
    "redeem_points",
    "release_hold_for_checkout",
    "release_stale_holds",
    "return_redeemed_points",
    "reverse_bonus",
    "reverse_points_for_cancellation",
    "reverse_points_for_refund",
    "spent_holds",
]
