"""Statements: an account's entries, newest first, with where each came from."""

from __future__ import annotations

from ...ledger import Source
from ...models import LedgerEntry, PointLot
from .balances import get_balance
from .values import Owner, Statement, StatementLine


def get_statement(owner: Owner, *, limit: int = 50, before_entry_id: int | None = None) -> Statement:
    """The account's entries, newest first, ``limit`` per page, with their transaction's story."""
    balance = get_balance(owner)
    if balance.account_id is None:
        return Statement(balance, (), None)
    entries = LedgerEntry.objects.filter(account_id=balance.account_id)
    if before_entry_id is not None:
        entries = entries.filter(id__lt=before_entry_id)
    page = list(
        entries.order_by("-id").values_list(
            "id", "transaction_id", "transaction__kind", "bucket", "points", "transaction__reason",
            "transaction__order_id", "transaction__checkout_token", "transaction__staff_user_id",
            "transaction__rule_id", "transaction__created_at",
        )[: limit + 1]
    )
    lot_times = {
        transaction_id: (available_at, expires_at)
        for transaction_id, available_at, expires_at in PointLot.objects.filter(
            transaction_id__in=[row[1] for row in page[:limit]], account_id=balance.account_id
        ).values_list("transaction_id", "available_at", "expires_at")
    }
    lines = tuple(
        StatementLine(entry_id, transaction_id, kind, bucket, points_, reason,
                      Source(reason, order_id, checkout_token, staff_user_id, rule_id).label, created_at,
                      *lot_times.get(transaction_id, (None, None)), order_id=order_id)
        for (entry_id, transaction_id, kind, bucket, points_, reason, order_id, checkout_token, staff_user_id,
             rule_id, created_at) in page[:limit]
    )
    return Statement(balance, lines, lines[-1].entry_id if len(page) > limit else None)
