"""Volume rebates: the calculation, closing a period for every company, paying it once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction

from saleor_loyalty.exceptions import (
    InvalidInput,
    RebatePeriodInvalid,
    RebatePeriodNotOver,
)
from saleor_loyalty.models import (
    LedgerTransaction,
    OrderStatus,
    PointLot,
    RebatePeriodClose,
    RebateProgram,
    RebateStatement,
    RebateStatus,
    SystemCode,
)
from saleor_loyalty.services.b2b import companies, rebates
from saleor_loyalty.services import points
from saleor_loyalty.services.points import Owner
from saleor_loyalty.services.b2b.rebate_bands import Band, calculate_rebate
from tests.ledger.helpers import refused

JANUARY = date(2025, 1, 1)
MID_JANUARY = datetime(2025, 1, 15, 10, 0, tzinfo=UTC)


# --- the calculation (no database) ----------------------------------------------------------


def test_the_docstring_example(volume_bands: list[Band]):
    by_cent = calculate_rebate(Decimal("12345.67"), volume_bands, currency="EUR", point_value=Decimal("0.01"))
    by_three_cents = calculate_rebate(Decimal("12345.67"), volume_bands, currency="EUR", point_value=Decimal("0.03"))

    assert by_cent.band == Band(Decimal(10000), Decimal(2))
    assert (by_cent.rebate_amount, by_cent.points) == (Decimal("246.91"), 24_691)
    assert by_three_cents.points == 8_230


@pytest.mark.parametrize(
    ("spend", "percent", "amount"),
    [("9999.99", None, "0"), ("10000", "2", "200.00"), ("49999.99", "2", "1000.00"), ("50000", "4", "2000.00")],
)
def test_the_highest_band_reached_applies(volume_bands: list[Band], spend: str, percent: str | None, amount: str):
    result = calculate_rebate(Decimal(spend), volume_bands, currency="EUR")

    assert (result.band.percent if result.band else None) == (Decimal(percent) if percent else None)
    assert (result.rebate_amount, result.points) == (Decimal(amount), None)


def test_the_rebate_is_rounded_to_the_currency(volume_bands: list[Band]):
    assert calculate_rebate(Decimal(12345), volume_bands, currency="JPY").rebate_amount == Decimal(247)
    assert calculate_rebate(Decimal("10000.125"), volume_bands, currency="KWD").rebate_amount == Decimal("200.003")


# --- programs -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_program_with_bad_fields_reports_every_problem(volume_bands: list[Band]):
    with pytest.raises(InvalidInput) as caught:
        rebates.create_rebate_program(
            name="", period="week", currency="eur", bands=[Band(Decimal(100), Decimal(5)), Band(Decimal(200), Decimal(3))],
            starts_on=JANUARY, point_value=None,
        )
    assert {field for field, _ in caught.value.problems} == {"name", "period", "currency", "point_value", "bands"}


@pytest.mark.django_db
def test_a_program_starts_on_a_periods_first_day(volume_bands: list[Band]):
    with pytest.raises(InvalidInput) as caught:
        rebates.create_rebate_program(name="Q", period="quarter", currency="EUR", bands=volume_bands,
                                      starts_on=date(2025, 2, 1), payout="code")
    assert caught.value.field == "starts_on"


# --- closing a period -----------------------------------------------------------------------


@pytest.fixture
def january_orders(acme: companies.CompanyInfo, acme_admin: Any, acme_buyer: Any,
                   make_order: Callable[..., Any]) -> dict[str, Any]:
    """Acme and Globex ordered in January; plus orders that must not count."""
    globex = companies.create_company("Globex")
    tiny = companies.create_company("Tiny")
    asleep = companies.create_company("Asleep")
    companies.update_company(asleep.company_id, is_active=False)
    counted = [
        make_order(acme.company_id, "8000.00", user=acme_admin, placed_at=MID_JANUARY),
        make_order(acme.company_id, "5000.00", user=acme_buyer, placed_at=MID_JANUARY, refunded="1000.00"),
        make_order(globex.company_id, "60000.00", placed_at=MID_JANUARY),
        make_order(tiny.company_id, "500.00", placed_at=MID_JANUARY),
    ]
    for status, refunded in ((OrderStatus.CANCELLED, "0"), (OrderStatus.REFUNDED, "3000.00"), (OrderStatus.PLACED, "0")):
        make_order(acme.company_id, "3000.00", status=status, refunded=refunded, placed_at=MID_JANUARY)
    make_order(acme.company_id, "3000.00", currency="USD", placed_at=MID_JANUARY)
    make_order(acme.company_id, "3000.00", placed_at=datetime(2025, 2, 1, tzinfo=UTC))
    make_order(acme.company_id, "3000.00", placed_at=datetime(2024, 12, 31, 23, 59, 59, tzinfo=UTC))
    make_order(asleep.company_id, "90000.00", placed_at=MID_JANUARY)
    make_order(None, "90000.00", user=acme_buyer, placed_at=MID_JANUARY)
    return {"globex": globex, "tiny": tiny, "asleep": asleep, "counted": counted}


def test_closing_a_month_writes_a_statement_per_company_and_credits_the_shared_pools(
    acme: companies.CompanyInfo, january_orders: dict[str, Any], monthly_program: RebateProgram, now: datetime
):
    globex, tiny = january_orders["globex"], january_orders["tiny"]

    # when
    result = rebates.close_rebate_period(monthly_program.pk, JANUARY, now=now)

    # then: Acme spent 8,000 + 4,000 = 12,000 (2%), Globex 60,000 (4%), Tiny 500 (no band)
    assert (result.already_closed, result.statements, result.credited, result.period_end) == (
        False, 3, 2, date(2025, 2, 1))
    assert result.total_rebate == Decimal("2640.00")
    statements = {row.company_id: row for row in RebateStatement.objects.filter(program=monthly_program)}
    assert set(statements) == {acme.company_id, globex.company_id, tiny.company_id}
    acme_statement = statements[acme.company_id]
    assert (acme_statement.orders_count, acme_statement.goods_total, acme_statement.refunded_amount) == (
        2, Decimal("13000.00"), Decimal("1000.00"))
    assert (acme_statement.spend, acme_statement.percent, acme_statement.rebate_amount, acme_statement.points) == (
        Decimal("12000.00"), Decimal(2), Decimal("240.00"), 24_000)
    assert acme_statement.status == RebateStatus.CREDITED
    assert sorted(acme_statement.orders.values_list("order_id", flat=True)) == sorted(
        order.order_id for order in january_orders["counted"][:2])
    assert (statements[tiny.company_id].status, statements[tiny.company_id].points) == (RebateStatus.NO_REBATE, 0)
    assert points.get_balance(Owner.company(acme.company_id)).available == 24_000
    assert points.get_balance(Owner.company(globex.company_id)).available == 240_000
    credit = LedgerTransaction.objects.get(pk=acme_statement.ledger_transaction_id)
    assert credit.idempotency_key == f"rebate:{monthly_program.pk}:{acme.company_id}:2025-01"
    # from the rebates system account, not the bonuses one
    issuers = set(credit.entries.filter(points__lt=0).values_list("account__system_code", flat=True))
    assert issuers == {SystemCode.REBATES}


def test_closing_again_changes_nothing(
    acme: companies.CompanyInfo, january_orders: dict[str, Any], monthly_program: RebateProgram,
    make_order: Callable[..., Any], now: datetime,
):
    rebates.close_rebate_period(monthly_program.pk, JANUARY, now=now)
    # a January order recorded after the close, for a company that had none
    late = companies.create_company("Late")
    make_order(late.company_id, "20000", placed_at=MID_JANUARY)

    again = rebates.close_rebate_period(monthly_program.pk, JANUARY, now=now + timedelta(days=1))

    assert (again.already_closed, again.statements, again.credited) == (True, 3, 0)
    assert not RebateStatement.objects.filter(company_id=late.company_id).exists()
    assert LedgerTransaction.objects.filter(idempotency_key__startswith=f"rebate:{monthly_program.pk}:").count() == 2
    assert points.get_balance(Owner.company(acme.company_id)).available == 24_000


@pytest.mark.django_db
def test_the_database_refuses_a_second_statement_for_a_period(acme: companies.CompanyInfo, monthly_program: RebateProgram):
    insert = (
        "INSERT INTO loyalty_rebate_statement (program_id, company_id, period_start, period_end, currency,"
        " orders_count, goods_total, refunded_amount, spend, rebate_amount, payout, status, created_at)"
        " VALUES (%s, %s, '2025-01-01', '2025-02-01', 'EUR', 0, 0, 0, 0, 0, 'points', 'no_rebate', now())"
    )
    with connection.cursor() as cursor:
        cursor.execute(insert, [monthly_program.pk, acme.company_id])
    with refused("loyalty_rebate_statement_once_per_period"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(insert, [monthly_program.pk, acme.company_id])


@pytest.mark.django_db
def test_the_database_refuses_a_credited_statement_without_its_transaction(
    acme: companies.CompanyInfo, monthly_program: RebateProgram
):
    with refused("loyalty_rebate_statement_credited_names_transaction"), transaction.atomic():
        RebateStatement.objects.create(
            program=monthly_program, company_id=acme.company_id, period_start=JANUARY, period_end=date(2025, 2, 1),
            currency="EUR", orders_count=1, goods_total=1, refunded_amount=0, spend=1, payout="points", points=5,
            status=RebateStatus.CREDITED,
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("period_start", "at", "error"),
    [
        (date(2025, 1, 15), datetime(2025, 3, 1, tzinfo=UTC), RebatePeriodInvalid),
        (date(2024, 12, 1), datetime(2025, 3, 1, tzinfo=UTC), RebatePeriodInvalid),
        (date(2025, 2, 1), datetime(2025, 2, 28, 23, 59, tzinfo=UTC), RebatePeriodNotOver),
    ],
)
def test_only_a_finished_period_of_the_program_can_be_closed(
    monthly_program: RebateProgram, period_start: date, at: datetime, error: type[Exception]
):
    with pytest.raises(error):
        rebates.close_rebate_period(monthly_program.pk, period_start, now=at)
    assert not RebatePeriodClose.objects.exists()


@pytest.mark.django_db
def test_settle_days_delay_the_close(monthly_program: RebateProgram):
    rebates.update_rebate_program(monthly_program.pk, settle_days=14)

    with pytest.raises(RebatePeriodNotOver):
        rebates.close_rebate_period(monthly_program.pk, JANUARY, now=datetime(2025, 2, 14, 23, tzinfo=UTC))
    assert not rebates.close_rebate_period(monthly_program.pk, JANUARY, now=datetime(2025, 2, 15, tzinfo=UTC)).already_closed


def test_a_failed_payout_leaves_the_statement_pending_for_the_next_run(
    acme: companies.CompanyInfo, january_orders: dict[str, Any], monthly_program: RebateProgram, now: datetime,
    monkeypatch: pytest.MonkeyPatch,
):
    # given the ledger fails for every credit during the close
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database went away")

    monkeypatch.setattr(points, "credit_bonus", broken)
    with pytest.raises(RuntimeError):
        rebates.close_rebate_period(monthly_program.pk, JANUARY, now=now)
    assert RebateStatement.objects.filter(status=RebateStatus.PENDING).count() == 2
    assert points.get_balance(Owner.company(acme.company_id)).available == 0

    # when the ledger is back and the periodic run pays what is pending
    monkeypatch.undo()
    credited = rebates.pay_pending_rebates(now=now)

    # then
    assert credited == 2
    assert points.get_balance(Owner.company(acme.company_id)).available == 24_000


def test_a_code_payout_records_a_code_for_the_shop_to_issue(
    acme: companies.CompanyInfo, january_orders: dict[str, Any], volume_bands: list[Band], now: datetime
):
    program = rebates.create_rebate_program(name="Voucher rebate", period="quarter", currency="EUR",
                                            bands=volume_bands, starts_on=JANUARY, payout="code")

    result = rebates.close_rebate_period(program.pk, JANUARY, now=datetime(2025, 4, 1, tzinfo=UTC))

    assert (result.credited, result.codes_recorded) == (0, 2)
    statement = RebateStatement.objects.get(program=program, company_id=acme.company_id)
    assert statement.status == RebateStatus.CODE_RECORDED and statement.code.startswith("REBATE-")
    # the quarter also counts Acme's February order: 15,000 x 2%
    assert (statement.rebate_amount, statement.points) == (Decimal("300.00"), None)
    assert points.get_balance(Owner.company(acme.company_id)).available == 0


def test_a_rebate_worth_less_than_a_point_pays_nothing(
    acme: companies.CompanyInfo, make_order: Callable[..., Any], now: datetime
):
    program = rebates.create_rebate_program(name="Coarse", period="month", currency="EUR",
                                            bands=[Band(Decimal(0), Decimal(1))], starts_on=JANUARY,
                                            point_value=Decimal("1.00"))
    make_order(acme.company_id, "99.00", placed_at=MID_JANUARY)

    rebates.close_rebate_period(program.pk, JANUARY, now=now)

    statement = RebateStatement.objects.get(program=program)
    assert (statement.rebate_amount, statement.points, statement.status) == (Decimal("0.99"), 0, RebateStatus.NO_REBATE)


def test_rebate_points_expire_after_the_programs_valid_days(
    acme: companies.CompanyInfo, make_order: Callable[..., Any], volume_bands: list[Band], now: datetime
):
    program = rebates.create_rebate_program(name="Expiring", period="month", currency="EUR", bands=volume_bands,
                                            starts_on=JANUARY, point_value=Decimal("0.01"), points_valid_days=90)
    make_order(acme.company_id, "10000", placed_at=MID_JANUARY)

    rebates.close_rebate_period(program.pk, JANUARY, now=now)

    statement = RebateStatement.objects.get(program=program)
    lot = PointLot.objects.get(transaction_id=statement.ledger_transaction_id)
    assert (lot.points, lot.expires_at) == (20_000, now + timedelta(days=90))


def test_the_periodic_run_closes_every_finished_period_once(
    acme: companies.CompanyInfo, make_order: Callable[..., Any], monthly_program: RebateProgram
):
    make_order(acme.company_id, "10000", placed_at=MID_JANUARY)
    make_order(acme.company_id, "50000", placed_at=datetime(2025, 2, 10, tzinfo=UTC))
    march_2 = datetime(2025, 3, 2, tzinfo=UTC)

    first = rebates.close_due_rebate_periods(now=march_2)
    second = rebates.close_due_rebate_periods(now=march_2 + timedelta(hours=1))

    assert [(result.period_start, result.credited) for result in first] == [(JANUARY, 1), (date(2025, 2, 1), 1)]
    assert second == []
    assert points.get_balance(Owner.company(acme.company_id)).available == 20_000 + 200_000


def test_a_paused_program_is_not_closed_by_the_periodic_run(monthly_program: RebateProgram):
    rebates.update_rebate_program(monthly_program.pk, is_active=False)

    assert rebates.close_due_rebate_periods(now=datetime(2025, 6, 1, tzinfo=UTC)) == []


@pytest.mark.django_db(transaction=True)
def test_concurrent_closes_write_one_statement_and_pay_once(
    acme: companies.CompanyInfo, make_order: Callable[..., Any], volume_bands: list[Band], now: datetime
):
    # given (committed rows, seen by every thread's own connection)
    program = rebates.create_rebate_program(name="Race", period="month", currency="EUR", bands=volume_bands,
                                            starts_on=JANUARY, point_value=Decimal("0.01"))
    make_order(acme.company_id, "10000", placed_at=MID_JANUARY)

    # when four workers close January at the same moment
    results = _run_concurrently(4, lambda: rebates.close_rebate_period(program.pk, JANUARY, now=now))

    # then one of them closed it, the others found it closed, and the points came once
    assert not [result for result in results if isinstance(result, BaseException)], results
    assert sorted(result.already_closed for result in results) == [False, True, True, True]
    assert RebateStatement.objects.filter(program=program).count() == 1
    assert points.get_balance(Owner.company(acme.company_id)).available == 20_000


def _run_concurrently(count: int, work: Callable[[], Any]) -> list[Any]:
    """Start ``count`` threads at once (a barrier), each on its own connection; results or exceptions."""
    barrier = threading.Barrier(count)
    results: list[Any] = [RuntimeError("did not run")] * count

    def thread_main(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test, which asserts on it
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=thread_main, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
