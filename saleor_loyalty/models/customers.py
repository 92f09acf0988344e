"""Loyalty state per customer, and the history of their tier changes.

``CustomerLoyalty`` is created on first need (``services.customers.get_or_create_state``); it
never holds points (the ledger does) nor figures that the order records can give.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .rules import Tier


class CustomerLoyalty(models.Model):
    # A plain FK with a named UNIQUE constraint (not OneToOne) so the rule has a name in the DB.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="loyalty_states", db_index=False
    )
    # PROTECT: deleting a tier that customers hold must be refused, not silently drop their status.
    tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    tier_since = models.DateTimeField(null=True, blank=True)
    # The day the customer first fell below the tier they hold; the grace period runs from it.
    below_since = models.DateField(null=True, blank=True)
    birthday = models.DateField(null=True, blank=True)
    # When and by whom the birthday was recorded: a shopper sets it once; a birthday recorded
    # shortly before it falls pays nothing that year (``services.birthdays``).
    birthday_set_at = models.DateTimeField(null=True, blank=True)
    birthday_source = models.CharField(max_length=16, blank=True, default="")
    signup_bonus_given = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_customer"
        constraints = [
            models.UniqueConstraint(fields=["user"], name="loyalty_customer_one_per_user"),
            models.CheckConstraint(
                name="loyalty_customer_tier_since_with_tier",
                condition=Q(tier__isnull=True) | Q(tier_since__isnull=False),
            ),
            models.CheckConstraint(
                name="loyalty_customer_below_since_needs_tier",
                condition=Q(below_since__isnull=True) | Q(tier__isnull=False),
            ),
            models.CheckConstraint(
                name="loyalty_customer_birthday_source_valid",
                condition=Q(birthday_source__in=["", "customer", "staff", "shop"]),
            ),
        ]
        indexes = [
            # The daily birthday job finds the day's customers by month and day.
            models.Index(
                models.functions.ExtractMonth("birthday"), models.functions.ExtractDay("birthday"),
                name="loyalty_customer_birthday_md",
            ),
        ]

    def __str__(self) -> str:
        return f"loyalty of user {self.user_id}"


class TierChangeRecord(models.Model):
    """One tier change of one customer, kept so the customer and staff can see why."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # SET_NULL plus the names: history survives a tier's deletion.
    from_tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    to_tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    from_tier_name = models.CharField(max_length=100, blank=True, default="")
    to_tier_name = models.CharField(max_length=100, blank=True, default="")
    change = models.CharField(max_length=16)
    reason = models.CharField(max_length=255, blank=True, default="")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_tier_change"
        ordering = ("-changed_at", "-id")
        indexes = [models.Index(fields=["user", "changed_at"], name="loyalty_tier_change_user_idx")]
        constraints = [
            models.CheckConstraint(
                name="loyalty_tier_change_kind_valid", condition=Q(change__in=["upgrade", "downgrade"])
            ),
        ]


class BirthdayChange(models.Model):
    """One change of a customer's recorded birthday: who (the customer, staff, the shop's
    metadata), from what to what, why. The customer sets it once; staff corrections and
    adoptions from the shop are kept here so a bonus can always be traced to its birthday."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    old_birthday = models.DateField(null=True, blank=True)
    new_birthday = models.DateField(null=True, blank=True)  # None: staff cleared it
    source = models.CharField(max_length=16)
    # The staff member who corrected it (None for the customer themselves and the shop).
    changed_by_user_id = models.BigIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=255, blank=True, default="")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_birthday_change"
        ordering = ("-changed_at", "-id")
        indexes = [models.Index(fields=["user", "changed_at"], name="loyalty_bday_change_user_idx")]
        constraints = [
            models.CheckConstraint(
                name="loyalty_birthday_change_source_valid", condition=Q(source__in=["customer", "staff", "shop"])
            ),
            models.CheckConstraint(
                name="loyalty_birthday_change_staff_named",
                condition=~Q(source="staff") | Q(changed_by_user_id__isnull=False),
            ),
        ]
