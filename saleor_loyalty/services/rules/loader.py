"""Rows -> engine rule objects, and the whole rule set in a constant number of queries.

One function per row kind, used both by the loader and by ``services.rules`` to validate a row
before it is saved (building the engine object runs the engine's own checks).

The loader degrades per rule: a row the engine refuses (written around the API, by an
``.update()``, a data migration or a restore from an older version) is left out of the rule
set with a warning naming it, and every other rule keeps pricing. One bad tier must not take
every quote, tier progress and checkout hook down with it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import fields
from typing import Any, TypeVar

from ...config import ProgramConfig
from ...engine import rules as engine
from ...engine.compiled import compile_breaks
from ...engine.errors import EngineError, InvalidRule
from ...models import (
    ChannelTerms,
    EarnRule,
    GiftRule,
    NextPurchaseRule,
    PriceBreak,
    PriceList,
    PriceListEntry,
    ReferralProgram,
    Tier,
)

logger = logging.getLogger("saleor_loyalty.rules")

T = TypeVar("T")
# What building or compiling a bad row can raise: the engine's checks, an unknown enum value
# (ValueError), Decimal arithmetic on an absurd number (ArithmeticError), a wrong type.
_BAD_ROW = (EngineError, ValueError, ArithmeticError, TypeError)


def build_terms(config: ProgramConfig) -> engine.ProgramTerms:
    """The engine's program terms from the plugin configuration (same field names; a term only a
    channel sets, such as ``redeem_max_amount``, keeps its default)."""
    names = [field.name for field in fields(engine.ProgramTerms) if hasattr(config, field.name)]
    return engine.ProgramTerms(**{name: getattr(config, name) for name in names})


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
        options=tuple(to_gift_option(item) for item in row.options or ()),
        choose=row.choose,
        ladder=row.ladder or None,
    )


def to_gift_option(item: Any) -> engine.GiftOption:
    """A stored option (``{"variant_id", "quantity", "is_default"}``) as the engine's ``GiftOption``."""
    if not isinstance(item, dict):
        raise InvalidRule(f"GiftRule.options: an option must be an object, got {item!r}", field="options")
    return engine.GiftOption(item.get("variant_id"), item.get("quantity", 1), item.get("is_default", False))


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


def to_channel_terms(row: ChannelTerms) -> engine.ChannelTerms:
    """A channel's stored overrides as the engine's ``ChannelTerms``."""
    return engine.ChannelTerms(
        channel=row.channel,
        currency=row.currency,
        points_per_unit=row.points_per_unit,
        point_value=row.point_value,
        redeem_min_points=row.redeem_min_points,
        redeem_max_share=row.redeem_max_share,
        redeem_max_amount=row.redeem_max_amount,
    )


def _built(label: str, row: Any, build: Callable[[Any], T]) -> T | None:
    """``build(row)``, or None with a warning when the row cannot become a working rule."""
    try:
        return build(row)
    except _BAD_ROW as exc:
        logger.warning("Loyalty rule left out: %s %s cannot be used: %s", label, row.pk, exc)
        return None


def _each(label: str, rows: Iterable[Any], build: Callable[[Any], T]) -> tuple[T, ...]:
    return tuple(item for item in (_built(label, row, build) for row in rows) if item is not None)


def _compiled_entry(currency: str) -> Callable[[PriceListEntry], engine.PriceListEntry]:
    def build(row: PriceListEntry) -> engine.PriceListEntry:
        entry = to_entry(row, row.breaks.all())
        compile_breaks(entry, currency)  # the pricing loop compiles it: fail here, not mid-checkout
        return entry

    return build


def _price_list(row: PriceList) -> engine.PriceList:
    return to_price_list(row, _each("price list entry", row.entries.all(), _compiled_entry(row.currency)))


def load_rule_set(version: str, config: ProgramConfig) -> engine.RuleSet:
    """Every active rule as an engine ``RuleSet``: nine queries (with the channels' terms), however many rules there are.

    A rule the engine refuses is left out with a warning (see the module doc), not raised.
    """
    active_lists = PriceList.objects.filter(is_active=True).prefetch_related("entries__breaks")
    price_lists = _each("price list", active_lists, _price_list)
    list_ids = frozenset(item.id for item in price_lists)
    referral = ReferralProgram.objects.filter(is_active=True).first()
    return engine.RuleSet(
        version=version,
        terms=build_terms(config),
        price_lists=price_lists,
        earn_rules=_each("earn rule", EarnRule.objects.filter(is_active=True), to_earn_rule),
        tiers=_each("tier", Tier.objects.filter(is_active=True), lambda row: to_tier(row, loaded_list_ids=list_ids)),
        gift_rules=_each("gift rule", GiftRule.objects.filter(is_active=True), to_gift_rule),
        referral=_built("referral program", referral, to_referral_terms) if referral is not None else None,
        next_purchase=_each(
            "next-purchase rule", NextPurchaseRule.objects.filter(is_active=True), to_next_purchase_rule
        ),
        channel_terms=_each("channel terms", ChannelTerms.objects.order_by("channel"), to_channel_terms),
    )
