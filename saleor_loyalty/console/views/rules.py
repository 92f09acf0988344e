"""The rule pages: tiers, earn rules, gift rules (``RuleAdmin``) and the referral settings.

The writes are the GraphQL mutations' own service calls: ``rules.create_tier`` /
``update_tier`` / ``delete_tier`` (``loyaltyTierCreate``...), the same for earn and gift rules,
and ``rules_admin.save_referral_settings`` (``loyaltyReferralSettingsUpdate``). Needs
MANAGE_DISCOUNTS.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from ...engine.rules import AudienceKind, DiscountKind, EarnRuleKind, TargetKind, TierMetric
from ...exceptions import LoyaltyError
from ...models import Company, EarnRule, GiftRule, PriceList, Tier
from ...services import rules
from ...services.rules import admin as rules_admin
from ...services.rules.fields import format_gift_options
from ..forms import Field, bound_fields, enum_choices, initial_values, read_values, unmatched_errors
from ..page import Page, field_errors
from .rule_admin import Column, RuleAdmin, yes_no


def price_list_choices() -> list[tuple[str, str]]:
    return [("", "-")] + [(str(pk), name) for pk, name in PriceList.objects.order_by("name").values_list("pk", "name")]


def tier_choices() -> list[tuple[str, str]]:
    return [("", "-")] + [(str(tier.pk), tier.name) for tier in rules_admin.list_tiers()]


def company_choices() -> list[tuple[str, str]]:
    return [("", "-")] + [(str(pk), name) for pk, name in Company.objects.order_by("name").values_list("pk", "name")]


TIER_FIELDS = (
    Field("name", _("Name"), required=True),
    Field("slug", _("Slug"), required=True, help=_("Letters, digits, - and _; unique.")),
    Field("rank", _("Rank"), "number", required=True, help=_("Higher is better; unique.")),
    Field("metric", _("Qualifies on"), "select", required=True, choices=enum_choices(TierMetric)),
    Field("threshold", _("Threshold"), "decimal", required=True, help=_("Money, orders, points or days, by the metric.")),
    Field("window_days", _("Window (days)"), "number", help=_("Empty: all time. Tenure tiers have none.")),
    Field("multiplier", _("Earn multiplier"), "decimal", default="1", clearable=False),
    Field("price_list_id", _("Standing price list"), "select", choices=price_list_choices),
    Field("grace_days", _("Grace days"), "number", default="0", clearable=False),
    Field("gift_eligible", _("Gift eligible"), "checkbox"),
    Field("is_active", _("Active"), "checkbox", default=True),
    Field("description", _("Description"), "textarea"),
)

EARN_FIELDS = (
    Field("name", _("Name"), required=True),
    Field("kind", _("Kind"), "select", required=True, choices=enum_choices(EarnRuleKind)),
    Field("points_per_unit", _("Points per currency unit"), "decimal", help=_("base rate")),
    Field("multiplier", _("Multiplier"), "decimal", help=_("tier multiplier, product bonus")),
    Field("points", _("Points"), "number", help=_("sign-up, first order, birthday bonus")),
    Field("max_points", _("Max points"), "number", help=_("order cap")),
    Field("target_kind", _("Target kind"), "select", choices=enum_choices(TargetKind, blank=True)),
    Field("target_id", _("Target id"), "number"),
    Field("customer_type_id", _("Customer type id"), "number"),
    Field("tier_id", _("Tier"), "select", choices=tier_choices),
    Field("currency", _("Currency"), help=_("ISO 4217, e.g. USD")),
    Field("channel", _("Channel slug"), help=_("Empty: every channel.")),
    Field("valid_from", _("Valid from (UTC)"), "datetime"),
    Field("valid_until", _("Valid until (UTC)"), "datetime"),
    Field("is_active", _("Active"), "checkbox", default=True),
)

AUDIENCE_FIELDS = (
    Field("audience_kind", _("Audience"), "select", choices=enum_choices(AudienceKind), default="everyone", clearable=False),
    Field("customer_type_id", _("Customer type id"), "number"),
    Field("company_id", _("Company"), "select", choices=company_choices),
    Field("tier_id", _("Tier"), "select", choices=tier_choices),
    Field("user_id", _("Customer id"), "number"),
)

GIFT_FIELDS = (
    Field("name", _("Name"), required=True),
    Field("threshold", _("Order subtotal from"), "decimal", required=True),
    Field("currency", _("Currency"), required=True, default="USD"),
    Field("variant_id", _("Gift variant id"), "number", required=True),
    Field("quantity", _("Quantity"), "number", default="1", clearable=False),
    Field("options", _("Other gifts to choose from"), "textarea", show=format_gift_options,
          help=_("One a line: a variant id, then optionally 'x 2' (quantity) and 'default' (given while the "
                 "shopper picks nothing; the gift variant above always is). Empty: no choice.")),
    Field("choose", _("Gifts the shopper picks"), "number", default="1", clearable=False),
    Field("ladder", _("Ladder"), help=_("Rules with the same ladder name give only the highest rung reached.")),
    Field("priority", _("Priority"), "number", default="0", clearable=False),
    *AUDIENCE_FIELDS,
    Field("channel", _("Channel slug")),
    Field("valid_from", _("Valid from (UTC)"), "datetime"),
    Field("valid_until", _("Valid until (UTC)"), "datetime"),
    Field("requires_gift_eligibility", _("Only for gift-eligible tiers"), "checkbox"),
    Field("is_active", _("Active"), "checkbox", default=True),
)

REFERRAL_FIELDS = (
    Field("discount_kind", _("Referee discount kind"), "select", required=True, choices=enum_choices(DiscountKind)),
    Field("discount_value", _("Referee discount"), "decimal", required=True),
    Field("currency", _("Currency"), help=_("Needed for a fixed discount.")),
    Field("referee_min_spend", _("Referee minimum spend"), "decimal", default="0", clearable=False),
    Field("referrer_points", _("Referrer reward (points)"), "number", default="0", clearable=False),
    Field("qualifying_min_amount", _("Qualifying order minimum"), "decimal", default="0", clearable=False),
    Field("max_rewards_per_referrer", _("Max rewards per referrer"), "number"),
    Field("period_days", _("Per period of (days)"), "number"),
    Field("is_active", _("Active"), "checkbox", default=True),
)


def _first(model: Any) -> Any:
    return lambda pk: model.objects.filter(pk=pk).first()


TIERS = RuleAdmin(
    slug="tiers", title=_("Tiers"), singular=_("tier"), fields=TIER_FIELDS,
    columns=(Column(_("Name"), lambda t: t.name), Column(_("Rank"), lambda t: t.rank, True),
             Column(_("Qualifies on"), lambda t: t.metric), Column(_("Threshold"), lambda t: t.threshold, True),
             Column(_("Multiplier"), lambda t: t.multiplier, True), Column(_("Gift eligible"), lambda t: yes_no(t.gift_eligible))),
    list_rows=rules_admin.list_tiers, get_row=_first(Tier),
    create=rules.create_tier, update=rules.update_tier, delete=rules.delete_tier,
)
EARN_RULES = RuleAdmin(
    slug="earn-rules", title=_("Earn rules"), singular=_("earn rule"), fields=EARN_FIELDS,
    columns=(Column(_("Name"), lambda r: r.name), Column(_("Kind"), lambda r: r.kind),
             Column(_("Points / unit"), lambda r: r.points_per_unit or "", True),
             Column(_("Multiplier"), lambda r: r.multiplier or "", True), Column(_("Points"), lambda r: r.points or "", True)),
    list_rows=rules_admin.list_earn_rules, get_row=_first(EarnRule),
    create=rules.create_earn_rule, update=rules.update_earn_rule, delete=rules.delete_earn_rule,
    intro=_("Each kind uses some of the fields: the form says which; the rest stay empty."),
)
GIFT_RULES = RuleAdmin(
    slug="gift-rules", title=_("Gift rules"), singular=_("gift rule"), fields=GIFT_FIELDS,
    columns=(Column(_("Name"), lambda r: r.name), Column(_("From"), lambda r: f"{r.threshold} {r.currency}", True),
             Column(_("Variant"), lambda r: r.variant_id, True), Column(_("Quantity"), lambda r: r.quantity, True),
             Column(_("Choice"), lambda r: f"{r.choose} of {1 + len(r.options or ())}" if r.options else ""),
             Column(_("Ladder"), lambda r: r.ladder or ""), Column(_("Audience"), lambda r: r.audience_kind)),
    list_rows=rules_admin.list_gift_rules, get_row=_first(GiftRule),
    create=rules.create_gift_rule, update=rules.update_gift_rule, delete=rules.delete_gift_rule,
)


def referral_settings(page: Page) -> HttpResponse:
    """The one set of referral terms (``rules_admin.get_referral_settings``), created on first save."""
    current = rules_admin.get_referral_settings()
    values = initial_values(REFERRAL_FIELDS, current)
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    code = ""
    if page.request.method == "POST":
        data, values = read_values(REFERRAL_FIELDS, page.request.POST)
        try:
            rules_admin.save_referral_settings(data)
        except LoyaltyError as exc:
            errors, general = field_errors(exc)
            code = exc.code
        else:
            return page.redirect("referral/", notice="saved")
    return page.render("referral.html", {
        "current": current, "fields": bound_fields(REFERRAL_FIELDS, values, errors),
        "general": unmatched_errors(REFERRAL_FIELDS, errors, general), "error_code": code,
    }, status=400 if errors or general else 200)
