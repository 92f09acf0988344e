"""Measurement rows: customers' NPS answers.

The program's other figures (repeat rate, retention, CLV, points flows, liability) are computed
from the order records and the ledger (``services.metrics``) and need no table of their own.

An NPS answer is given once per order, or once per survey period (a calendar month, UTC) when
it names no order. Both rules are UNIQUE constraints, so two concurrent submissions cannot both
land; ``services.metrics.nps`` turns the violation into a clear ``NpsAlreadySubmitted`` error.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

NPS_COMMENT_MAX_LENGTH = 2000


class NpsResponse(models.Model):
    """One customer's 0-10 answer to "how likely are you to recommend us?"."""

    # SET_NULL: a deleted customer's answer still counts in past NPS figures.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True, default="")
    # Saleor's order id as text ("" when the answer is about the shop in general).
    order_id = models.CharField(max_length=64, blank=True, default="")
    # The order's channel, or the channel the customer answered in ("" when unknown).
    channel = models.CharField(max_length=255, blank=True, default="")
    # First day (UTC) of the survey period the answer was given in: the calendar month.
    period_start = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_nps_response"
        constraints = [
            models.CheckConstraint(name="loyalty_nps_score_range", condition=Q(score__gte=0, score__lte=10)),
            models.CheckConstraint(
                name="loyalty_nps_comment_length",
                condition=LessThanOrEqual(Length("comment"), NPS_COMMENT_MAX_LENGTH),
            ),
            models.CheckConstraint(
                name="loyalty_nps_period_starts_month", condition=Q(period_start__day=1)
            ),
            models.UniqueConstraint(
                fields=["order_id"], condition=~Q(order_id=""), name="loyalty_nps_one_per_order"
            ),
            models.UniqueConstraint(
                fields=["user", "period_start"], condition=Q(order_id=""), name="loyalty_nps_one_per_period"
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="loyalty_nps_created_idx")]

    def __str__(self) -> str:
        about = f"order {self.order_id}" if self.order_id else f"period {self.period_start}"
        return f"NPS {self.score} from user {self.user_id} ({about})"
