"""The database itself refuses bad ledger rows: tests go around the ORM (raw SQL, ``.update()``).

Each test names the constraint or trigger that must fire; docs/ledger.md lists them per invariant.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import F

from saleor_loyalty.ledger import PostedTransaction
from saleor_loyalty.models import (
    HoldAllocation,
    HoldStatus,
    LedgerEntry,
    LedgerTransaction,
    LoyaltyAccount,
    PointHold,
    PointLot,
)
from saleor_loyalty.services import points

from .helpers import refused, run_and_check_deferred

NEW_TRANSACTION = (
    "INSERT INTO loyalty_ledger_transaction (kind, idempotency_key, fingerprint, reason, order_id,"
    " checkout_token, rule_id, created_at) VALUES ('adjust', %s, '', '', '', '', '', now()) RETURNING id"
)


def insert_transaction(key: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(NEW_TRANSACTION, [key])
        return int(cursor.fetchone()[0])


def insert_entry(transaction_id: int, account_id: int, bucket: str, points_: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO loyalty_ledger_entry (transaction_id, account_id, bucket, points) VALUES (%s, %s, %s, %s)",
            [transaction_id, account_id, bucket, points_],
        )


@pytest.fixture
def system_account_id(earned: PostedTransaction) -> int:
    return next(posting.account_id for posting in earned.postings if posting.bucket == "system")


@pytest.fixture
def hold(owner: Any, earned: PostedTransaction, now: Any) -> PointHold:
    info = points.hold_points_for_checkout(owner, "checkout-1", points=30, expires_at=now.replace(hour=13), now=now)
    return PointHold.objects.get(pk=info.hold_id)


# --- a transaction balances -----------------------------------------------------------------


def test_unbalanced_transaction_is_refused_at_commit(account: LoyaltyAccount, system_account_id: int) -> None:
    def post_unbalanced() -> None:
        tx_id = insert_transaction("unbalanced")
        insert_entry(tx_id, system_account_id, "system", -100)
        insert_entry(tx_id, account.pk, "available", 101)

    with refused("loyalty_transaction_balanced"):
        run_and_check_deferred(post_unbalanced)


def test_transaction_with_one_entry_is_refused(account: LoyaltyAccount) -> None:
    def post_single() -> None:
        insert_entry(insert_transaction("single"), account.pk, "available", 5)

    with refused("loyalty_transaction_has_two_entries"):
        run_and_check_deferred(post_single)


def test_transaction_without_entries_is_refused(db: None) -> None:
    with refused("loyalty_transaction_has_two_entries"):
        run_and_check_deferred(lambda: insert_transaction("empty"))


def test_entry_appended_to_an_existing_transaction_must_keep_it_balanced(
    earned: PostedTransaction, account: LoyaltyAccount
) -> None:
    with refused("loyalty_transaction_balanced"):
        run_and_check_deferred(lambda: insert_entry(earned.transaction_id, account.pk, "available", 1))


def test_bucket_must_fit_the_account(account: LoyaltyAccount, system_account_id: int) -> None:
    with refused("loyalty_entry_bucket_fits_account"):
        run_and_check_deferred(lambda: insert_entry(insert_transaction("bucket"), account.pk, "system", 5))
    with refused("loyalty_entry_bucket_fits_account"):
        run_and_check_deferred(lambda: insert_entry(insert_transaction("bucket2"), system_account_id, "held", 5))


# --- append-only ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "trigger"),
    [
        (lambda tx: LedgerEntry.objects.filter(transaction_id=tx).update(points=1), "loyalty_entry_append_only"),
        (lambda tx: LedgerEntry.objects.filter(transaction_id=tx)._raw_delete("default"), "loyalty_entry_append_only"),
        (lambda tx: LedgerTransaction.objects.filter(pk=tx).update(reason="edited"), "loyalty_transaction_append_only"),
        (
            lambda tx: LedgerTransaction.objects.filter(pk=tx)._raw_delete("default"),
            "loyalty_transaction_append_only",
        ),
    ],
    ids=["update entry", "delete entry", "update transaction", "delete transaction"],
)
def test_entries_and_transactions_are_never_updated_or_deleted(
    earned: PostedTransaction, change: Any, trigger: str
) -> None:
    with refused(trigger):
        run_and_check_deferred(lambda: change(earned.transaction_id))


def test_hold_allocations_are_append_only(hold: PointHold) -> None:
    with refused("loyalty_hold_allocation_append_only"):
        run_and_check_deferred(lambda: HoldAllocation.objects.filter(hold=hold).update(points=1))
    with refused("loyalty_hold_allocation_append_only"):
        run_and_check_deferred("DELETE FROM loyalty_hold_allocation WHERE hold_id = %s", [hold.pk])


@pytest.mark.parametrize(
    "assignment",
    ["points = points + 1", "available_at = available_at + interval '1 day'", "matured = false",
     "expires_at = now() + interval '9 years'", "account_id = account_id + 1"],
)
def test_lot_changes_only_remaining_expired_and_matured(earned: PostedTransaction, assignment: str) -> None:
    with refused("loyalty_lot_guard"):
        run_and_check_deferred(
            f"UPDATE loyalty_point_lot SET {assignment} WHERE transaction_id = %s", [earned.transaction_id]
        )


def test_lot_is_never_deleted(earned: PostedTransaction) -> None:
    with refused("loyalty_lot_guard"):
        run_and_check_deferred("DELETE FROM loyalty_point_lot WHERE transaction_id = %s", [earned.transaction_id])


def test_hold_is_final_once_closed_and_never_deleted(hold: PointHold) -> None:
    # given
    points.release_hold_for_checkout(hold.checkout_token, now=hold.created_at)

    # then
    with refused("loyalty_hold_guard"):
        run_and_check_deferred(lambda: PointHold.objects.filter(pk=hold.pk).update(status=HoldStatus.ACTIVE,
                                                                               closed_at=None,
                                                                               closing_transaction=None))
    with refused("loyalty_hold_guard"):
        run_and_check_deferred("DELETE FROM loyalty_point_hold WHERE id = %s", [hold.pk])


def test_active_hold_keeps_its_points(hold: PointHold) -> None:
    with refused("loyalty_hold_guard"):
        run_and_check_deferred(lambda: PointHold.objects.filter(pk=hold.pk).update(points=1))


# --- CHECK and UNIQUE constraints -----------------------------------------------------------


@pytest.mark.parametrize(
    ("assignment", "constraint"),
    [
        ("pending = -1", "loyalty_account_pending_non_negative"),
        ("held = -1", "loyalty_account_held_non_negative"),
        ("lifetime_earned = -1", "loyalty_account_lifetime_earned_non_negative"),
        ("company_id = NULL, owner_kind = 'company'", "loyalty_account_owner_matches_kind"),
        ("system_code = 'issued'", "loyalty_account_owner_matches_kind"),
    ],
)
def test_account_checks(account: LoyaltyAccount, assignment: str, constraint: str) -> None:
    with refused(constraint):
        run_and_check_deferred(f"UPDATE loyalty_account SET {assignment} WHERE id = %s", [account.pk])


def test_system_account_balance_is_not_cached(system_account_id: int) -> None:
    with refused("loyalty_account_system_balance_not_cached"):
        run_and_check_deferred(lambda: LoyaltyAccount.objects.filter(pk=system_account_id).update(available=5))


def test_one_account_per_customer(account: LoyaltyAccount) -> None:
    with refused("loyalty_account_one_per_user"):
        run_and_check_deferred(lambda: LoyaltyAccount.objects.create(owner_kind="customer", user_id=account.user_id))


@pytest.mark.parametrize(
    ("sql", "constraint"),
    [
        ("INSERT INTO loyalty_ledger_entry (transaction_id, account_id, bucket, points)"
         " SELECT %s, account_id, bucket, 0 FROM loyalty_ledger_entry LIMIT 1", "loyalty_entry_points_non_zero"),
        ("INSERT INTO loyalty_ledger_entry (transaction_id, account_id, bucket, points)"
         " SELECT %s, account_id, 'spare', 1 FROM loyalty_ledger_entry WHERE bucket <> 'system' LIMIT 1",
         "loyalty_entry_bucket_valid"),
    ],
)
def test_entry_checks(earned: PostedTransaction, sql: str, constraint: str) -> None:
    with refused(constraint):
        run_and_check_deferred(sql, [earned.transaction_id])


def test_idempotency_key_is_unique_and_not_blank(earned: PostedTransaction) -> None:
    with refused("loyalty_transaction_idempotency_key_unique"):
        run_and_check_deferred(NEW_TRANSACTION, [earned.idempotency_key])
    with refused("loyalty_transaction_idempotency_key_not_blank"):
        run_and_check_deferred(NEW_TRANSACTION, [""])


@pytest.mark.parametrize(
    ("assignment", "constraint"),
    [
        ("remaining = points + 1", "loyalty_lot_remaining_within_points"),
        ("remaining = -1", "loyalty_lot_remaining_within_points"),
        ("expired = points, remaining = 1", "loyalty_lot_remaining_within_points"),
        ("expired = -1", "loyalty_lot_expired_non_negative"),
    ],
)
def test_lot_checks(earned: PostedTransaction, assignment: str, constraint: str) -> None:
    with refused(constraint):
        run_and_check_deferred(
            f"UPDATE loyalty_point_lot SET {assignment} WHERE transaction_id = %s", [earned.transaction_id]
        )


def test_lot_points_positive_and_expiry_after_availability(earned: PostedTransaction) -> None:
    copy = (
        "INSERT INTO loyalty_point_lot (account_id, transaction_id, points, remaining, expired, available_at,"
        " matured, expires_at, created_at) SELECT account_id, %s, {points}, 0, 0, available_at, matured,"
        " {expires_at}, created_at FROM loyalty_point_lot WHERE transaction_id = %s"
    )

    def insert_lot(points_: int, expires_at: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                copy.format(points=points_, expires_at=expires_at),
                [insert_transaction("another"), earned.transaction_id],
            )

    with refused("loyalty_lot_points_positive"):
        run_and_check_deferred(lambda: insert_lot(0, "NULL"))
    with refused("loyalty_lot_expires_after_available"):
        run_and_check_deferred(lambda: insert_lot(5, "available_at"))
    with refused("loyalty_lot_one_per_transaction"):
        run_and_check_deferred(copy.format(points=5, expires_at="NULL"), [earned.transaction_id] * 2)


def test_one_active_hold_per_checkout(hold: PointHold) -> None:
    copy = (
        "INSERT INTO loyalty_point_hold (account_id, transaction_id, checkout_token, points, status, expires_at,"
        " order_id, created_at) SELECT account_id, %s, checkout_token, points, 'active', expires_at, '', created_at"
        " FROM loyalty_point_hold WHERE id = %s"
    )

    def insert_hold() -> None:
        with connection.cursor() as cursor:
            cursor.execute(copy, [insert_transaction("second hold"), hold.pk])

    with refused("loyalty_hold_one_active_per_checkout"):
        run_and_check_deferred(insert_hold)


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"status": HoldStatus.CAPTURED, "order_id": "o-1"}, "loyalty_hold_closed_matches_status"),
        ({"closed_at": "2025-01-01T00:00:00Z"}, "loyalty_hold_closed_matches_status"),
        (
            {"status": "lost", "closed_at": "2025-01-01T00:00:00Z", "closing_transaction_id": F("transaction_id")},
            "loyalty_hold_status_valid",
        ),
    ],
)
def test_hold_checks(hold: PointHold, fields: dict[str, Any], constraint: str) -> None:
    with refused(constraint):
        run_and_check_deferred(lambda: PointHold.objects.filter(pk=hold.pk).update(**fields))


def test_captured_hold_names_its_order(hold: PointHold) -> None:
    update = lambda: PointHold.objects.filter(pk=hold.pk).update(  # noqa: E731
        status=HoldStatus.CAPTURED, closed_at=hold.created_at, closing_transaction_id=hold.transaction_id
    )
    with refused("loyalty_hold_captured_names_order"):
        run_and_check_deferred(update)


def test_company_member_belongs_to_one_company_with_a_positive_limit(company_buyer: Any, company: Any) -> None:
    from saleor_loyalty.models import Company, CompanyMember

    other = Company.objects.create(name="Other")
    with refused("loyalty_company_member_one_company_per_user"):
        run_and_check_deferred(lambda: CompanyMember.objects.create(company=other, user=company_buyer))
    with refused("loyalty_company_member_redemption_limit_positive"):
        run_and_check_deferred(lambda: CompanyMember.objects.filter(user=company_buyer).update(redemption_limit=0))


# --- TRUNCATE still works (the test database flush relies on it) ---------------------------


@pytest.mark.django_db(transaction=True)
def test_truncate_is_allowed(create_user: Any, now: Any) -> None:
    # given
    user = create_user()
    points.credit_points_for_order(points.Owner.customer(user.pk), "o-1", points=10, now=now)

    # when
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE loyalty_ledger_entry, loyalty_point_lot, loyalty_ledger_transaction CASCADE")

    # then
    assert not LedgerEntry.objects.exists()
    assert not PointLot.objects.exists()
