"""Referral codes and referrals (who brought whom, and what came of it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ReferralCode(models.Model):
    """A customer's code to share; one per customer."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="loyalty_referral_codes", db_index=False
    )
    code = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_referral_code"
        constraints = [
            models.UniqueConstraint(fields=["user"], name="loyalty_referral_code_one_per_user"),
            models.UniqueConstraint(fields=["code"], name="loyalty_referral_code_unique"),
            models.CheckConstraint(name="loyalty_referral_code_shape", condition=Q(code__regex=r"^[A-Z0-9-]{4,32}$")),
        ]

    def __str__(self) -> str:
        return self.code


class ReferralStatus(models.TextChoices):
    REGISTERED = "registered", "Registered"  # the referee signed up with the code
    QUALIFIED = "qualified", "Qualified"  # the referee's first paid order qualifies
    REWARDED = "rewarded", "Rewarded"  # the referrer got the points
    REVERSED = "reversed", "Reversed"  # the qualifying order was cancelled; reward taken back
    REFUSED = "refused", "Refused"  # the order did not earn a reward (see ``refusal_reason``)


class Referral(models.Model):
    referrer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    referee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    code = models.CharField(max_length=32)
    status = models.CharField(max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.REGISTERED)
    qualifying_order_id = models.CharField(max_length=64, blank=True, default="")
    reward_points = models.PositiveIntegerField(default=0)
    refusal_reason = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(default=timezone.now)
    rewarded_at = models.DateTimeField(null=True, blank=True)
    reversed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "loyalty_referral"
        indexes = [models.Index(fields=["referrer", "rewarded_at"], name="loyalty_referral_rewards_idx")]
        constraints = [
            models.UniqueConstraint(fields=["referee"], name="loyalty_referral_one_per_referee"),
            models.CheckConstraint(name="loyalty_referral_not_self", condition=~Q(referrer=models.F("referee"))),
            models.CheckConstraint(
                name="loyalty_referral_status_valid", condition=Q(status__in=ReferralStatus.values)
            ),
            models.CheckConstraint(
                name="loyalty_referral_rewarded_has_order",
                condition=~Q(status__in=[ReferralStatus.REWARDED, ReferralStatus.REVERSED])
                | (~Q(qualifying_order_id="") & Q(rewarded_at__isnull=False)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referrer_id} -> {self.referee_id} ({self.status})"
