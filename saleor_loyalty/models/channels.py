"""Per-channel terms and the exchange rates to the program's base currency (services.channels).

``ChannelTerms`` overrides the money-dependent program terms in one channel (a None field keeps
the program's value). ``ExchangeRate`` is an append-only history: a new rate is a new row with
its own ``valid_from``; an order records the rate in force when it was paid
(``OrderRecord.rate_to_base``), so a later row rewrites nothing.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .rules import CURRENCY_SHAPE, MONEY, RATE

# One unit of a currency in the base currency (engine.bounds.EXCHANGE_RATE).
EXCHANGE = {"max_digits": 20, "decimal_places": 10}


class ChannelTerms(models.Model):
    channel = models.CharField(max_length=255)
    currency = models.CharField(max_length=3)
    points_per_unit = models.DecimalField(null=True, blank=True, **RATE)
    point_value = models.DecimalField(null=True, blank=True, **RATE)
    redeem_min_points = models.PositiveIntegerField(null=True, blank=True)
    redeem_max_share = models.DecimalField(null=True, blank=True, max_digits=5, decimal_places=4)
    redeem_max_amount = models.DecimalField(null=True, blank=True, **MONEY)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_channel_terms"
        constraints = [
            models.UniqueConstraint(fields=["channel"], name="loyalty_channel_terms_channel_unique"),
            models.CheckConstraint(name="loyalty_channel_terms_currency_code", condition=CURRENCY_SHAPE),
            models.CheckConstraint(
                name="loyalty_channel_terms_point_value_positive",
                condition=Q(point_value__isnull=True) | Q(point_value__gt=0),
            ),
            models.CheckConstraint(
                name="loyalty_channel_terms_amounts_in_range",
                condition=(Q(points_per_unit__isnull=True) | Q(points_per_unit__gte=0))
                & (Q(redeem_max_share__isnull=True) | Q(redeem_max_share__gte=0, redeem_max_share__lte=1))
                & (Q(redeem_max_amount__isnull=True) | Q(redeem_max_amount__gte=0)),
            ),
        ]

    def __str__(self) -> str:
        return f"terms of channel {self.channel} ({self.currency})"


class ExchangeRate(models.Model):
    currency = models.CharField(max_length=3)
    # One unit of ``currency`` is worth ``rate`` units of the program's base currency.
    rate = models.DecimalField(**EXCHANGE)
    valid_from = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=254, blank=True, default="")

    class Meta:
        db_table = "loyalty_exchange_rate"
        constraints = [
            models.UniqueConstraint(fields=["currency", "valid_from"], name="loyalty_exchange_rate_currency_from_unique"),
            models.CheckConstraint(name="loyalty_exchange_rate_currency_code", condition=CURRENCY_SHAPE),
            models.CheckConstraint(name="loyalty_exchange_rate_positive", condition=Q(rate__gt=0)),
        ]
        indexes = [models.Index(fields=["currency", "-valid_from"], name="loyalty_exchange_rate_lookup")]

    def __str__(self) -> str:
        return f"1 {self.currency} = {self.rate} from {self.valid_from:%Y-%m-%d %H:%M}"
