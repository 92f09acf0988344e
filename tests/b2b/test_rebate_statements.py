"""Reading rebates: statements with their orders, progress in the open period, codes to issue;
and the period arithmetic."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from saleor_loyalty.exceptions import RebateStatementNotFound
from saleor_loyalty.models import RebateProgram, RebateStatus
from saleor_loyalty.services.b2b import companies, rebate_statements, rebates
from saleor_loyalty.services.b2b.rebate_periods import (
    get_period_end,
    get_period_label,
    get_period_start,
    iter_period_starts,
)
from saleor_loyalty.services.b2b.rebates import Band

JANUARY = date(2025, 1, 1)


@pytest.fixture
def closed_january(acme: companies.CompanyInfo, acme_buyer: Any, make_order: Callable[..., Any],
                   monthly_program: RebateProgram, now: datetime) -> list[Any]:
    orders = [
        make_order(acme.company_id, "7000", user=acme_buyer, placed_at=datetime(2025, 1, 20, tzinfo=UTC)),
        make_order(acme.company_id, "6000", placed_at=datetime(2025, 1, 5, tzinfo=UTC), refunded="500"),
    ]
    rebates.close_rebate_period(monthly_program.pk, JANUARY, now=now)
    return orders


@pytest.mark.django_db
def test_a_statement_shows_the_orders_the_band_and_the_points(
    acme: companies.CompanyInfo, closed_january: list[Any], monthly_program: RebateProgram, make_order: Callable[..., Any]
):
    # given a refund after the close: the statement keeps the amounts it was computed with
    later, earlier = closed_january
    later.refunded_amount = Decimal(7000)
    later.save()

    # when
    [summary] = rebate_statements.get_rebate_statements(acme.company_id)
    statement = rebate_statements.get_rebate_statement(summary.statement_id, company_id=acme.company_id)

    # then
    assert (statement.period_label, statement.spend, statement.band, statement.rebate_amount, statement.points) == (
        "2025-01", Decimal("12500.000"), Band(Decimal("10000.000"), Decimal("2.0000")), Decimal("250.000"), 25_000)
    assert (statement.status, statement.program_name, summary.orders) == (RebateStatus.CREDITED, "Volume rebate", ())
    assert [(line.order_id, line.net_amount) for line in statement.orders] == [
        (earlier.order_id, Decimal("5500.000")), (later.order_id, Decimal("7000.000"))]


@pytest.mark.django_db
def test_another_companys_statement_is_not_found(acme: companies.CompanyInfo, closed_january: list[Any]):
    other = companies.create_company("Globex")
    [summary] = rebate_statements.get_rebate_statements(acme.company_id)

    with pytest.raises(RebateStatementNotFound):
        rebate_statements.get_rebate_statement(summary.statement_id, company_id=other.company_id)
    assert rebate_statements.get_rebate_statements(other.company_id) == ()


@pytest.mark.django_db
def test_progress_in_the_open_period_names_the_next_band(
    acme: companies.CompanyInfo, make_order: Callable[..., Any], volume_bands: list[Band], now: datetime
):
    # given a quarterly program and 31,000 spent this quarter (plus an order of last quarter)
    rebates.create_rebate_program(name="Quarterly", period="quarter", currency="EUR", bands=volume_bands,
                                  starts_on=JANUARY, payout="code")
    make_order(acme.company_id, "30000", placed_at=datetime(2025, 1, 2, tzinfo=UTC))
    make_order(acme.company_id, "1000", placed_at=datetime(2025, 2, 27, tzinfo=UTC))
    make_order(acme.company_id, "90000", placed_at=datetime(2024, 12, 31, tzinfo=UTC))

    # when
    [progress] = rebate_statements.get_rebate_progress(acme.company_id, now=now)

    # then
    assert (progress.period_label, progress.orders_count, progress.spend) == ("2025-Q1", 2, Decimal("31000.000"))
    assert (progress.band.percent, progress.rebate_so_far) == (Decimal("2.0000"), Decimal("620.00"))
    assert (progress.next_band.percent, progress.missing_to_next_band) == (Decimal("4.0000"), Decimal("19000.000"))


@pytest.mark.django_db
def test_codes_to_issue_are_listed_until_marked_issued(
    acme: companies.CompanyInfo, make_order: Callable[..., Any], volume_bands: list[Band]
):
    program = rebates.create_rebate_program(name="Voucher", period="month", currency="EUR", bands=volume_bands,
                                            starts_on=JANUARY, payout="code")
    make_order(acme.company_id, "10000", placed_at=datetime(2025, 1, 2, tzinfo=UTC))
    rebates.close_rebate_period(program.pk, JANUARY, now=datetime(2025, 2, 1, tzinfo=UTC))

    [to_issue] = rebate_statements.get_rebate_codes_to_issue()
    issued = rebate_statements.mark_rebate_code_issued(to_issue.statement_id)
    again = rebate_statements.mark_rebate_code_issued(to_issue.statement_id)

    assert (to_issue.rebate_amount, to_issue.currency, to_issue.code) == (Decimal("200.000"), "EUR", issued.code)
    assert issued.status == again.status == RebateStatus.CODE_ISSUED and again.paid_at == issued.paid_at
    assert rebate_statements.get_rebate_codes_to_issue() == ()


@pytest.mark.parametrize(
    ("kind", "day", "start", "end", "label"),
    [
        ("month", date(2025, 2, 28), date(2025, 2, 1), date(2025, 3, 1), "2025-02"),
        ("month", date(2025, 12, 31), date(2025, 12, 1), date(2026, 1, 1), "2025-12"),
        ("quarter", date(2025, 5, 17), date(2025, 4, 1), date(2025, 7, 1), "2025-Q2"),
        ("quarter", date(2025, 12, 1), date(2025, 10, 1), date(2026, 1, 1), "2025-Q4"),
        ("year", date(2025, 7, 4), date(2025, 1, 1), date(2026, 1, 1), "2025"),
    ],
)
def test_periods(kind: str, day: date, start: date, end: date, label: str):
    assert get_period_start(kind, day) == start
    assert get_period_end(kind, start) == end
    assert get_period_label(kind, start) == label


def test_period_starts_run_up_to_the_given_day():
    assert list(iter_period_starts("quarter", date(2024, 11, 1), until=date(2025, 4, 1))) == [
        date(2024, 10, 1), date(2025, 1, 1), date(2025, 4, 1)]
