"""Discount codes the program owns: points redemptions, referral and next-purchase discounts.

Saleor's voucher carries the money off; this row says whose it is and why, which Saleor's
voucher cannot (``preprocess_order_creation`` checks the owner and, for a redemption, that the
points are still held).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..engine.rules import DiscountKind
from .ledger import PointHold
from .rules import MONEY


class CodeKind(models.TextChoices):
    REDEMPTION = "redemption", "Points redemption"
    REFERRAL = "referral", "Referee's first-order discount"
    NEXT_PURCHASE = "next_purchase", "Next-purchase discount"


class CodeStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    USED = "used", "Used on an order"
    CANCELLED = "cancelled", "Cancelled"


class DiscountCode(models.Model):
    code = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=CodeKind.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=16, choices=CodeStatus.choices, default=CodeStatus.ACTIVE)
    # The checkout the code is attached to (redemptions always; other kinds once attached).
    checkout_token = models.CharField(max_length=64, blank=True, default="")
    discount_kind = models.CharField(max_length=16, choices=[(k.value, k.value) for k in DiscountKind])
    discount_value = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, null=True, blank=True)
    # Redemptions: the points held for the discount.
    points = models.PositiveIntegerField(null=True, blank=True)
    hold = models.ForeignKey(PointHold, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Next-purchase discounts: the order and rule that earned it.
    source_order_id = models.CharField(max_length=64, blank=True, default="")
    rule_id = models.BigIntegerField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    order_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "loyalty_discount_code"
        constraints = [
            models.UniqueConstraint(fields=["code"], name="loyalty_discount_code_unique"),
            models.UniqueConstraint(
                fields=["checkout_token"],
                condition=Q(kind=CodeKind.REDEMPTION, status=CodeStatus.ACTIVE),
                name="loyalty_discount_code_one_active_redemption_per_checkout",
            ),
            models.UniqueConstraint(
                fields=["source_order_id", "rule_id"],
                condition=Q(kind=CodeKind.NEXT_PURCHASE),
                name="loyalty_discount_code_one_next_purchase_per_order_rule",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(kind=CodeKind.REFERRAL),
                name="loyalty_discount_code_one_referral_per_user",
            ),
            models.CheckConstraint(name="loyalty_discount_code_kind_valid", condition=Q(kind__in=CodeKind.values)),
            models.CheckConstraint(name="loyalty_discount_code_status_valid", condition=Q(status__in=CodeStatus.values)),
            models.CheckConstraint(name="loyalty_discount_code_value_positive", condition=Q(discount_value__gt=0)),
            models.CheckConstraint(
                name="loyalty_discount_code_redemption_holds_points",
                condition=~Q(kind=CodeKind.REDEMPTION)
                | Q(points__gt=0, discount_kind=DiscountKind.FIXED.value, currency__isnull=False)
                & ~Q(checkout_token=""),
            ),
            models.CheckConstraint(
                name="loyalty_discount_code_used_names_order",
                condition=~Q(status=CodeStatus.USED) | ~Q(order_id=""),
            ),
            models.CheckConstraint(
                name="loyalty_discount_code_closed_matches_status",
                condition=Q(status=CodeStatus.ACTIVE, closed_at__isnull=True)
                | (~Q(status=CodeStatus.ACTIVE) & Q(closed_at__isnull=False)),
            ),
        ]
        indexes = [models.Index(fields=["user", "kind", "status"], name="loyalty_code_user_idx")]

    def __str__(self) -> str:
        return f"{self.code} ({self.kind}, {self.status})"
