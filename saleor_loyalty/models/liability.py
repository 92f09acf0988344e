"""Daily snapshots of the points liability, append-only like the ledger (``services.liability``)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..engine.money import quantize

MONEY = {"max_digits": 20, "decimal_places": 4}


class LiabilitySnapshot(models.Model):
    """What the owners hold at the end of ``day`` (``as_of``) from the movements of one channel and
    currency, and the day's movements, valued at that channel's point value.

    ``available`` + ``pending`` + ``held`` is what the owners' ledger entries attributed to the
    channel (``ledger.liability_sql``) sum to before ``as_of``; the previous day's total of the
    same channel and currency plus the day's ``earned``, ``redeemed``, ``expired``, ``reversed``
    and ``adjusted`` (signed) is this one's, to the point. ``channel`` "" holds the points tied
    to no order, in the program's base currency. Written once, never updated or deleted (a
    trigger refuses both: ledger/sql/70_liability_append_only.sql).
    """

    day = models.DateField()
    as_of = models.DateTimeField()
    channel = models.CharField(max_length=255, blank=True, default="")
    currency = models.CharField(max_length=3)
    available = models.BigIntegerField()
    pending = models.BigIntegerField()
    held = models.BigIntegerField()
    earned = models.BigIntegerField()
    redeemed = models.BigIntegerField()
    expired = models.BigIntegerField()
    reversed = models.BigIntegerField()
    adjusted = models.BigIntegerField()
    point_value = models.DecimalField(max_digits=12, decimal_places=6)
    value = models.DecimalField(**MONEY)
    # Of the points that left accounts by expiring or being redeemed in the trailing window,
    # the share that expired; expected_breakage = outstanding x that share, rounded down.
    breakage_rate = models.DecimalField(max_digits=7, decimal_places=6)
    breakage_window_days = models.PositiveIntegerField()
    expected_breakage = models.BigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_liability_snapshot"
        ordering = ("day", "channel", "currency")
        constraints = [
            models.UniqueConstraint(fields=["day", "channel", "currency"], name="loyalty_liability_one_per_day"),
            models.CheckConstraint(name="loyalty_liability_pending_non_negative", condition=Q(pending__gte=0)),
            models.CheckConstraint(name="loyalty_liability_held_non_negative", condition=Q(held__gte=0)),
            models.CheckConstraint(
                name="loyalty_liability_breakage_rate_share", condition=Q(breakage_rate__gte=0, breakage_rate__lte=1)
            ),
        ]

    @property
    def outstanding(self) -> int:
        return self.available + self.pending + self.held

    @property
    def value_in_currency(self) -> Decimal:
        """``value`` at the currency's own precision (stored with four places)."""
        return quantize(self.value, self.currency)
