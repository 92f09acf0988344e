"""Rows -> engine rule objects, and the whole rule set in a constant number of queries.

One function per row kind, used both by the loader and by ``services.rules`` to validate a row
before it is saved (building the engine object runs the engine's own checks).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields

from ...config import ProgramConfig
from ...engine import rules as engine
from ...models import (
    EarnRule,
    GiftRule,
    NextPurchaseRule,
    PriceBreak,
    PriceList,
    PriceListEntry,
    ReferralProgram,
    Tier,
)


def build_terms(config: ProgramConfig) -> engine.ProgramTerms:
    """The engine's program terms from the plugin configuration (same field names)."""
    return engine.ProgramTerms(**{field.name: getattr(config, field.name) for field in fields(engine.ProgramTerms)})


def to_price_break(row: PriceBreak) -> engine.PriceBreak:
    return engine.PriceBreak(row.min_quantity, fixed_price=row.fixed_price, percent_off=row.percent_off)


def to_entry(row: PriceListEntry, breaks: Iterable[PriceBreak]) -> engine.PriceListEntry:
    return engine.PriceListEntry(
        id=row.pk or 0,
        target_kind=engine.TargetKind(row.target_kind),
        target_id=row.target_id,
        breaks=tuple(to_price_break(item) for item in breaks),
    )


def to_audience(row: PriceList | GiftRule) -> engine.Audience:
    return engine.Audience(engine.AudienceKind(row.audience_kind), row.audience_target_id)


def to_price_list(row: PriceList, entries: Iterable[engine.PriceListEntry] = ()) -> engine.PriceList:
    return engine.PriceList(
        id=row.pk or 0,
        name=row.name,
        audience=to_audience(row),
        currency=row.currency,
        channel=row.channel,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        priority=row.priority,
        entries=tuple(entries),
    )


def to_tier(row: Tier, *, loaded_list_ids: frozenset[int] | None = None) -> engine.Tier:
    price_list_id = row.price_list_id
    if loaded_list_ids is not None and price_list_id not in loaded_list_ids:
        # The tier's standing list is switched off: the tier keeps its other benefits.
        price_list_id = None
    return engine.Tier(
        id=row.pk or 0,
        name=row.name,
        rank=row.rank,
        metric=engine.TierMetric(row.metric),
        threshold=row.threshold,
        window_days=row.window_days,
        multiplier=row.multiplier,
        price_list_id=price_list_id,
        gift_eligible=row.gift_eligible,
        grace_days=row.grace_days,
    )


def to_earn_rule(row: EarnRule) -> engine.EarnRule:
    return engine.EarnRule(
        id=row.pk or 0,
        name=row.name,
        kind=engine.EarnRuleKind(row.kind),
        points_per_unit=row.points_per_unit,
        multiplier=row.multiplier,
        points=row.points,
        max_points=row.max_points,
        target_kind=engine.TargetKind(row.target_kind) if row.target_kind else None,
        target_id=row.target_id,
        customer_type_id=row.customer_type_id,
        tier_id=row.tier_id,
        channel=row.channel,
        currency=row.currency,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
    )


def to_gift_rule(row: GiftRule) -> engine.GiftRule:
    return engine.GiftRule(
        id=row.pk or 0,
        name=row.name,
        audience=to_audience(row),
        threshold=row.threshold,
        currency=row.currency,
        variant_id=row.variant_id,
        quantity=row.quantity,
        channel=row.channel,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        requires_gift_eligibility=row.requires_gift_eligibility,
        priority=row.priority,
    )


def to_referral_terms(row: ReferralProgram) -> engine.ReferralTerms:
    return engine.ReferralTerms(
        discount_kind=engine.DiscountKind(row.discount_kind),
        discount_value=row.discount_value,
        referrer_points=row.referrer_points,
        referee_min_spend=row.referee_min_spend,
        qualifying_min_amount=row.qualifying_min_amount,
        max_rewards_per_referrer=row.max_rewards_per_referrer,
        period_days=row.period_days,
        currency=row.currency,
    )


def to_next_purchase_rule(row: NextPurchaseRule) -> engine.NextPurchaseRule:
    return engine.NextPurchaseRule(
        id=row.pk or 0,
        name=row.name,
        min_amount=row.min_amount,
        currency=row.currency,
        discount_kind=engine.DiscountKind(row.discount_kind),
        discount_value=row.discount_value,
        valid_days=row.valid_days,
        channel=row.channel,
        valid_from=row.valid_from,
        valid_until=row.valid_until,
    )


def load_rule_set(version: str, config: ProgramConfig) -> engine.RuleSet:
    """Every active rule as an engine ``RuleSet``: eight queries, however many rules there are."""
    price_lists = [
        to_price_list(row, (to_entry(entry, entry.breaks.all()) for entry in row.entries.all()))
        for row in PriceList.objects.filter(is_active=True).prefetch_related("entries__breaks")
    ]
    list_ids = frozenset(item.id for item in price_lists)
    referral = ReferralProgram.objects.filter(is_active=True).first()
    return engine.RuleSet(
        version=version,
        terms=build_terms(config),
        price_lists=tuple(price_lists),
        earn_rules=tuple(to_earn_rule(row) for row in EarnRule.objects.filter(is_active=True)),
        tiers=tuple(to_tier(row, loaded_list_ids=list_ids) for row in Tier.objects.filter(is_active=True)),
        gift_rules=tuple(to_gift_rule(row) for row in GiftRule.objects.filter(is_active=True)),
        referral=to_referral_terms(referral) if referral is not None else None,
        next_purchase=tuple(to_next_purchase_rule(row) for row in NextPurchaseRule.objects.filter(is_active=True)),
    )
