"""The program's rules as rows: tiers, price lists and their breaks, earn, gift, referral and
next-purchase rules, and the rules-version stamp.

Field names follow the engine's rule objects (``saleor_loyalty.engine.rules``) so the loader in
``services.rules`` maps a row to its object field by field. Saleor objects are plain values
(``variant_id``, ``customer_type_id``, ``channel`` slug); the plugin's own rows (companies,
tiers, price lists, users) are foreign keys. Constraints are named so a violation says which
rule broke. Every write goes through ``services.rules``, which validates first and bumps the
``RulesVersion`` stamp in the same transaction, so cached compiled rules are rebuilt.
"""

from __future__ import annotations

from decimal import Decimal

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..engine.rules import AudienceKind, DiscountKind, EarnRuleKind, TargetKind, TierMetric
from .companies import Company

# Money as Saleor stores it (max_digits 20, 3 places); multipliers and percentages are smaller.
MONEY = {"max_digits": 20, "decimal_places": 3}
RATE = {"max_digits": 12, "decimal_places": 4}
PERCENT = {"max_digits": 7, "decimal_places": 4}


def _choices(enum: type[models.TextChoices] | type) -> list[tuple[str, str]]:
    return [(member.value, member.value.replace("_", " ").capitalize()) for member in enum]  # type: ignore[attr-defined]


CURRENCY_SHAPE = Q(currency__regex=r"^[A-Z]{3}$")


def _window_check(prefix: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        name=f"{prefix}_valid_until_after_valid_from",
        condition=Q(valid_from__isnull=True) | Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
    )


class RulesVersion(models.Model):
    """A single row bumped in the same transaction as every rule change.

    ``stamp`` is new on every bump, so a cache keyed on it can never confuse a rolled-back
    change with a later committed one (a bare counter could repeat after a rollback).
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    version = models.BigIntegerField(default=0)
    stamp = models.UUIDField(default=uuid.uuid4)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_rules_version"
        constraints = [models.CheckConstraint(name="loyalty_rules_version_single_row", condition=Q(id=1))]


class AudienceFields(models.Model):
    """Who a rule is for: everyone, a Saleor customer type, a company, a tier, or one customer."""

    audience_kind = models.CharField(max_length=16, choices=_choices(AudienceKind), default=AudienceKind.EVERYONE.value)
    customer_type_id = models.BigIntegerField(null=True, blank=True)
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    tier = models.ForeignKey("Tier", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # A deleted customer's exclusive rule means nothing any more: it goes with them.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def audience_target_id(self) -> int | None:
        """The id the engine's ``Audience`` carries for this row's kind."""
        return {
            AudienceKind.EVERYONE.value: None,
            AudienceKind.CUSTOMER_TYPE.value: self.customer_type_id,
            AudienceKind.COMPANY.value: self.company_id,
            AudienceKind.TIER.value: self.tier_id,
            AudienceKind.CUSTOMER.value: self.user_id,
        }[self.audience_kind]


def _audience_check(prefix: str) -> models.CheckConstraint:
    """Exactly the target column of the audience kind is set (none for EVERYONE)."""
    columns = {
        AudienceKind.CUSTOMER_TYPE: "customer_type_id",
        AudienceKind.COMPANY: "company",
        AudienceKind.TIER: "tier",
        AudienceKind.CUSTOMER: "user",
    }
    condition = Q(audience_kind=AudienceKind.EVERYONE.value, **{f"{c}__isnull": True for c in columns.values()})
    for kind, column in columns.items():
        nulls = {f"{other}__isnull": True for other in columns.values() if other != column}
        condition |= Q(audience_kind=kind.value, **{f"{column}__isnull": False}, **nulls)
    return models.CheckConstraint(name=f"{prefix}_audience_matches_kind", condition=condition)


class Tier(models.Model):
    """A VIP level (engine ``Tier``); a higher ``rank`` is a better tier."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    rank = models.IntegerField()
    metric = models.CharField(max_length=16, choices=_choices(TierMetric))
    threshold = models.DecimalField(**MONEY)
    window_days = models.PositiveIntegerField(null=True, blank=True)
    multiplier = models.DecimalField(default=Decimal(1), **RATE)
    # A standing discount for the tier's members, expressed as a price list.
    price_list = models.ForeignKey(
        "PriceList", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    gift_eligible = models.BooleanField(default=False)
    grace_days = models.PositiveIntegerField(default=0)
    description = models.TextField(blank=True, default="")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_tier"
        ordering = ("rank", "id")
        constraints = [
            models.UniqueConstraint(fields=["slug"], name="loyalty_tier_slug_unique"),
            models.UniqueConstraint(fields=["rank"], name="loyalty_tier_rank_unique"),
            models.CheckConstraint(name="loyalty_tier_metric_valid", condition=Q(metric__in=[m.value for m in TierMetric])),
            models.CheckConstraint(name="loyalty_tier_threshold_non_negative", condition=Q(threshold__gte=0)),
            models.CheckConstraint(name="loyalty_tier_multiplier_non_negative", condition=Q(multiplier__gte=0)),
            models.CheckConstraint(
                name="loyalty_tier_window_days_positive", condition=Q(window_days__isnull=True) | Q(window_days__gte=1)
            ),
            models.CheckConstraint(
                name="loyalty_tier_tenure_has_no_window",
                condition=~Q(metric=TierMetric.TENURE.value) | Q(window_days__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PriceList(AudienceFields):
    """Prices for one audience, currency and (optionally) channel (engine ``PriceList``)."""

    name = models.CharField(max_length=255)
    channel = models.CharField(max_length=255, null=True, blank=True)
    currency = models.CharField(max_length=3)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    priority = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_price_list"
        ordering = ("-priority", "id")
        constraints = [
            _audience_check("loyalty_price_list"),
            _window_check("loyalty_price_list"),
            models.CheckConstraint(name="loyalty_price_list_currency_code", condition=CURRENCY_SHAPE),
        ]

    def __str__(self) -> str:
        return self.name


class PriceListEntry(models.Model):
    """A price list's row for a variant, product, category or every line (engine ``PriceListEntry``)."""

    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="entries")
    target_kind = models.CharField(max_length=16, choices=_choices(TargetKind))
    target_id = models.BigIntegerField(null=True, blank=True)
    # The SKU the entry was imported with, kept for the staff's reference only.
    sku = models.CharField(max_length=255, null=True, blank=True)

    class Meta:
        db_table = "loyalty_price_list_entry"
        ordering = ("id",)
        constraints = [
            models.CheckConstraint(
                name="loyalty_price_list_entry_target_matches_kind",
                condition=Q(target_kind=TargetKind.ALL.value, target_id__isnull=True)
                | Q(target_kind__in=[k.value for k in TargetKind if k is not TargetKind.ALL], target_id__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["price_list", "target_kind", "target_id"], name="loyalty_price_list_entry_target_unique"
            ),
            # NULL target ids are distinct in a UNIQUE index: one ALL entry per list needs its own.
            models.UniqueConstraint(
                fields=["price_list"],
                condition=Q(target_kind=TargetKind.ALL.value),
                name="loyalty_price_list_entry_one_all_per_list",
            ),
        ]


class PriceBreak(models.Model):
    """From ``min_quantity`` on: a fixed unit price or a percentage off (engine ``PriceBreak``)."""

    entry = models.ForeignKey(PriceListEntry, on_delete=models.CASCADE, related_name="breaks")
    min_quantity = models.PositiveIntegerField()
    fixed_price = models.DecimalField(null=True, blank=True, **MONEY)
    percent_off = models.DecimalField(null=True, blank=True, **PERCENT)

    class Meta:
        db_table = "loyalty_price_break"
        ordering = ("min_quantity",)
        constraints = [
            models.UniqueConstraint(fields=["entry", "min_quantity"], name="loyalty_price_break_quantity_unique"),
            models.CheckConstraint(name="loyalty_price_break_min_quantity_positive", condition=Q(min_quantity__gte=1)),
            models.CheckConstraint(
                name="loyalty_price_break_exactly_one_price",
                condition=Q(fixed_price__isnull=False, percent_off__isnull=True)
                | Q(fixed_price__isnull=True, percent_off__isnull=False),
            ),
            models.CheckConstraint(
                name="loyalty_price_break_fixed_price_non_negative",
                condition=Q(fixed_price__isnull=True) | Q(fixed_price__gte=0),
            ),
            models.CheckConstraint(
                name="loyalty_price_break_percent_off_range",
                condition=Q(percent_off__isnull=True) | Q(percent_off__gt=0, percent_off__lte=100),
            ),
        ]


class EarnRule(models.Model):
    """One earn rule (engine ``EarnRule``); ``kind`` says which optional fields it uses."""

    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=32, choices=_choices(EarnRuleKind))
    points_per_unit = models.DecimalField(null=True, blank=True, **RATE)
    multiplier = models.DecimalField(null=True, blank=True, **RATE)
    points = models.PositiveIntegerField(null=True, blank=True)
    max_points = models.PositiveIntegerField(null=True, blank=True)
    target_kind = models.CharField(max_length=16, null=True, blank=True, choices=_choices(TargetKind))
    target_id = models.BigIntegerField(null=True, blank=True)
    customer_type_id = models.BigIntegerField(null=True, blank=True)
    tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=255, null=True, blank=True)
    currency = models.CharField(max_length=3, null=True, blank=True)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_earn_rule"
        ordering = ("id",)
        constraints = [
            models.CheckConstraint(name="loyalty_earn_rule_kind_valid", condition=Q(kind__in=[k.value for k in EarnRuleKind])),
            _window_check("loyalty_earn_rule"),
            models.CheckConstraint(
                name="loyalty_earn_rule_currency_code", condition=Q(currency__isnull=True) | CURRENCY_SHAPE
            ),
            models.CheckConstraint(name="loyalty_earn_rule_points_positive", condition=Q(points__isnull=True) | Q(points__gte=1)),
            models.CheckConstraint(
                name="loyalty_earn_rule_rates_non_negative",
                condition=(Q(points_per_unit__isnull=True) | Q(points_per_unit__gte=0))
                & (Q(multiplier__isnull=True) | Q(multiplier__gte=0)),
            ),
            # The field each kind cannot work without (the engine checks the full field map).
            models.CheckConstraint(
                name="loyalty_earn_rule_required_fields",
                condition=Q(kind=EarnRuleKind.BASE_RATE.value, points_per_unit__isnull=False)
                | Q(kind=EarnRuleKind.TIER_MULTIPLIER.value, multiplier__isnull=False, tier__isnull=False)
                | Q(kind=EarnRuleKind.PRODUCT_BONUS.value, target_kind__isnull=False)
                | Q(kind=EarnRuleKind.EXCLUDE.value)
                | Q(kind=EarnRuleKind.ORDER_CAP.value, max_points__isnull=False)
                | Q(
                    kind__in=[
                        EarnRuleKind.SIGNUP_BONUS.value,
                        EarnRuleKind.FIRST_ORDER_BONUS.value,
                        EarnRuleKind.BIRTHDAY_BONUS.value,
                    ],
                    points__isnull=False,
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class GiftRule(AudienceFields):
    """A free product once the subtotal reaches ``threshold`` (engine ``GiftRule``)."""

    name = models.CharField(max_length=255)
    threshold = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    variant_id = models.BigIntegerField()
    quantity = models.PositiveIntegerField(default=1)
    channel = models.CharField(max_length=255, null=True, blank=True)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    requires_gift_eligibility = models.BooleanField(default=False)
    priority = models.IntegerField(default=0)
    # A choice: [{"variant_id", "quantity", "is_default"}, ...] besides variant_id (engine GiftOption).
    options = models.JSONField(default=list, blank=True)
    choose = models.PositiveIntegerField(default=1)
    ladder = models.CharField(max_length=64, null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_gift_rule"
        ordering = ("id",)
        constraints = [
            _audience_check("loyalty_gift_rule"),
            _window_check("loyalty_gift_rule"),
            models.CheckConstraint(name="loyalty_gift_rule_currency_code", condition=CURRENCY_SHAPE),
            models.CheckConstraint(name="loyalty_gift_rule_threshold_non_negative", condition=Q(threshold__gte=0)),
            models.CheckConstraint(name="loyalty_gift_rule_quantity_positive", condition=Q(quantity__gte=1)),
            models.CheckConstraint(name="loyalty_gift_rule_choose_positive", condition=Q(choose__gte=1)),
        ]

    def __str__(self) -> str:
        return self.name


class ReferralProgram(models.Model):
    """The referral terms (engine ``ReferralTerms``); at most one row is active."""

    discount_kind = models.CharField(max_length=16, choices=_choices(DiscountKind))
    discount_value = models.DecimalField(**MONEY)
    referrer_points = models.PositiveIntegerField(default=0)
    referee_min_spend = models.DecimalField(default=Decimal(0), **MONEY)
    qualifying_min_amount = models.DecimalField(default=Decimal(0), **MONEY)
    max_rewards_per_referrer = models.PositiveIntegerField(null=True, blank=True)
    period_days = models.PositiveIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_referral_program"
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="loyalty_referral_program_one_active"
            ),
            models.CheckConstraint(
                name="loyalty_referral_program_discount_value",
                condition=Q(discount_value__gt=0)
                & (~Q(discount_kind=DiscountKind.PERCENT.value) | Q(discount_value__lte=100)),
            ),
            models.CheckConstraint(
                name="loyalty_referral_program_fixed_needs_currency",
                condition=~Q(discount_kind=DiscountKind.FIXED.value) | Q(currency__isnull=False),
            ),
            models.CheckConstraint(
                name="loyalty_referral_program_currency_code", condition=Q(currency__isnull=True) | CURRENCY_SHAPE
            ),
            models.CheckConstraint(
                name="loyalty_referral_program_period_days_positive",
                condition=Q(period_days__isnull=True) | Q(period_days__gte=1),
            ),
        ]


class NextPurchaseRule(models.Model):
    """An order of ``min_amount`` earns a discount on the next order (engine ``NextPurchaseRule``)."""

    name = models.CharField(max_length=255)
    min_amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    discount_kind = models.CharField(max_length=16, choices=_choices(DiscountKind))
    discount_value = models.DecimalField(**MONEY)
    valid_days = models.PositiveIntegerField()
    channel = models.CharField(max_length=255, null=True, blank=True)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "loyalty_next_purchase_rule"
        ordering = ("id",)
        constraints = [
            _window_check("loyalty_next_purchase_rule"),
            models.CheckConstraint(name="loyalty_next_purchase_rule_currency_code", condition=CURRENCY_SHAPE),
            models.CheckConstraint(name="loyalty_next_purchase_rule_min_amount_non_negative", condition=Q(min_amount__gte=0)),
            models.CheckConstraint(name="loyalty_next_purchase_rule_valid_days_positive", condition=Q(valid_days__gte=1)),
            models.CheckConstraint(
                name="loyalty_next_purchase_rule_discount_value",
                condition=Q(discount_value__gt=0)
                & (~Q(discount_kind=DiscountKind.PERCENT.value) | Q(discount_value__lte=100)),
            ),
        ]

    def __str__(self) -> str:
        return self.name
