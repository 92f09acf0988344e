"""``loyalty_credit()`` (``ledger/sql/60_credit.sql``), the one-round-trip credit: called here directly in SQL too,
to show the database still refuses bad rows through it and that a replay writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_loyalty import ledger
from saleor_loyalty.exceptions import AccountNotFound
from saleor_loyalty.ledger import PostedTransaction, Source
from saleor_loyalty.models import LedgerEntry, LedgerTransaction, LoyaltyAccount, PointLot, SystemCode, TransactionKind
from saleor_loyalty.services import points

from .helpers import refused, run_and_check_deferred

CALL = "SELECT * FROM loyalty_credit(%s, %s, 'fp', 'r', '', '', NULL, '', now(), %s, %s, %s, true, now(), %s)"


def call_credit(key: str, account_id: int, system_id: int, points_: int, expires_at: Any = None,
                kind: str = "earn") -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(CALL, [kind, key, account_id, system_id, points_, expires_at])
        return cursor.fetchall()


def row_counts() -> tuple[int, int, int]:
    return LedgerTransaction.objects.count(), LedgerEntry.objects.count(), PointLot.objects.count()


@pytest.fixture
def issued_id(db: None) -> int:
    return ledger.get_system_account_id(SystemCode.ISSUED)


def credit_directly(account_id: int, key: str, now: datetime, amount: int = 10) -> PostedTransaction:
    return ledger.credit(
        account_id, kind=TransactionKind.EARN, system_code=SystemCode.ISSUED, points=amount, key=key,
        request={"amount": amount}, source=Source(reason="test"), now=now, available_at=now, expires_at=None,
    )


def test_a_credit_and_its_replay_are_one_statement_each(account: LoyaltyAccount, now: datetime) -> None:
    # given: the issuer's id cached, as after a process's first credit
    ledger.get_system_account_id(SystemCode.ISSUED)

    # when
    with CaptureQueriesContext(connection) as first:
        posted = credit_directly(account.pk, "k-1", now)
    rows = row_counts()
    with CaptureQueriesContext(connection) as again:
        replayed = credit_directly(account.pk, "k-1", now + timedelta(hours=1))

    # then
    assert (len(first), len(again)) == (1, 1)
    assert posted.created and not replayed.created
    assert (replayed.transaction_id, replayed.created_at, replayed.postings) == (
        posted.transaction_id, posted.created_at, posted.postings
    )
    assert row_counts() == rows
    account.refresh_from_db()
    assert (account.available, account.lifetime_earned, account.version) == (10, 10, 1)


def test_replay_through_sql_returns_the_first_entries_and_writes_nothing(
    account: LoyaltyAccount, issued_id: int
) -> None:
    # given
    [(tx_id, created, *_)] = call_credit("k-1", account.pk, issued_id, 10)
    rows = row_counts()

    # when: the same key, other points and even another account
    again = call_credit("k-1", issued_id, issued_id, 99)

    # then
    assert created
    assert [(row[0], row[1], row[2], row[5], row[6], row[7]) for row in again] == [
        (tx_id, False, "earn", issued_id, "system", -10), (tx_id, False, "earn", account.pk, "available", 10)
    ]
    assert row_counts() == rows
    account.refresh_from_db()
    assert account.available == 10


def test_no_owner_account_returns_no_row_and_writes_nothing(account: LoyaltyAccount, issued_id: int,
                                                            now: datetime) -> None:
    rows = row_counts()

    assert call_credit("k-system", issued_id, issued_id, 10) == []
    assert call_credit("k-missing", 987654321, issued_id, 10) == []
    with pytest.raises(AccountNotFound):  # a system account is no owner
        credit_directly(ledger.get_system_account_id(SystemCode.BONUSES), "k-system-2", now)
    assert row_counts() == rows
    assert not LedgerTransaction.objects.filter(idempotency_key__startswith="k-").exists()


def test_the_database_refuses_bad_rows_through_the_function(account: LoyaltyAccount, issued_id: int,
                                                            create_user: Callable[..., Any]) -> None:
    other = points.get_account_for_customer(create_user().pk).account_id
    rows = row_counts()

    # an owner account as the issuer: its entry would name the system bucket
    with refused("loyalty_entry_bucket_fits_account"):
        run_and_check_deferred(lambda: call_credit("k-bucket", account.pk, other, 10))
    # zero or negative points
    with refused("loyalty_entry_points_non_zero"):
        run_and_check_deferred(lambda: call_credit("k-zero", account.pk, issued_id, 0))
    with refused("loyalty_account_lifetime_earned_non_negative"):
        run_and_check_deferred(lambda: call_credit("k-negative", account.pk, issued_id, -5))
    # an expiry before availability, an unknown kind, a blank key
    with refused("loyalty_lot_expires_after_available"):
        run_and_check_deferred(lambda: call_credit("k-expiry", account.pk, issued_id, 5, expires_at="2000-01-01"))
    with refused("loyalty_transaction_kind_valid"):
        run_and_check_deferred(lambda: call_credit("k-kind", account.pk, issued_id, 5, kind="gift"))
    with refused("loyalty_transaction_idempotency_key_not_blank"):
        run_and_check_deferred(lambda: call_credit("", account.pk, issued_id, 5))

    assert row_counts() == rows
    account.refresh_from_db()
    assert (account.available, account.lifetime_earned) == (0, 0)



def test_a_service_credit_finds_its_owner_in_the_same_statement(
    owner: points.Owner, account: LoyaltyAccount, now: datetime
) -> None:
    ledger.get_system_account_id(SystemCode.ISSUED)

    with CaptureQueriesContext(connection) as queries:
        posted = points.credit_points_for_order(owner, "o-1", points=25, now=now)
    with CaptureQueriesContext(connection) as replay:
        again = points.credit_points_for_order(owner, "o-1", points=25, now=now)

    assert (len(queries), len(replay)) == (1, 1)
    assert "loyalty_owner_account_id" in queries.captured_queries[0]["sql"]
    assert {posting.account_id for posting in posted.postings} == {
        account.pk, ledger.get_system_account_id(SystemCode.ISSUED)}
    assert again.transaction_id == posted.transaction_id and not again.created


def test_a_first_credit_makes_the_account_then_credits(create_user: Callable[..., Any], now: datetime) -> None:
    newcomer = points.Owner.customer(create_user().pk)

    posted = points.credit_points_for_order(newcomer, "o-new", points=5, now=now)

    account = LoyaltyAccount.objects.get(user_id=newcomer.user_id)
    assert (account.pending + account.available, posted.created) == (5, True)
    assert account.pk in {posting.account_id for posting in posted.postings}


def test_an_unknown_customer_is_refused_and_nothing_is_written(db: None, now: datetime) -> None:
    before = row_counts()

    with pytest.raises(AccountNotFound):
        points.credit_points_for_order(points.Owner.customer(987654), "o-x", points=5, now=now)

    assert row_counts() == before


def test_the_sql_owner_rule_is_the_services_owner_rule(create_user: Callable[..., Any], db: None) -> None:
    from saleor_loyalty.services.b2b import companies
    from saleor_loyalty.services.points.balances import find_account

    solo, member, without = create_user(), create_user(), create_user()
    company = companies.create_company("Acme")
    companies.add_member(company.company_id, member.pk, by=companies.Actor.staff())
    for user in (solo, member):
        points.credit_bonus(points.Owner.customer(user.pk), f"welcome:{user.pk}", points=1, reason="welcome")
    owners = [points.Owner.customer(solo.pk), points.Owner.customer(member.pk), points.Owner.customer(without.pk),
              points.Owner.company(company.company_id), points.Owner.company(company.company_id + 1000)]

    def in_sql(owner: points.Owner) -> int | None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT loyalty_owner_account_id(%s, %s)", [owner.user_id, owner.company_id])
            return cursor.fetchone()[0]  # type: ignore[no-any-return]

    expected = [None if account is None else account[0] for account in (find_account(o)[1] for o in owners)]
    assert [in_sql(owner) for owner in owners] == expected
    # the member's credit went to the company's pool, which both rules name
    assert expected[1] == expected[3] is not None and expected[0] is not None and expected[2] is None
