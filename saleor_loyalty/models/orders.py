"""The loyalty side's record of each order: the fact table for earn, tiers, refunds, referrals
and later metrics and rebates.

Saleor's order is referenced by its id as text; the lines are kept as a JSON snapshot (what
earn needs: variant, product, categories, quantity, paid total) so crediting, reversing and
re-reading an order never calls back into Saleor.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .companies import Company
from .rules import MONEY


class OrderStatus(models.TextChoices):
    PLACED = "placed", "Placed"
    PAID = "paid", "Paid"
    CANCELLED = "cancelled", "Cancelled"
    REFUNDED = "refunded", "Fully refunded"


class OrderRecord(models.Model):
    order_id = models.CharField(max_length=64)
    # SET_NULL: a deleted customer's orders still count in the program's metrics.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.CharField(max_length=254, blank=True, default="")
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    channel = models.CharField(max_length=255)
    currency = models.CharField(max_length=3)
    checkout_token = models.CharField(max_length=64, blank=True, default="")
    voucher_code = models.CharField(max_length=255, blank=True, default="")
    # What the customer paid for goods, after every discount (loyalty prices, vouchers, points).
    goods_total = models.DecimalField(**MONEY)
    shipping = models.DecimalField(default=Decimal(0), **MONEY)
    refunded_amount = models.DecimalField(default=Decimal(0), **MONEY)
    status = models.CharField(max_length=16, choices=OrderStatus.choices, default=OrderStatus.PLACED)
    placed_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    points_earned = models.PositiveIntegerField(default=0)
    # Earned points taken back by refunds (a cancellation takes back the rest).
    points_reversed = models.PositiveIntegerField(default=0)
    credited = models.BooleanField(default=False)
    # The outbox (docs/hooks.md "Delivery"): what an order event made due, written with the order
    # before anything is handed to a broker, so a sweep can deliver it when a task never ran.
    # The credit event arrived: the order is due a credit until ``credited``.
    credit_due_at = models.DateTimeField(null=True, blank=True)
    # A cancellation arrived: due until ``status`` is cancelled.
    cancel_requested_at = models.DateTimeField(null=True, blank=True)
    # The cumulative refund Saleor reported: due until ``refunded_amount`` reaches it.
    refund_requested_amount = models.DecimalField(default=Decimal(0), **MONEY)
    # Points changed: the customer's and the company's tier (and the metadata mirror) are due a
    # refresh until the follow-ups ran and cleared it.
    follow_up_due_at = models.DateTimeField(null=True, blank=True)
    # One unit of ``currency`` in the program's base currency when the order was paid (the latest
    # ExchangeRate valid then; 1 for the base currency): tier spend and metrics convert with it,
    # so a later rate rewrites nothing. NULL: no rate was known, the spend stays unconverted.
    rate_to_base = models.DecimalField(null=True, blank=True, max_digits=20, decimal_places=10)
    lines = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_order"
        constraints = [
            models.UniqueConstraint(fields=["order_id"], name="loyalty_order_order_id_unique"),
            models.CheckConstraint(name="loyalty_order_status_valid", condition=Q(status__in=OrderStatus.values)),
            models.CheckConstraint(name="loyalty_order_currency_code", condition=Q(currency__regex=r"^[A-Z]{3}$")),
            models.CheckConstraint(
                name="loyalty_order_amounts_non_negative",
                condition=Q(goods_total__gte=0, shipping__gte=0, refunded_amount__gte=0),
            ),
            models.CheckConstraint(
                name="loyalty_order_refund_requested_non_negative", condition=Q(refund_requested_amount__gte=0),
            ),
            models.CheckConstraint(
                name="loyalty_order_refund_within_paid",
                condition=Q(refunded_amount__lte=models.F("goods_total") + models.F("shipping")),
            ),
            models.CheckConstraint(
                name="loyalty_order_points_reversed_within_earned",
                condition=Q(points_reversed__lte=models.F("points_earned")),
            ),
            models.CheckConstraint(
                name="loyalty_order_credited_when_paid",
                condition=Q(credited=False) | Q(paid_at__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["user", "placed_at"], name="loyalty_order_user_idx"),
            models.Index(fields=["company", "placed_at"], name="loyalty_order_company_idx"),
            # The sweep reads only what is due: small partial indexes, however many orders there are.
            models.Index(fields=["credit_due_at"], name="loyalty_order_credit_due_idx",
                         condition=Q(credited=False, credit_due_at__isnull=False)),
            models.Index(fields=["follow_up_due_at"], name="loyalty_order_follow_up_idx",
                         condition=Q(follow_up_due_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"order {self.order_id} ({self.status})"
