"""Reading rebates: a company's statements, its progress in the current period, and the codes
the shop adapter has to issue as vouchers.

A statement says which orders counted (with their amounts at the close), which band the spend
reached and how much came back, in money and in points or as a code. Progress is the same
computation on the orders so far, so a buyer sees how far the next band is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum, Value
from django.db.models.functions import Greatest
from django.utils import timezone

from ...exceptions import RebateStatementNotFound
from ...models import (
    OrderRecord,
    OrderStatus,
    RebateProgram,
    RebateStatement,
    RebateStatementOrder,
    RebateStatus,
)
from .rebate_periods import get_period_end, get_period_label, get_period_start
from .rebate_bands import Band, calculate_rebate

__all__ = [
    "RebateProgress", "RebateStatementInfo", "StatementOrder", "get_rebate_codes_to_issue", "get_rebate_progress",
    "get_rebate_statement", "get_rebate_statement_orders", "get_rebate_statements", "mark_rebate_code_issued",
]

_MONEY = DecimalField(max_digits=20, decimal_places=3)
_NET = ExpressionWrapper(Greatest(F("goods_total") - F("refunded_amount"), Value(Decimal(0))), output_field=_MONEY)


@dataclass(frozen=True)
class StatementOrder:
    order_id: str
    placed_at: datetime
    goods_total: Decimal
    refunded_amount: Decimal
    net_amount: Decimal


@dataclass(frozen=True)
class RebateStatementInfo:
    """One closed period of one program for one company; ``orders`` only when asked for."""

    statement_id: int
    program_id: int
    program_name: str
    company_id: int
    period_start: date
    period_end: date
    period_label: str
    currency: str
    orders_count: int
    goods_total: Decimal
    refunded_amount: Decimal
    spend: Decimal
    band: Band | None
    rebate_amount: Decimal
    payout: str
    point_value: Decimal | None
    points: int | None
    code: str | None
    status: str
    paid_at: datetime | None
    orders: tuple[StatementOrder, ...] = ()


@dataclass(frozen=True)
class RebateProgress:
    """The current, open period: spend so far, the band it reaches and what the next one needs."""

    program_id: int
    program_name: str
    period_start: date
    period_end: date
    period_label: str
    currency: str
    orders_count: int
    spend: Decimal
    band: Band | None
    rebate_so_far: Decimal
    next_band: Band | None
    missing_to_next_band: Decimal | None


def get_rebate_statements(
    company_id: int, *, program_id: int | None = None, limit: int = 24
) -> tuple[RebateStatementInfo, ...]:
    """The company's statements, newest period first (without their orders)."""
    statements = RebateStatement.objects.filter(company_id=company_id).select_related("program")
    if program_id is not None:
        statements = statements.filter(program_id=program_id)
    return tuple(_info(row) for row in statements.order_by("-period_start", "-id")[:limit])


def get_rebate_statement(statement_id: int, *, company_id: int | None = None) -> RebateStatementInfo:
    """One statement with the orders that counted. With ``company_id``, a statement of another
    company is reported as not found (a member cannot learn that it exists)."""
    statements = RebateStatement.objects.select_related("program").prefetch_related("orders")
    if company_id is not None:
        statements = statements.filter(company_id=company_id)
    row = statements.filter(pk=statement_id).first()
    if row is None:
        raise RebateStatementNotFound(f"no rebate statement {statement_id}", field="statement_id")
    return _info(row, tuple(_order(order) for order in row.orders.all()))


def get_rebate_statement_orders(statement_ids: Sequence[int]) -> dict[int, tuple[StatementOrder, ...]]:
    """The counted orders of several statements in one query (for batching readers)."""
    found: dict[int, list[StatementOrder]] = {statement_id: [] for statement_id in statement_ids}
    for order in RebateStatementOrder.objects.filter(statement_id__in=list(found)).order_by("placed_at", "id"):
        found[order.statement_id].append(_order(order))
    return {statement_id: tuple(orders) for statement_id, orders in found.items()}


def get_rebate_progress(company_id: int, *, now: datetime | None = None) -> tuple[RebateProgress, ...]:
    """Where the company stands in the open period of each active program (one query each).

    Worked example: bands >= 10,000 -> 2% and >= 50,000 -> 4%; 31,000.00 EUR spent so far this
    quarter reaches 2% (620.00 EUR so far) and misses 19,000.00 EUR to reach 4%.
    """
    now = now or timezone.now()
    progress = []
    for program in RebateProgram.objects.filter(is_active=True).prefetch_related("bands").order_by("id"):
        start = get_period_start(program.period, now.date())
        end = get_period_end(program.period, start)
        orders = OrderRecord.objects.filter(
            company_id=company_id, status=OrderStatus.PAID, currency=program.currency,
            placed_at__gte=datetime.combine(start, time.min, tzinfo=UTC), placed_at__lte=now,
        )
        if program.channel:
            orders = orders.filter(channel=program.channel)
        figures = orders.aggregate(count=Count("id"), spend=Sum(_NET))
        spend = figures["spend"] or Decimal(0)
        bands = sorted((Band(row.min_spend, row.percent) for row in program.bands.all()), key=lambda b: b.min_spend)
        result = calculate_rebate(spend, bands, currency=program.currency)
        next_band = next((band for band in bands if band.min_spend > spend), None)
        progress.append(RebateProgress(
            program.pk, program.name, start, end, get_period_label(program.period, start), program.currency,
            figures["count"], spend, result.band, result.rebate_amount, next_band,
            None if next_band is None else next_band.min_spend - spend,
        ))
    return tuple(progress)


def get_rebate_codes_to_issue(*, limit: int = 100) -> tuple[RebateStatementInfo, ...]:
    """Statements paid as a code that the shop has not issued as a voucher yet, oldest first.

    The shop adapter creates a voucher worth ``rebate_amount`` in ``currency`` with ``code``,
    usable by the company's members, then calls ``mark_rebate_code_issued``.
    """
    rows = RebateStatement.objects.filter(status=RebateStatus.CODE_RECORDED).select_related("program")
    return tuple(_info(row) for row in rows.order_by("id")[:limit])


def mark_rebate_code_issued(statement_id: int, *, now: datetime | None = None) -> RebateStatementInfo:
    """Record that the shop issued the statement's voucher. Idempotent."""
    with transaction.atomic():
        row = RebateStatement.objects.select_for_update().select_related("program").filter(
            pk=statement_id, status__in=[RebateStatus.CODE_RECORDED, RebateStatus.CODE_ISSUED]
        ).first()
        if row is None:
            raise RebateStatementNotFound(f"no rebate code to issue for statement {statement_id}", field="statement_id")
        if row.status == RebateStatus.CODE_RECORDED:
            row.status = RebateStatus.CODE_ISSUED
            row.paid_at = now or timezone.now()
            row.save(update_fields=["status", "paid_at"])
    return _info(row)


def _order(order: RebateStatementOrder) -> StatementOrder:
    return StatementOrder(order.order_id, order.placed_at, order.goods_total, order.refunded_amount, order.net_amount)


def _info(row: RebateStatement, orders: tuple[StatementOrder, ...] = ()) -> RebateStatementInfo:
    band = None if row.percent is None else Band(row.band_min_spend, row.percent)
    return RebateStatementInfo(
        row.pk, row.program_id, row.program.name, row.company_id, row.period_start, row.period_end,
        get_period_label(row.program.period, row.period_start), row.currency, row.orders_count, row.goods_total,
        row.refunded_amount, row.spend, band, row.rebate_amount, row.payout, row.point_value, row.points, row.code,
        row.status, row.paid_at, orders,
    )
