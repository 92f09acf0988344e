"""The program's public terms: tiers and their benefits, earn rules, redemption, gifts, referrals.

``LoyaltyProgramTier`` resolves from a ``Tier`` row (the account's tier and next tier use it
too); the other types resolve from the engine's rule objects of the compiled rule set, so the
terms shown are exactly the terms the engine applies.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import graphene

from ...config import ProgramConfig
from ...engine.compiled import CompiledRuleSet
from ...engine.money import quantize
from ...engine.rules import EarnRule, GiftRule
from ...engine.terms import ReferralTerms
from ...engine.values import TierHint
from ...models import Tier
from ...services import quotes
from ..core.dataloaders import DataLoader
from ..core.ids import to_global_id
from ..enums import LoyaltyTierMetricEnum


def plain_decimal(value: Decimal) -> Decimal:
    """A rate or threshold without the column's padding zeros: ``1.5000`` -> ``1.5``, ``500.000`` -> ``500``."""
    value = Decimal(value)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


class TierByIdLoader(DataLoader[int, Tier | None]):
    context_key = "tier_by_id"

    def batch_load(self, keys: list[int]) -> list[Tier | None]:
        tiers = Tier.objects.select_related("price_list").in_bulk(keys)
        return [tiers.get(key) for key in keys]


class LoyaltyProgramTier(graphene.ObjectType):
    id = graphene.ID(required=True, description="The tier (`LoyaltyTier:<pk>`).")
    name = graphene.String(required=True)
    slug = graphene.String(required=True)
    rank = graphene.Int(required=True, description="Higher ranks are better tiers.")
    description = graphene.String(required=True, description="The tier's benefits in words (may be empty).")
    metric = LoyaltyTierMetricEnum(required=True, description="What qualifies for the tier.")
    threshold = graphene.Decimal(required=True, description="The figure of `metric` that reaches the tier.")
    window_days = graphene.Int(description="The rolling window the figure is counted over; null: all time.")
    grace_days = graphene.Int(required=True, description="Days a customer who falls below keeps the tier.")
    points_multiplier = graphene.Decimal(required=True, description="Earned points are multiplied by this.")
    price_list_name = graphene.String(description="The standing price list of the tier's members, if any.")
    gift_eligible = graphene.Boolean(required=True, description="Whether members get the tier-only gifts.")

    class Meta:
        description = "A loyalty tier (VIP level): how it is reached and what it gives."

    @staticmethod
    def resolve_id(root: Tier, _info: Any) -> str:
        return to_global_id("LoyaltyTier", root.pk)

    @staticmethod
    def resolve_points_multiplier(root: Tier, _info: Any) -> Decimal:
        return plain_decimal(root.multiplier)

    @staticmethod
    def resolve_threshold(root: Tier, _info: Any) -> Decimal:
        return plain_decimal(root.threshold)

    @staticmethod
    def resolve_price_list_name(root: Tier, _info: Any) -> str | None:
        return None if root.price_list is None or not root.price_list.is_active else root.price_list.name


class LoyaltyTierProgress(graphene.ObjectType):
    next_tier = graphene.Field(LoyaltyProgramTier, required=True, description="The tier being worked towards.")
    metric = LoyaltyTierMetricEnum(required=True, description="What the next tier qualifies on.")
    window_days = graphene.Int(description="The rolling window of the figure; null: all time.")
    have = graphene.Decimal(required=True, description="The customer's figure now.")
    need = graphene.Decimal(required=True, description="The next tier's threshold.")
    missing = graphene.Decimal(
        required=True, description="What is still missing: money, orders, points or days, as `metric` says."
    )

    class Meta:
        description = "How far a customer is from the next tier."

    @staticmethod
    def resolve_next_tier(root: TierHint, info: Any) -> Any:
        return TierByIdLoader(info.context).load(root.tier_id)

    @staticmethod
    def resolve_have(root: TierHint, _info: Any) -> Decimal:
        return plain_decimal(root.have)

    @staticmethod
    def resolve_need(root: TierHint, _info: Any) -> Decimal:
        return plain_decimal(root.need)

    @staticmethod
    def resolve_missing(root: TierHint, _info: Any) -> Decimal:
        return plain_decimal(root.missing)


class LoyaltyProgramEarnRule(graphene.ObjectType):
    id = graphene.ID(required=True, description="The rule (`LoyaltyEarnRule:<pk>`).")
    name = graphene.String(required=True)
    kind = graphene.String(
        required=True,
        description=(
            "`base_rate`, `tier_multiplier`, `product_bonus`, `exclude`, `order_cap`, `signup_bonus`, "
            "`first_order_bonus` or `birthday_bonus`."
        ),
    )
    points_per_unit = graphene.Decimal(description="Points per currency unit paid (`base_rate`).")
    multiplier = graphene.Decimal(description="Points multiplied by this (`tier_multiplier`, `product_bonus`).")
    points = graphene.Int(description="Fixed points (bonuses).")
    max_points = graphene.Int(description="At most this many points per order (`order_cap`).")
    target_kind = graphene.String(description="`variant`, `product`, `category` or `all` for product rules.")
    target_id = graphene.ID(description="The Saleor product, variant or category the rule targets.")
    tier_id = graphene.ID(description="The tier the rule is for (`LoyaltyTier:<pk>`).")
    valid_from = graphene.DateTime()
    valid_until = graphene.DateTime()

    class Meta:
        description = "An earn rule: how points are earned, in the program's public terms."

    @staticmethod
    def resolve_id(root: EarnRule, _info: Any) -> str:
        return to_global_id("LoyaltyEarnRule", root.id)

    @staticmethod
    def resolve_kind(root: EarnRule, _info: Any) -> str:
        return str(root.kind.value)

    @staticmethod
    def resolve_points_per_unit(root: EarnRule, _info: Any) -> Decimal | None:
        return None if root.points_per_unit is None else plain_decimal(root.points_per_unit)

    @staticmethod
    def resolve_multiplier(root: EarnRule, _info: Any) -> Decimal | None:
        return None if root.multiplier is None else plain_decimal(root.multiplier)

    @staticmethod
    def resolve_target_kind(root: EarnRule, _info: Any) -> str | None:
        return None if root.target_kind is None else str(root.target_kind.value)

    @staticmethod
    def resolve_target_id(root: EarnRule, _info: Any) -> str | None:
        if root.target_kind is None or root.target_id is None:
            return None
        saleor_type = {"variant": "ProductVariant", "product": "Product", "category": "Category"}
        return to_global_id(saleor_type.get(root.target_kind.value, "Product"), root.target_id)

    @staticmethod
    def resolve_tier_id(root: EarnRule, _info: Any) -> str | None:
        return None if root.tier_id is None else to_global_id("LoyaltyTier", root.tier_id)


class LoyaltyProgramGift(graphene.ObjectType):
    id = graphene.ID(required=True, description="The gift rule (`LoyaltyGiftRule:<pk>`).")
    name = graphene.String(required=True)
    threshold = graphene.Decimal(required=True, description="The goods total that earns the gift.")
    currency = graphene.String(required=True)
    variant_id = graphene.ID(required=True, description="The gift (`ProductVariant:<pk>`).")
    quantity = graphene.Int(required=True)
    tier_id = graphene.ID(description="Only for members of this tier (`LoyaltyTier:<pk>`); null: everyone.")
    requires_gift_eligibility = graphene.Boolean(required=True, description="Only for tiers with gifts.")
    valid_from = graphene.DateTime()
    valid_until = graphene.DateTime()

    class Meta:
        description = "A free product added to the cart once the goods total reaches the threshold."

    @staticmethod
    def resolve_id(root: GiftRule, _info: Any) -> str:
        return to_global_id("LoyaltyGiftRule", root.id)

    @staticmethod
    def resolve_variant_id(root: GiftRule, _info: Any) -> str:
        return to_global_id("ProductVariant", root.variant_id)

    @staticmethod
    def resolve_threshold(root: GiftRule, _info: Any) -> Decimal:
        return quantize(root.threshold, root.currency)

    @staticmethod
    def resolve_tier_id(root: GiftRule, _info: Any) -> str | None:
        if root.audience.kind.value != "tier" or root.audience.target_id is None:
            return None
        return to_global_id("LoyaltyTier", root.audience.target_id)


class LoyaltyProgramReferralTerms(graphene.ObjectType):
    referee_discount_kind = graphene.String(required=True, description="`percent` or `fixed`.")
    referee_discount_value = graphene.Decimal(required=True, description="The referee's first-order discount.")
    referee_min_spend = graphene.Decimal(required=True, description="The first order's goods must reach this.")
    referrer_points = graphene.Int(required=True, description="Points the referrer earns per rewarded referral.")
    qualifying_min_amount = graphene.Decimal(
        required=True, description="The referee's first paid order must reach this to reward the referrer."
    )
    max_rewards_per_referrer = graphene.Int(description="At most this many rewards per period; null: no limit.")
    period_days = graphene.Int(description="The period the limit counts over; null: all time.")
    currency = graphene.String(description="The currency of the amounts; null: percentage only.")

    class Meta:
        description = "The referral program: what the referee gets and what the referrer earns."

    @staticmethod
    def resolve_referee_discount_kind(root: ReferralTerms, _info: Any) -> str:
        return str(root.discount_kind.value)

    @staticmethod
    def resolve_referee_discount_value(root: ReferralTerms, _info: Any) -> Decimal:
        return _amount(root.discount_value, root.currency)

    @staticmethod
    def resolve_referee_min_spend(root: ReferralTerms, _info: Any) -> Decimal:
        return _amount(root.referee_min_spend, root.currency)

    @staticmethod
    def resolve_qualifying_min_amount(root: ReferralTerms, _info: Any) -> Decimal:
        return _amount(root.qualifying_min_amount, root.currency)


def _amount(value: Decimal, currency: str | None) -> Decimal:
    """Money in its currency's precision; a percentage (no currency) to two places."""
    return quantize(value, currency) if currency else value.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class ProgramView:
    """What ``LoyaltyProgram`` resolves from: the terms of one channel."""

    channel: str
    config: ProgramConfig
    rules: CompiledRuleSet
    tiers: tuple[Tier, ...]


def _in_channel(rule: Any, channel: str) -> bool:
    return rule.channel is None or rule.channel == channel


class LoyaltyProgram(graphene.ObjectType):
    channel = graphene.String(required=True, description="The channel the terms are for.")
    currency = graphene.String(
        description="The channel's currency (ISO 4217), for showing what points are worth; null: the shop cannot tell."
    )
    points_enabled = graphene.Boolean(required=True)
    tiers_enabled = graphene.Boolean(required=True)
    gifts_enabled = graphene.Boolean(required=True)
    referrals_enabled = graphene.Boolean(required=True)
    tier_prices_enabled = graphene.Boolean(required=True)
    points_per_unit = graphene.Decimal(required=True, description="Base earn rate: points per currency unit paid.")
    point_value = graphene.Decimal(required=True, description="What one point is worth when redeemed.")
    redeem_min_points = graphene.Int(required=True, description="The fewest points one redemption may use.")
    redeem_max_share = graphene.Decimal(
        required=True, description="At most this share of the goods (0 to 1) may be paid with points."
    )
    redeem_max_amount = graphene.Decimal(
        description="At most this amount (in the channel's currency) may be paid with points; null: only the share caps it."
    )
    base_currency = graphene.String(
        required=True, description="The currency tier spend thresholds and progress are counted in (ISO 4217)."
    )
    has_channel_terms = graphene.Boolean(
        required=True, description="True when staff set terms for this channel (they override the program's)."
    )
    pending_days = graphene.Int(required=True, description="Earned points become spendable after this many days.")
    expiry_days = graphene.Int(required=True, description="Points expire this many days after they are earned; 0: never.")
    include_shipping_in_earn = graphene.Boolean(required=True)
    tiers = graphene.List(graphene.NonNull(LoyaltyProgramTier), required=True, description="Lowest rank first.")
    earn_rules = graphene.List(
        graphene.NonNull(LoyaltyProgramEarnRule),
        required=True,
        description="The public earn rules of the channel (rules for one customer type are not listed).",
    )
    gifts = graphene.List(
        graphene.NonNull(LoyaltyProgramGift),
        required=True,
        description="Gift thresholds for everyone and for tiers (company and personal gifts are not listed).",
    )
    referral = graphene.Field(LoyaltyProgramReferralTerms, description="Null when there is no referral program.")

    class Meta:
        description = "The loyalty program's public terms in a channel, readable by anyone."

    @staticmethod
    def resolve_currency(root: ProgramView, _info: Any) -> str | None:
        # The channel's terms name their currency; otherwise the shop is asked, only when requested.
        own = root.rules.channel_terms.get(root.channel)
        return own.currency if own is not None else quotes.get_channel_currency(root.channel)

    @staticmethod
    def resolve_base_currency(root: ProgramView, _info: Any) -> str:
        return root.config.base_currency

    @staticmethod
    def resolve_has_channel_terms(root: ProgramView, _info: Any) -> bool:
        return root.channel in root.rules.channel_terms

    @staticmethod
    def resolve_redeem_max_amount(root: ProgramView, _info: Any) -> Decimal | None:
        amount = root.rules.get_terms(root.channel).redeem_max_amount
        return None if amount is None else plain_decimal(amount)

    @staticmethod
    def resolve_points_enabled(root: ProgramView, _info: Any) -> bool:
        return root.config.points_enabled

    @staticmethod
    def resolve_tiers_enabled(root: ProgramView, _info: Any) -> bool:
        return root.config.tiers_enabled

    @staticmethod
    def resolve_gifts_enabled(root: ProgramView, _info: Any) -> bool:
        return root.config.gifts_enabled

    @staticmethod
    def resolve_referrals_enabled(root: ProgramView, _info: Any) -> bool:
        return root.config.referrals_enabled

    @staticmethod
    def resolve_tier_prices_enabled(root: ProgramView, _info: Any) -> bool:
        return root.config.tier_prices_enabled

    @staticmethod
    def resolve_points_per_unit(root: ProgramView, _info: Any) -> Decimal:
        return plain_decimal(root.rules.get_terms(root.channel).points_per_unit)

    @staticmethod
    def resolve_point_value(root: ProgramView, _info: Any) -> Decimal:
        return plain_decimal(root.rules.get_terms(root.channel).point_value)

    @staticmethod
    def resolve_redeem_min_points(root: ProgramView, _info: Any) -> int:
        return root.rules.get_terms(root.channel).redeem_min_points

    @staticmethod
    def resolve_redeem_max_share(root: ProgramView, _info: Any) -> Decimal:
        return plain_decimal(root.rules.get_terms(root.channel).redeem_max_share)

    @staticmethod
    def resolve_pending_days(root: ProgramView, _info: Any) -> int:
        return root.config.pending_days

    @staticmethod
    def resolve_expiry_days(root: ProgramView, _info: Any) -> int:
        return root.config.expiry_days

    @staticmethod
    def resolve_include_shipping_in_earn(root: ProgramView, _info: Any) -> bool:
        return root.config.include_shipping_in_earn

    @staticmethod
    def resolve_tiers(root: ProgramView, _info: Any) -> tuple[Tier, ...]:
        return root.tiers if root.config.tiers_enabled else ()

    @staticmethod
    def resolve_earn_rules(root: ProgramView, _info: Any) -> list[EarnRule]:
        return [
            rule
            for rule in root.rules.rules.earn_rules
            if _in_channel(rule, root.channel) and rule.customer_type_id is None
        ]

    @staticmethod
    def resolve_gifts(root: ProgramView, _info: Any) -> list[GiftRule]:
        if not root.config.gifts_enabled:
            return []
        public = {"everyone", "tier"}
        return [
            rule
            for rule in root.rules.gift_rules
            if _in_channel(rule, root.channel) and rule.audience.kind.value in public
        ]

    @staticmethod
    def resolve_referral(root: ProgramView, _info: Any) -> ReferralTerms | None:
        return root.rules.rules.referral if root.config.referrals_enabled else None
