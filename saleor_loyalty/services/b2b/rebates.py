"""Volume rebates: programs with spend bands, period closing, payouts.

A program pays each company a share of what it spent in a period (month, quarter or year,
calendar periods in UTC): the percentage of the highest band its spend reaches. It is computed
retrospectively, when the period is closed:

* counted are the company's orders (``OrderRecord.company``: the company at the time of the
  order) placed in the period, in the program's currency (and channel, if it names one), still
  ``paid`` at the close: cancelled and fully refunded orders count nothing, a partial refund
  is taken off (``goods_total - refunded_amount``, never below zero; shipping never counts);
* refunds after the close do not change a closed statement (``settle_days`` delays the close
  so the return window passes first); deactivated companies get no statement;
* the rebate is ``spend x percent / 100`` rounded once to the currency, then paid in points
  (``rebate / point_value`` rounded down, into the company's shared account through
  ``services.points`` with the key ``rebate:<program>:<company>:<period>``) or as a discount
  code the statement records and the shop adapter turns into a voucher.

``close_rebate_period`` writes every company's statement and its orders with two set-based SQL
statements in one transaction, then pays each statement in its own transaction. Running it
twice changes nothing (the period's ``RebatePeriodClose`` row and the statement's UNIQUE
constraint); a payout that failed is retried by ``pay_pending_rebates`` (the periodic task).
Statements are read in ``services.b2b.rebate_statements``.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from ...engine import bounds
from ...engine.money import is_currency_code
from ...exceptions import InvalidInput, RebatePeriodInvalid, RebatePeriodNotOver, RebateProgramNotFound
from ...models import (
    OrderStatus,
    RebateBand,
    RebatePayout,
    RebatePeriodClose,
    RebatePeriodKind,
    RebateProgram,
    RebateStatement,
    RebateStatus,
    SystemCode,
)
from .. import points
from .rebate_bands import Band, calculate_rebate, get_band_problems
from .rebate_periods import get_period_end, get_period_label, get_period_start, iter_period_starts

__all__ = [
    "Band", "PeriodCloseResult", "close_due_rebate_periods",
    "close_rebate_period", "create_rebate_program", "pay_pending_rebates", "set_rebate_bands",
    "update_rebate_program",
]

@dataclass(frozen=True)
class PeriodCloseResult:
    program_id: int
    period_start: date
    period_end: date
    already_closed: bool
    statements: int
    total_rebate: Decimal
    credited: int
    codes_recorded: int


# --- programs -------------------------------------------------------------------------------


def create_rebate_program(
    *,
    name: str,
    period: str,
    currency: str,
    bands: Sequence[Band],
    starts_on: date,
    payout: str = "points",
    point_value: Decimal | None = None,
    channel: str | None = None,
    points_valid_days: int | None = None,
    settle_days: int = 0,
    now: datetime | None = None,
) -> RebateProgram:
    """A rebate program paying from the period that starts on ``starts_on`` (a period's first day).

    Points payouts need ``point_value`` (money per point), fixed on the program so every
    statement can be explained later whatever the shop's point value becomes.
    """
    problems: list[tuple[str | None, str]] = []
    if not name or not name.strip():
        problems.append(("name", "name: is required"))
    if period not in RebatePeriodKind.values:
        problems.append(("period", f"period: must be one of {', '.join(RebatePeriodKind.values)}"))
    elif get_period_start(period, starts_on) != starts_on:
        problems.append(("starts_on", f"starts_on: {starts_on} is not the first day of a {period}"))
    if not is_currency_code(currency):
        problems.append(("currency", "currency: must be a three-letter ISO 4217 code"))
    if payout not in RebatePayout.values:
        problems.append(("payout", f"payout: must be one of {', '.join(RebatePayout.values)}"))
    if payout == RebatePayout.POINTS and (point_value is None or point_value <= 0):
        problems.append(("point_value", "point_value: a points payout needs a positive point value"))
    elif point_value is not None and (problem := bounds.RATE.problem(point_value)):
        problems.append(("point_value", f"point_value: {problem}"))
    if points_valid_days is not None and (problem := bounds.DAYS.problem(points_valid_days)):
        problems.append(("points_valid_days", f"points_valid_days: {problem}"))
    if problem := bounds.DAYS_OR_ZERO.problem(settle_days):
        problems.append(("settle_days", f"settle_days: {problem}"))
    problems.extend(get_band_problems(bands))
    _raise(problems)
    now = now or timezone.now()
    with transaction.atomic():
        program = RebateProgram.objects.create(
            name=name.strip(), period=period, currency=currency, channel=channel or None, payout=payout,
            point_value=point_value, points_valid_days=points_valid_days, starts_on=starts_on,
            settle_days=settle_days, created_at=now, updated_at=now,
        )
        RebateBand.objects.bulk_create(RebateBand(program=program, min_spend=b.min_spend, percent=b.percent) for b in bands)
    return program


def update_rebate_program(
    program_id: int,
    *,
    name: str | None = None,
    is_active: bool | None = None,
    settle_days: int | None = None,
    now: datetime | None = None,
) -> RebateProgram:
    """Rename, pause or resume a program, or change its settle days. Its period, currency and
    payout stay as created: closed statements were computed with them."""
    with transaction.atomic():
        program = _lock_program(program_id)
        if name is not None:
            if not name.strip():
                raise InvalidInput("name: is required", field="name")
            program.name = name.strip()
        if is_active is not None:
            program.is_active = is_active
        if settle_days is not None:
            if problem := bounds.DAYS_OR_ZERO.problem(settle_days):
                raise InvalidInput(f"settle_days: {problem}", field="settle_days")
            program.settle_days = settle_days
        program.updated_at = now or timezone.now()
        program.save()
    return program


def set_rebate_bands(program_id: int, bands: Sequence[Band]) -> list[RebateBand]:
    """Replace the program's bands. Closed statements keep the band they were computed with."""
    _raise(get_band_problems(bands))
    with transaction.atomic():
        program = _lock_program(program_id)
        RebateBand.objects.filter(program=program).delete()
        return RebateBand.objects.bulk_create(
            RebateBand(program=program, min_spend=b.min_spend, percent=b.percent) for b in bands
        )


def _raise(problems: list[tuple[str | None, str]]) -> None:
    if problems:
        fields = {field for field, _ in problems}
        raise InvalidInput("; ".join(message for _, message in problems), problems=problems,
                           field=fields.pop() if len(fields) == 1 else None)


def _lock_program(program_id: int) -> RebateProgram:
    program = RebateProgram.objects.select_for_update().filter(pk=program_id).first()
    if program is None:
        raise RebateProgramNotFound(f"no rebate program {program_id}", field="program_id")
    return program


# --- closing a period -----------------------------------------------------------------------

# One statement: the counted orders are read once (one snapshot), grouped into a statement per
# company (ON CONFLICT: a statement that exists is left alone), and copied as its order rows.
_CLOSE_SQL = """
WITH counted AS (
    SELECT o.company_id, o.order_id, o.placed_at, o.goods_total, o.refunded_amount,
           GREATEST(o.goods_total - o.refunded_amount, 0) AS net_amount
    FROM loyalty_order AS o
    JOIN loyalty_company AS c ON c.id = o.company_id AND c.is_active
    WHERE o.status = %(paid)s AND o.currency = %(currency)s
      AND (%(channel)s::text IS NULL OR o.channel = %(channel)s)
      AND o.placed_at >= %(starts)s AND o.placed_at < %(ends)s
),
statements AS (
    INSERT INTO loyalty_rebate_statement (
        program_id, company_id, period_start, period_end, currency, orders_count, goods_total,
        refunded_amount, spend, rebate_amount, payout, status, created_at
    )
    SELECT %(program)s, company_id, %(start_day)s, %(end_day)s, %(currency)s, COUNT(*), SUM(goods_total),
           SUM(refunded_amount), SUM(net_amount), 0, %(payout)s, %(no_rebate)s, %(now)s
    FROM counted
    GROUP BY company_id
    ON CONFLICT (program_id, company_id, period_start) DO NOTHING
    RETURNING id, company_id
)
INSERT INTO loyalty_rebate_statement_order (statement_id, order_id, placed_at, goods_total, refunded_amount, net_amount)
SELECT statements.id, counted.order_id, counted.placed_at, counted.goods_total, counted.refunded_amount,
       counted.net_amount
FROM counted JOIN statements USING (company_id)
"""


def close_rebate_period(program_id: int, period_start: date, *, now: datetime | None = None) -> PeriodCloseResult:
    """Close one period of a program for all companies at once, then pay the rebates.

    Refused before the period ended plus the program's ``settle_days`` (``RebatePeriodNotOver``)
    and for a date that is not a period's first day or precedes the program
    (``RebatePeriodInvalid``). Idempotent: a closed period is not recomputed (``already_closed``),
    and its unpaid statements are paid again.
    """
    now = now or timezone.now()
    with transaction.atomic():
        program = _lock_program(program_id)
        period_end = _check_period(program, period_start, now=now)
        closed = RebatePeriodClose.objects.filter(program=program, period_start=period_start).first()
        if closed is None:
            closed = _write_statements(program, period_start, period_end, now=now)
            already_closed = False
        else:
            already_closed = True
    credited = pay_pending_rebates(program_id, period_start=period_start, now=now)
    codes = RebateStatement.objects.filter(
        program_id=program_id, period_start=period_start, status=RebateStatus.CODE_RECORDED
    ).count()
    return PeriodCloseResult(program_id, period_start, period_end, already_closed, closed.statements,
                             closed.total_rebate, credited, codes)


def _check_period(program: RebateProgram, period_start: date, *, now: datetime) -> date:
    if get_period_start(program.period, period_start) != period_start:
        raise RebatePeriodInvalid(f"{period_start} is not the first day of a {program.period}", field="period_start")
    if period_start < program.starts_on:
        raise RebatePeriodInvalid(f"the program pays from {program.starts_on}", field="period_start")
    period_end = get_period_end(program.period, period_start)
    closes_at = datetime.combine(period_end + timedelta(days=program.settle_days), time.min, tzinfo=UTC)
    if now < closes_at:
        raise RebatePeriodNotOver(f"the period can be closed from {closes_at.isoformat()}", field="period_start")
    return period_end


def _write_statements(program: RebateProgram, start: date, end: date, *, now: datetime) -> RebatePeriodClose:
    with connection.cursor() as cursor:
        cursor.execute(_CLOSE_SQL, {
            "program": program.pk, "currency": program.currency, "channel": program.channel,
            "paid": str(OrderStatus.PAID), "payout": program.payout, "no_rebate": str(RebateStatus.NO_REBATE),
            "starts": datetime.combine(start, time.min, tzinfo=UTC), "ends": datetime.combine(end, time.min, tzinfo=UTC),
            "start_day": start, "end_day": end, "now": now,
        })
    bands = [Band(row.min_spend, row.percent) for row in program.bands.all()]
    statements = list(RebateStatement.objects.filter(program=program, period_start=start))
    for statement in statements:
        _apply_calculation(statement, program, bands)
    RebateStatement.objects.bulk_update(
        statements, ["band_min_spend", "percent", "rebate_amount", "point_value", "points", "code", "status"]
    )
    total = sum((statement.rebate_amount for statement in statements), Decimal(0))
    return RebatePeriodClose.objects.create(
        program=program, period_start=start, period_end=end, closed_at=now, statements=len(statements),
        total_rebate=total,
    )


def _apply_calculation(statement: RebateStatement, program: RebateProgram, bands: Sequence[Band]) -> None:
    paid_in_points = program.payout == RebatePayout.POINTS
    result = calculate_rebate(statement.spend, bands, currency=program.currency,
                              point_value=program.point_value if paid_in_points else None)
    if result.band is not None:
        statement.band_min_spend, statement.percent = result.band.min_spend, result.band.percent
    statement.rebate_amount = result.rebate_amount
    if paid_in_points:
        statement.point_value, statement.points = program.point_value, result.points
        statement.status = RebateStatus.PENDING if result.points else RebateStatus.NO_REBATE
    elif result.rebate_amount > 0:
        statement.code = f"REBATE-{secrets.token_hex(6).upper()}"
        statement.status = RebateStatus.CODE_RECORDED


def pay_pending_rebates(
    program_id: int | None = None, *, period_start: date | None = None, now: datetime | None = None
) -> int:
    """Credit the points of statements still pending, each in its own transaction; returns how
    many were credited. Statements another worker is paying are skipped (SKIP LOCKED)."""
    now = now or timezone.now()
    pending = RebateStatement.objects.filter(status=RebateStatus.PENDING)
    if program_id is not None:
        pending = pending.filter(program_id=program_id)
    if period_start is not None:
        pending = pending.filter(period_start=period_start)
    credited = 0
    for statement_id in pending.order_by("id").values_list("id", flat=True):
        with transaction.atomic():
            statement = (
                RebateStatement.objects.select_for_update(skip_locked=True).select_related("program")
                .filter(pk=statement_id, status=RebateStatus.PENDING).first()
            )
            if statement is None:
                continue
            _credit(statement, now=now)
            credited += 1
    return credited


def _credit(statement: RebateStatement, *, now: datetime) -> None:
    program = statement.program
    label = get_period_label(program.period, statement.period_start)
    assert statement.points is not None  # PENDING statements carry points (a CHECK constraint)
    # Expiry from the close, not from this attempt: a retry then sends the ledger the same request.
    expires_at = (
        statement.created_at + timedelta(days=program.points_valid_days) if program.points_valid_days else None
    )
    posted = points.credit_bonus(
        points.Owner.company(statement.company_id),
        f"rebate:{program.pk}:{statement.company_id}:{label}",
        points=statement.points,
        reason=f"volume rebate {label}: {statement.percent}% of {statement.spend} {statement.currency}",
        system_code=SystemCode.REBATES,
        rule_id=f"rebate:{program.pk}",
        expires_at=expires_at,
        now=now,
    )
    statement.ledger_transaction_id = posted.transaction_id
    statement.status = RebateStatus.CREDITED
    statement.paid_at = now
    statement.save(update_fields=["ledger_transaction", "status", "paid_at"])


def close_due_rebate_periods(*, now: datetime | None = None, max_periods: int = 24) -> list[PeriodCloseResult]:
    """Close every period of every active program that is over and not closed yet (oldest
    first, at most ``max_periods`` per program a run), and retry unpaid statements."""
    now = now or timezone.now()
    results: list[PeriodCloseResult] = []
    for program in RebateProgram.objects.filter(is_active=True).order_by("id"):
        closed = set(program.closed_periods.values_list("period_start", flat=True))
        due = [
            start for start in iter_period_starts(program.period, program.starts_on, until=now.date())
            if start not in closed and _is_over(program, start, now)
        ]
        results.extend(close_rebate_period(program.pk, start, now=now) for start in due[:max_periods])
    pay_pending_rebates(now=now)
    return results


def _is_over(program: RebateProgram, start: date, now: datetime) -> bool:
    end = get_period_end(program.period, start) + timedelta(days=program.settle_days)
    return now >= datetime.combine(end, time.min, tzinfo=UTC)
