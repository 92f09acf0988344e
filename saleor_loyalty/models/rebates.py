"""Volume rebates for companies: programs with spend bands, closed periods and statements.

A ``RebateProgram`` pays each company a percentage of what it spent in a period (month,
quarter, year), the percentage set by the highest ``RebateBand`` the spend reaches. Closing a
period (``services.b2b.rebates.close_rebate_period``) writes one ``RebatePeriodClose`` row and one
``RebateStatement`` per company that had counted orders, with a ``RebateStatementOrder`` row per
order (a snapshot: later refunds do not rewrite a closed statement). The statement is the
company's account of the rebate: which orders counted, which band, how much, how it was paid.

The UNIQUE constraint ``loyalty_rebate_statement_once_per_period`` makes a rebate once per
program, company and period whatever the callers do; the ledger's idempotency key
``rebate:<program>:<company>:<period>`` guards the points a second time.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .companies import Company
from .ledger import LedgerTransaction
from .rules import CURRENCY_SHAPE, MONEY, PERCENT, RATE


class RebatePeriodKind(models.TextChoices):
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"
    YEAR = "year", "Year"


class RebatePayout(models.TextChoices):
    POINTS = "points", "Points into the company's account"
    CODE = "code", "A discount code the shop issues as a voucher"


class RebateProgram(models.Model):
    name = models.CharField(max_length=255)
    period = models.CharField(max_length=16, choices=RebatePeriodKind.choices)
    currency = models.CharField(max_length=3)
    # Only orders in this channel count (NULL: every channel of the currency).
    channel = models.CharField(max_length=255, null=True, blank=True)
    payout = models.CharField(max_length=16, choices=RebatePayout.choices, default=RebatePayout.POINTS)
    # Money per point for POINTS payouts. Fixed on the program (not read from the plugin
    # configuration at close time) so a statement can be explained and recomputed later.
    point_value = models.DecimalField(null=True, blank=True, **RATE)
    # Rebate points expire this many days after they are credited (NULL: never).
    points_valid_days = models.PositiveIntegerField(null=True, blank=True)
    # The first period the program pays for; always the first day of a period.
    starts_on = models.DateField()
    # Days after the period's end before it may be closed: late refunds land first.
    settle_days = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_rebate_program"
        ordering = ("id",)
        constraints = [
            models.CheckConstraint(name="loyalty_rebate_program_currency_code", condition=CURRENCY_SHAPE),
            models.CheckConstraint(
                name="loyalty_rebate_program_period_valid", condition=Q(period__in=RebatePeriodKind.values)
            ),
            models.CheckConstraint(
                name="loyalty_rebate_program_payout_valid", condition=Q(payout__in=RebatePayout.values)
            ),
            models.CheckConstraint(
                name="loyalty_rebate_program_points_need_point_value",
                condition=~Q(payout=RebatePayout.POINTS) | Q(point_value__gt=0),
            ),
            models.CheckConstraint(
                name="loyalty_rebate_program_points_valid_days_positive",
                condition=Q(points_valid_days__isnull=True) | Q(points_valid_days__gte=1),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RebateBand(models.Model):
    """From ``min_spend`` on (in the program's currency), ``percent`` of the spend comes back."""

    program = models.ForeignKey(RebateProgram, on_delete=models.CASCADE, related_name="bands")
    min_spend = models.DecimalField(**MONEY)
    percent = models.DecimalField(**PERCENT)

    class Meta:
        db_table = "loyalty_rebate_band"
        ordering = ("min_spend",)
        constraints = [
            models.UniqueConstraint(fields=["program", "min_spend"], name="loyalty_rebate_band_min_spend_unique"),
            models.CheckConstraint(name="loyalty_rebate_band_min_spend_non_negative", condition=Q(min_spend__gte=0)),
            models.CheckConstraint(
                name="loyalty_rebate_band_percent_range", condition=Q(percent__gt=0, percent__lte=100)
            ),
        ]


class RebatePeriodClose(models.Model):
    """A period of a program that was closed: its statements exist and will not be rewritten."""

    program = models.ForeignKey(RebateProgram, on_delete=models.PROTECT, related_name="closed_periods")
    period_start = models.DateField()
    period_end = models.DateField()  # exclusive
    closed_at = models.DateTimeField(default=timezone.now)
    statements = models.PositiveIntegerField(default=0)
    total_rebate = models.DecimalField(default=0, **MONEY)

    class Meta:
        db_table = "loyalty_rebate_period_close"
        ordering = ("-period_start", "-id")
        constraints = [
            models.UniqueConstraint(fields=["program", "period_start"], name="loyalty_rebate_period_closed_once"),
            models.CheckConstraint(
                name="loyalty_rebate_period_end_after_start", condition=Q(period_end__gt=models.F("period_start"))
            ),
        ]


class RebateStatus(models.TextChoices):
    NO_REBATE = "no_rebate", "Nothing to pay (below the lowest band, or worth less than a point)"
    PENDING = "pending", "Points due, not yet credited"
    CREDITED = "credited", "Points credited"
    CODE_RECORDED = "code_recorded", "Code recorded, waiting for the shop to issue the voucher"
    CODE_ISSUED = "code_issued", "Voucher issued by the shop"


class RebateStatement(models.Model):
    """One company's rebate for one period of one program, with the figures that made it."""

    program = models.ForeignKey(RebateProgram, on_delete=models.PROTECT, related_name="statements")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="rebate_statements")
    period_start = models.DateField()
    period_end = models.DateField()  # exclusive
    currency = models.CharField(max_length=3)
    orders_count = models.PositiveIntegerField()
    # Sum of the counted orders' goods totals, of their refunds, and what counts (net).
    goods_total = models.DecimalField(**MONEY)
    refunded_amount = models.DecimalField(**MONEY)
    spend = models.DecimalField(**MONEY)
    # The band reached, copied: later band edits do not change a closed statement.
    band_min_spend = models.DecimalField(null=True, blank=True, **MONEY)
    percent = models.DecimalField(null=True, blank=True, **PERCENT)
    rebate_amount = models.DecimalField(default=0, **MONEY)
    payout = models.CharField(max_length=16, choices=RebatePayout.choices)
    point_value = models.DecimalField(null=True, blank=True, **RATE)
    points = models.PositiveIntegerField(null=True, blank=True)
    code = models.CharField(max_length=64, null=True, blank=True)
    status = models.CharField(max_length=16, choices=RebateStatus.choices)
    ledger_transaction = models.ForeignKey(
        LedgerTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "loyalty_rebate_statement"
        ordering = ("-period_start", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "company", "period_start"], name="loyalty_rebate_statement_once_per_period"
            ),
            models.UniqueConstraint(fields=["code"], name="loyalty_rebate_statement_code_unique"),
            models.CheckConstraint(name="loyalty_rebate_statement_status_valid", condition=Q(status__in=RebateStatus.values)),
            models.CheckConstraint(
                name="loyalty_rebate_statement_amounts_non_negative",
                condition=Q(goods_total__gte=0, refunded_amount__gte=0, spend__gte=0, rebate_amount__gte=0),
            ),
            models.CheckConstraint(
                name="loyalty_rebate_statement_band_complete",
                condition=Q(band_min_spend__isnull=True, percent__isnull=True)
                | Q(band_min_spend__isnull=False, percent__isnull=False),
            ),
            models.CheckConstraint(
                name="loyalty_rebate_statement_points_due",
                condition=~Q(status__in=[RebateStatus.PENDING, RebateStatus.CREDITED]) | Q(points__gt=0),
            ),
            models.CheckConstraint(
                name="loyalty_rebate_statement_credited_names_transaction",
                condition=~Q(status=RebateStatus.CREDITED) | Q(ledger_transaction__isnull=False, paid_at__isnull=False),
            ),
            models.CheckConstraint(
                name="loyalty_rebate_statement_code_when_code_payout",
                condition=~Q(status__in=[RebateStatus.CODE_RECORDED, RebateStatus.CODE_ISSUED])
                | Q(code__isnull=False, rebate_amount__gt=0),
            ),
        ]
        indexes = [models.Index(fields=["company", "period_start"], name="loyalty_rebate_stmt_co_idx")]

    def __str__(self) -> str:
        return f"rebate {self.program_id}/{self.company_id}/{self.period_start} ({self.status})"


class RebateStatementOrder(models.Model):
    """An order that counted towards a statement, with its amounts as they were at the close."""

    statement = models.ForeignKey(RebateStatement, on_delete=models.CASCADE, related_name="orders")
    order_id = models.CharField(max_length=64)
    placed_at = models.DateTimeField()
    goods_total = models.DecimalField(**MONEY)
    refunded_amount = models.DecimalField(**MONEY)
    net_amount = models.DecimalField(**MONEY)

    class Meta:
        db_table = "loyalty_rebate_statement_order"
        ordering = ("placed_at", "id")
        constraints = [
            models.UniqueConstraint(fields=["statement", "order_id"], name="loyalty_rebate_statement_order_once"),
        ]
