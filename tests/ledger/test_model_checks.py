"""The Python layer of each invariant: one exception class per broken rule, before any SQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from saleor_loyalty import ledger
from saleor_loyalty.exceptions import (
    AppendOnlyViolation,
    BucketNotAllowed,
    ExpiryNotAfterAvailability,
    InsufficientPoints,
    InvalidInput,
    LotRemainingOutOfRange,
    OwnerMismatch,
    PointsNotPositive,
    TooFewEntries,
    UnbalancedTransaction,
    ZeroPointsEntry,
)
from saleor_loyalty.ledger import PostedTransaction, Posting
from saleor_loyalty.models import (
    LedgerEntry,
    LedgerTransaction,
    LoyaltyAccount,
    PointLot,
)
from saleor_loyalty.services import points
from saleor_loyalty.services.points import Owner


@pytest.mark.parametrize(
    "fields",
    [
        {"owner_kind": "customer", "company_id": 1, "user_id": 1},
        {"owner_kind": "company"},
        {"owner_kind": "system", "system_code": "issued", "user_id": 3},
    ],
)
def test_account_names_exactly_its_owner(fields: dict[str, Any]) -> None:
    with pytest.raises(OwnerMismatch):
        LoyaltyAccount(**fields).check_owner()


def test_entry_checks() -> None:
    with pytest.raises(ZeroPointsEntry):
        LedgerEntry(bucket="available", points=0).check_entry(account_is_system=False)
    with pytest.raises(BucketNotAllowed):
        LedgerEntry(bucket="system", points=5).check_entry(account_is_system=False)
    with pytest.raises(BucketNotAllowed):
        LedgerEntry(bucket="held", points=5).check_entry(account_is_system=True)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"points": 0, "remaining": 0}, PointsNotPositive),
        ({"points": 5, "remaining": 6}, LotRemainingOutOfRange),
        ({"points": 5, "remaining": 3, "expired": 3}, LotRemainingOutOfRange),
        ({"points": 5, "remaining": 5, "expires_at": datetime(2025, 1, 1, tzinfo=UTC)}, ExpiryNotAfterAvailability),
    ],
)
def test_lot_checks(fields: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        PointLot(available_at=datetime(2025, 1, 1, tzinfo=UTC), **fields).check_lot()


def test_transaction_must_balance_with_two_entries() -> None:
    with pytest.raises(TooFewEntries):
        ledger.check_balanced([Posting(1, "available", 5)])
    with pytest.raises(UnbalancedTransaction):
        ledger.check_balanced([Posting(1, "available", 5), Posting(2, "system", -4)])


def test_saved_ledger_rows_are_never_saved_again_or_deleted(earned: PostedTransaction) -> None:
    row = LedgerTransaction.objects.get(pk=earned.transaction_id)
    with pytest.raises(AppendOnlyViolation):
        row.save()
    with pytest.raises(AppendOnlyViolation):
        row.delete()
    with pytest.raises(AppendOnlyViolation):
        LedgerEntry.objects.filter(transaction=row).first().delete()  # type: ignore[union-attr]


@pytest.mark.parametrize("amount", [0, -5, True, 2.5])
def test_points_must_be_a_positive_integer(owner: Owner, now: datetime, amount: Any) -> None:
    with pytest.raises(PointsNotPositive):
        points.credit_points_for_order(owner, "o-1", points=amount, now=now)


def test_points_cannot_expire_before_they_are_available(owner: Owner, now: datetime) -> None:
    with pytest.raises(ExpiryNotAfterAvailability):
        points.credit_points_for_order(
            owner, "o-1", points=5, available_at=now + timedelta(days=30), expires_at=now + timedelta(days=7), now=now
        )


def test_spending_more_than_available_is_refused(owner: Owner, earned: PostedTransaction, now: datetime) -> None:
    with pytest.raises(InsufficientPoints):
        points.redeem_points(owner, "r-1", points=101, reason="voucher", now=now)
    with pytest.raises(InsufficientPoints):
        points.hold_points_for_checkout(owner, "c-1", points=101, expires_at=now + timedelta(hours=1), now=now)


def test_owner_is_a_customer_or_a_company() -> None:
    with pytest.raises(InvalidInput):
        Owner()
    with pytest.raises(InvalidInput):
        Owner(user_id=1, company_id=2)


@pytest.mark.django_db(transaction=True)
def test_ledger_writes_need_the_caller_transaction(create_user: Any) -> None:
    # given: autocommit, as outside any service
    account_id = points.get_account_for_customer(create_user().pk).account_id

    # then
    with pytest.raises(RuntimeError, match="atomic"):
        ledger.lock_account(account_id)
