"""``loyalty_reconcile``: clean after real use, and it reports data corrupted around the ORM."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import ManagementUtility, call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F

from saleor_loyalty.ledger import PostedTransaction
from saleor_loyalty.ledger.checks import find_ledger_problems
from saleor_loyalty.models import LoyaltyAccount, PointHold, PointLot
from saleor_loyalty.services import points
from saleor_loyalty.services.points import Owner

DAY = timedelta(days=1)


@pytest.fixture
def busy_ledger(
    owner: Owner, credit: Callable[..., PostedTransaction], company_buyer: Any, now: datetime
) -> datetime:
    """Every kind of transaction, on a customer and on a company; returns the time it ends."""
    credit(100, order_id="o-1", expires_at=now + 30 * DAY)
    credit(60, order_id="o-2", available_at=now + 14 * DAY, expires_at=now + 60 * DAY)
    credit(40, order_id="o-b", who=Owner.customer(company_buyer.pk))
    points.credit_bonus(owner, "welcome", points=25, reason="welcome bonus", now=now)
    points.hold_points_for_checkout(owner, "c-1", points=70, expires_at=now + DAY, now=now)
    points.capture_hold_for_order("c-1", "o-3", now=now)
    points.hold_points_for_checkout(owner, "c-2", points=30, expires_at=now + DAY, now=now)
    points.reverse_points_for_refund("o-1", refunded_amount=Decimal("80"), order_total=Decimal("100"), now=now)
    points.adjust_points(owner, 5, reason="goodwill", staff_user_id=1, now=now)
    points.release_stale_holds(now=now + 2 * DAY)
    points.mature_due_points(now=now + 14 * DAY)
    points.expire_due_points(now=now + 61 * DAY)
    points.redeem_points(Owner.customer(company_buyer.pk), "r-b", points=15, reason="voucher", now=now)
    return now + 61 * DAY


def test_clean_ledger_passes(busy_ledger: datetime) -> None:
    # when
    out = StringIO()
    call_command("loyalty_reconcile", stdout=out)

    # then
    assert "ledger consistent" in out.getvalue()
    assert find_ledger_problems(now=busy_ledger) == []


def test_cached_balance_changed_around_the_orm_is_reported(busy_ledger: datetime, owner: Owner) -> None:
    # given
    LoyaltyAccount.objects.filter(user_id=owner.user_id).update(available=F("available") + 7)

    # when
    problems = find_ledger_problems(now=busy_ledger)

    # then
    assert {problem.check for problem in problems} == {"cached balance", "lots cover balances"}


def test_lot_changed_around_the_orm_is_reported(busy_ledger: datetime) -> None:
    PointLot.objects.filter(remaining__gt=0).update(remaining=F("remaining") - 1)

    assert {problem.check for problem in find_ledger_problems(now=busy_ledger)} == {"lots cover balances"}


def test_unbalanced_transaction_written_with_triggers_off_is_reported(
    busy_ledger: datetime, owner: Owner
) -> None:
    # given: replica mode skips triggers, as a careless bulk load would
    account_id = LoyaltyAccount.objects.get(user_id=owner.user_id).pk
    with connection.cursor() as cursor:
        # The test's transaction never commits: fire the checks queued so far, as a commit would.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "INSERT INTO loyalty_ledger_entry (transaction_id, account_id, bucket, points)"
            " SELECT min(id), %s, 'available', 3 FROM loyalty_ledger_transaction",
            [account_id],
        )
        cursor.execute("SET LOCAL session_replication_role = origin")

    # when
    problems = find_ledger_problems(now=busy_ledger)

    # then
    assert {problem.check for problem in problems} == {"balanced transaction", "cached balance"}


def test_overdue_holds_and_lots_are_reported(
    owner: Owner, credit: Callable[..., PostedTransaction], now: datetime
) -> None:
    # given: the periodic tasks did not run
    credit(10, available_at=now + DAY, expires_at=now + 9 * DAY)
    credit(10, expires_at=now + 3 * DAY)
    points.hold_points_for_checkout(owner, "c-1", points=5, expires_at=now + DAY, now=now)

    # when
    problems = find_ledger_problems(now=now + 5 * DAY)

    # then
    assert sorted(problem.check for problem in problems) == ["overdue expiry", "overdue hold", "overdue maturing"]
    assert find_ledger_problems(now=now + DAY / 2) == []


def test_command_prints_a_report_and_exits_non_zero(
    busy_ledger: datetime, owner: Owner, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: manage.py closes all connections after a command; keep the test's open
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    PointHold.objects.filter(status="active").update(expires_at=busy_ledger - 3 * DAY)
    held = PointHold.objects.filter(status="captured").values_list("account_id", flat=True).first()
    LoyaltyAccount.objects.filter(pk=held).update(held=F("held") + 1)

    # when
    with pytest.raises(CommandError, match="inconsistent"):
        call_command("loyalty_reconcile", stdout=StringIO())
    with pytest.raises(SystemExit) as exited:
        ManagementUtility(["manage.py", "loyalty_reconcile"]).execute()

    # then
    assert exited.value.code == 1
    report = capsys.readouterr().out
    assert "[cached balance]" in report and "[holds cover held]" in report
