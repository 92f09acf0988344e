"""Custom events: staff-defined event types (a review, a survey, a store visit...) that staff or
an app post for a customer, each credited once by its event id (``services.events``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class EventPeriod(models.TextChoices):
    EVER = "ever", "Ever"
    DAY = "day", "Per day"
    MONTH = "month", "Per calendar month"
    YEAR = "year", "Per calendar year"


class LoyaltyEventType(models.Model):
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=100)
    points = models.PositiveIntegerField()
    # At most this many credits per customer per ``period``; None: no limit.
    max_per_customer = models.PositiveIntegerField(null=True, blank=True)
    period = models.CharField(max_length=8, choices=EventPeriod.choices, default=EventPeriod.EVER)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    # Blank: any channel; otherwise a posting must name this channel.
    channel = models.CharField(max_length=255, blank=True, default="")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_event_type"
        ordering = ("code",)
        constraints = [
            models.UniqueConstraint(fields=["code"], name="loyalty_event_type_code_unique"),
            models.CheckConstraint(name="loyalty_event_type_points_positive", condition=Q(points__gt=0)),
            models.CheckConstraint(
                name="loyalty_event_type_period_valid", condition=Q(period__in=["ever", "day", "month", "year"])
            ),
            models.CheckConstraint(
                name="loyalty_event_type_window_ordered",
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(ends_at__gt=models.F("starts_at")),
            ),
        ]

    def __str__(self) -> str:
        return self.code


class LoyaltyEventPosting(models.Model):
    """One posted event: credited once per (event type, event id), whoever posts it again."""

    event_type = models.ForeignKey(LoyaltyEventType, on_delete=models.PROTECT, related_name="postings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    event_id = models.CharField(max_length=128)
    points = models.PositiveIntegerField()
    channel = models.CharField(max_length=255, blank=True, default="")
    posted_by_user_id = models.BigIntegerField(null=True, blank=True)
    posted_by_app_id = models.BigIntegerField(null=True, blank=True)
    posted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_event_posting"
        indexes = [models.Index(fields=["user", "event_type", "posted_at"], name="loyalty_event_post_user_idx")]
        constraints = [
            models.UniqueConstraint(fields=["event_type", "event_id"], name="loyalty_event_posting_once"),
        ]
