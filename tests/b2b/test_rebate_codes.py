"""Volume rebates paid as a code: issued once as a shop voucher, retried after a failure, usable
only by the company's members."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from saleor_loyalty.models import RebateStatement, RebateStatus
from saleor_loyalty.services.b2b import companies, rebate_codes, rebates
from saleor_loyalty.services.b2b.rebates import Band
from saleor_loyalty.shop import set_shop
from tests.services.fakes import FakeShop

JANUARY = date(2025, 1, 1)
pytestmark = pytest.mark.django_db


class IssuingShop(FakeShop):
    """The fake shop with vouchers issued on their own; ``failing`` codes raise once."""

    def __init__(self) -> None:
        super().__init__()
        self.issued: dict[str, tuple[Decimal, str, str, int]] = {}
        self.calls: list[str] = []
        self.failing: set[str] = set()

    def issue_voucher(self, code: str, *, amount: Decimal, currency: str, name: str, company_id: int) -> None:
        self.calls.append(code)
        if code in self.failing:
            self.failing.discard(code)
            raise RuntimeError("the shop is down")
        self.issued.setdefault(code, (amount, currency, name, company_id))


@pytest.fixture
def issuing_shop() -> Iterator[IssuingShop]:
    shop = IssuingShop()
    set_shop(shop)
    yield shop
    set_shop(None)


@pytest.fixture
def code_statement(acme: companies.CompanyInfo, make_order: Callable[..., Any], volume_bands: list[Band]) -> RebateStatement:
    """January closed: Acme spent 10,000 EUR, 2 % back as a code of 200.00 EUR."""
    program = rebates.create_rebate_program(name="Voucher", period="month", currency="EUR", bands=volume_bands,
                                            starts_on=JANUARY, payout="code")
    make_order(acme.company_id, "10000", placed_at=datetime(2025, 1, 2, tzinfo=UTC))
    rebates.close_rebate_period(program.pk, JANUARY, now=datetime(2025, 2, 1, tzinfo=UTC))
    return RebateStatement.objects.get(program=program)


def test_a_code_is_issued_once_and_marked(issuing_shop: IssuingShop, code_statement: RebateStatement,
                                          acme: companies.CompanyInfo) -> None:
    first = rebate_codes.issue_rebate_codes()
    second = rebate_codes.issue_rebate_codes()

    code_statement.refresh_from_db()
    assert (first, second) == (rebate_codes.IssueResult(1, 0), rebate_codes.IssueResult(0, 0))
    assert issuing_shop.issued == {
        code_statement.code: (Decimal("200.000"), "EUR", "Volume rebate 2025-01", acme.company_id),
    }
    assert issuing_shop.calls == [code_statement.code]
    assert code_statement.status == RebateStatus.CODE_ISSUED and code_statement.paid_at is not None


def test_a_failed_issue_is_left_for_the_next_run(issuing_shop: IssuingShop, code_statement: RebateStatement) -> None:
    issuing_shop.failing.add(code_statement.code)

    failed = rebate_codes.issue_rebate_codes()
    code_statement.refresh_from_db()
    assert (failed, code_statement.status) == (rebate_codes.IssueResult(0, 1), RebateStatus.CODE_RECORDED)

    retried = rebate_codes.issue_rebate_codes()
    code_statement.refresh_from_db()
    assert (retried, code_statement.status) == (rebate_codes.IssueResult(1, 0), RebateStatus.CODE_ISSUED)


@pytest.mark.parametrize("registered", [True, False])
def test_a_shop_that_cannot_issue_vouchers_marks_nothing(code_statement: RebateStatement, registered: bool) -> None:
    set_shop(FakeShop() if registered else None)
    try:
        result = rebate_codes.issue_rebate_codes()
    finally:
        set_shop(None)

    code_statement.refresh_from_db()
    assert result == rebate_codes.IssueResult(0, 0, unsupported=True)
    assert code_statement.status == RebateStatus.CODE_RECORDED


def test_only_the_companys_members_may_use_the_code(
    code_statement: RebateStatement, acme: companies.CompanyInfo, acme_buyer: Any, other_customer: Any
) -> None:
    code = code_statement.code

    member = rebate_codes.check_rebate_code(code.lower(), user_id=acme_buyer.pk)
    outsider = rebate_codes.check_rebate_code(code, user_id=other_customer.pk)
    guest = rebate_codes.check_rebate_code(code, user_id=None)

    assert member.allowed
    assert (outsider.allowed, outsider.reason, guest.reason) == (False, "not_member", "not_member")
    assert rebate_codes.check_rebate_code("SOME-OTHER-CODE", user_id=other_customer.pk).allowed
    assert rebate_codes.check_rebate_code(None, user_id=None).allowed


def test_an_inactive_companys_code_is_refused(
    code_statement: RebateStatement, acme: companies.CompanyInfo, acme_buyer: Any
) -> None:
    from saleor_loyalty.models import Company

    Company.objects.filter(pk=acme.company_id).update(is_active=False)

    check = rebate_codes.check_rebate_code(code_statement.code, user_id=acme_buyer.pk)

    assert (check.allowed, check.reason) == (False, "company_inactive")


def test_the_rebate_task_closes_the_period_and_issues_the_voucher(
    issuing_shop: IssuingShop, acme: companies.CompanyInfo, make_order: Callable[..., Any], volume_bands: list[Band]
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from saleor_loyalty import tasks
    from saleor_loyalty.services.b2b.rebate_periods import get_period_start
    from tests.celery_app import app

    assert app.conf.task_always_eager

    today = timezone.now().date()
    last_month = get_period_start("month", get_period_start("month", today) - timedelta(days=1))
    rebates.create_rebate_program(name="Voucher", period="month", currency="EUR", bands=volume_bands,
                                  starts_on=last_month, payout="code")
    make_order(acme.company_id, "10000", placed_at=timezone.now().replace(
        year=last_month.year, month=last_month.month, day=1))

    assert tasks.close_rebate_periods_task.delay().get() == 1
    assert tasks.close_rebate_periods_task.delay().get() == 0

    statement = RebateStatement.objects.get()
    assert statement.status == RebateStatus.CODE_ISSUED
    assert list(issuing_shop.issued) == [statement.code] and issuing_shop.calls == [statement.code]
