"""A checkout's quote as the program sets it (``loyaltyQuote``); the price-break table is in
``price_table.py``.

Resolves from the engine's ``Quote`` wrapped with what the engine does not carry (the cart's
variant per line, the compiled rules to name price lists), so no field costs a query. Money is
``Decimal`` in ``currency``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import graphene

from ...engine.compiled import CompiledRuleSet
from ...engine.money import quantize
from ...engine.values import (
    BreakHint,
    EarnPart,
    GiftHint,
    GiftLine,
    LineQuote,
    PriceReason,
    Quote,
    TierHint,
)
from ..core.ids import to_global_id
from ...services.codes import describe_checkout_code
from .checkout_discount import CheckoutDiscountView, LoyaltyCheckoutDiscount
from .gift_offer import GiftOfferView, LoyaltyGiftOffer, build_gift_offer_views
from .price_table import HUNDRED, list_global_id, list_name
from .program import LoyaltyTierProgress


HUNDRED = Decimal(100)


@dataclass(frozen=True)
class QuoteView:
    """What ``LoyaltyQuote`` resolves from."""

    token: str
    quote: Quote
    variant_by_line: dict[str, int]
    point_value: Decimal
    rules: CompiledRuleSet
    # The checkout's voucher (a program code or the shop's own) and what it takes off.
    voucher_code: str | None = None
    order_discount: Decimal = Decimal(0)


@dataclass(frozen=True)
class QuoteLineView:
    line: LineQuote
    variant_id: int | None
    rules: CompiledRuleSet


@dataclass(frozen=True)
class ReasonView:
    reason: PriceReason
    rules: CompiledRuleSet


@dataclass(frozen=True)
class GiftGapView:
    hint: GiftHint
    currency: str


@dataclass(frozen=True)
class BreakHintView:
    hint: BreakHint
    rules: CompiledRuleSet


class LoyaltyPriceReason(graphene.ObjectType):
    price_list_id = graphene.ID(required=True, description="`LoyaltyPriceList:<pk>`.")
    price_list_name = graphene.String()
    min_quantity = graphene.Int(required=True, description="The break that applies.")
    code = graphene.String(required=True, description="e.g. `tier-price:list=3;break=10`.")

    class Meta:
        description = "Why a line costs less than its base price."

    @staticmethod
    def resolve_price_list_id(root: ReasonView, _info: Any) -> str | None:
        return list_global_id(root.reason.rule_id)

    @staticmethod
    def resolve_price_list_name(root: ReasonView, _info: Any) -> str | None:
        return list_name(root.rules, root.reason.rule_id)

    @staticmethod
    def resolve_min_quantity(root: ReasonView, _info: Any) -> int:
        return root.reason.min_quantity

    @staticmethod
    def resolve_code(root: ReasonView, _info: Any) -> str:
        return root.reason.code


class LoyaltyNextPriceBreak(graphene.ObjectType):
    min_quantity = graphene.Int(required=True, description="Units in all for the lower price.")
    missing_quantity = graphene.Int(required=True, description="Units to add to reach it.")
    unit_price = graphene.Decimal(required=True, description="The unit price from there on.")
    price_list_id = graphene.ID(required=True, description="`LoyaltyPriceList:<pk>`.")

    class Meta:
        description = "Buying a few more units lowers the unit price."

    @staticmethod
    def resolve_min_quantity(root: BreakHintView, _info: Any) -> int:
        return root.hint.min_quantity

    @staticmethod
    def resolve_missing_quantity(root: BreakHintView, _info: Any) -> int:
        return root.hint.missing_quantity

    @staticmethod
    def resolve_unit_price(root: BreakHintView, _info: Any) -> Decimal:
        return root.hint.unit_price

    @staticmethod
    def resolve_price_list_id(root: BreakHintView, _info: Any) -> str | None:
        return list_global_id(root.hint.rule_id)


class LoyaltyQuoteLine(graphene.ObjectType):
    line_id = graphene.String(required=True, description="The checkout line.")
    variant_id = graphene.ID(description="`ProductVariant:<pk>`.")
    quantity = graphene.Int(required=True)
    base_unit_price = graphene.Decimal(required=True)
    unit_price = graphene.Decimal(required=True, description="After the caller's loyalty price.")
    total = graphene.Decimal(required=True)
    reason = graphene.Field(LoyaltyPriceReason, description="Null: the base price applies.")
    next_break = graphene.Field(LoyaltyNextPriceBreak, description="The next lower price by quantity, if any.")

    class Meta:
        description = "One checkout line's price and why."

    @staticmethod
    def resolve_line_id(root: QuoteLineView, _info: Any) -> str:
        return root.line.line_id

    @staticmethod
    def resolve_variant_id(root: QuoteLineView, _info: Any) -> str | None:
        return None if root.variant_id is None else to_global_id("ProductVariant", root.variant_id)

    @staticmethod
    def resolve_quantity(root: QuoteLineView, _info: Any) -> int:
        return root.line.quantity

    @staticmethod
    def resolve_base_unit_price(root: QuoteLineView, _info: Any) -> Decimal:
        return root.line.base_unit_price

    @staticmethod
    def resolve_unit_price(root: QuoteLineView, _info: Any) -> Decimal:
        return root.line.unit_price

    @staticmethod
    def resolve_total(root: QuoteLineView, _info: Any) -> Decimal:
        return root.line.total

    @staticmethod
    def resolve_reason(root: QuoteLineView, _info: Any) -> ReasonView | None:
        return None if root.line.reason is None else ReasonView(root.line.reason, root.rules)

    @staticmethod
    def resolve_next_break(root: QuoteLineView, _info: Any) -> BreakHintView | None:
        return None if root.line.next_break is None else BreakHintView(root.line.next_break, root.rules)


class LoyaltyGiftLine(graphene.ObjectType):
    variant_id = graphene.ID(required=True, description="The gift (`ProductVariant:<pk>`).")
    quantity = graphene.Int(required=True)
    gift_rule_id = graphene.ID(required=True, description="`LoyaltyGiftRule:<pk>`.")
    reason = graphene.String(required=True, description="e.g. `gift:rule=3;threshold=100.00`.")

    class Meta:
        description = "A free line the checkout gets."

    @staticmethod
    def resolve_variant_id(root: GiftLine, _info: Any) -> str:
        return to_global_id("ProductVariant", root.variant_id)

    @staticmethod
    def resolve_gift_rule_id(root: GiftLine, _info: Any) -> str:
        return to_global_id("LoyaltyGiftRule", root.rule_id)

    @staticmethod
    def resolve_reason(root: GiftLine, _info: Any) -> str:
        return root.reason_code


class LoyaltyEarnPart(graphene.ObjectType):
    earn_rule_id = graphene.ID(description="`LoyaltyEarnRule:<pk>`; null: the program's base rate.")
    code = graphene.String(required=True, description="What the points are for, e.g. `base-rate`.")
    points = graphene.Int(required=True, description="Negative only for a cap taking points back.")

    class Meta:
        description = "Points one rule contributes."

    @staticmethod
    def resolve_earn_rule_id(root: EarnPart, _info: Any) -> str | None:
        return None if root.rule_id is None else to_global_id("LoyaltyEarnRule", root.rule_id)


class LoyaltyGiftGap(graphene.ObjectType):
    gift_rule_id = graphene.ID(required=True, description="`LoyaltyGiftRule:<pk>`.")
    variant_id = graphene.ID(required=True, description="The gift (`ProductVariant:<pk>`).")
    threshold = graphene.Decimal(required=True)
    amount_missing = graphene.Decimal(required=True, description="Spend this much more to get the gift.")

    class Meta:
        description = "How far the checkout is from the next gift."

    @staticmethod
    def resolve_gift_rule_id(root: GiftGapView, _info: Any) -> str:
        return to_global_id("LoyaltyGiftRule", root.hint.rule_id)

    @staticmethod
    def resolve_variant_id(root: GiftGapView, _info: Any) -> str:
        return to_global_id("ProductVariant", root.hint.variant_id)

    @staticmethod
    def resolve_threshold(root: GiftGapView, _info: Any) -> Decimal:
        return quantize(root.hint.threshold, root.currency)

    @staticmethod
    def resolve_amount_missing(root: GiftGapView, _info: Any) -> Decimal:
        return quantize(root.hint.amount_missing, root.currency)


class LoyaltyQuote(graphene.ObjectType):
    checkout_id = graphene.ID(required=True, description="`Checkout:<token>`.")
    currency = graphene.String(required=True)
    base_subtotal = graphene.Decimal(required=True, description="The goods at base prices.")
    subtotal = graphene.Decimal(required=True, description="The goods after loyalty prices.")
    tier_price_discount = graphene.Decimal(required=True, description="What loyalty prices take off.")
    goods_paid = graphene.Decimal(required=True, description="The subtotal less the order discount.")
    lines = graphene.List(graphene.NonNull(LoyaltyQuoteLine), required=True)
    gift_lines = graphene.List(graphene.NonNull(LoyaltyGiftLine), required=True)
    gift_offers = graphene.List(
        graphene.NonNull(LoyaltyGiftOffer), required=True,
        description="Per gift rule the checkout qualifies for: its gifts in stock, the picks, what is given.",
    )
    points_earned = graphene.Int(required=True, description="Points the order will earn (pending at first).")
    earn_breakdown = graphene.List(
        graphene.NonNull(LoyaltyEarnPart), required=True, description="Sums to `pointsEarned`."
    )
    max_redeemable_points = graphene.Int(required=True, description="The most points this checkout can use.")
    max_redeemable_value = graphene.Decimal(required=True, description="What they are worth, in `currency`.")
    next_gift = graphene.Field(LoyaltyGiftGap, description="The next gift threshold, if one is within reach.")
    next_tier = graphene.Field(LoyaltyTierProgress, description="Progress to the next tier.")
    discount = graphene.Field(
        LoyaltyCheckoutDiscount, description="The code attached to the checkout and what it takes off; null: none."
    )

    class Meta:
        description = "What the program says about a checkout: prices and why, gifts, points, hints."

    @staticmethod
    def resolve_checkout_id(root: QuoteView, _info: Any) -> str:
        return to_global_id("Checkout", root.token)

    @staticmethod
    def resolve_currency(root: QuoteView, _info: Any) -> str:
        return root.quote.currency

    @staticmethod
    def resolve_base_subtotal(root: QuoteView, _info: Any) -> Decimal:
        return root.quote.base_subtotal

    @staticmethod
    def resolve_subtotal(root: QuoteView, _info: Any) -> Decimal:
        return root.quote.subtotal

    @staticmethod
    def resolve_tier_price_discount(root: QuoteView, _info: Any) -> Decimal:
        return root.quote.tier_price_discount

    @staticmethod
    def resolve_goods_paid(root: QuoteView, _info: Any) -> Decimal:
        return root.quote.goods_paid

    @staticmethod
    def resolve_lines(root: QuoteView, _info: Any) -> list[QuoteLineView]:
        return [QuoteLineView(line, root.variant_by_line.get(line.line_id), root.rules) for line in root.quote.lines]

    @staticmethod
    def resolve_gift_lines(root: QuoteView, _info: Any) -> tuple[GiftLine, ...]:
        return root.quote.gift_lines

    @staticmethod
    def resolve_gift_offers(root: QuoteView, _info: Any) -> list[GiftOfferView]:
        return build_gift_offer_views(root.quote, {rule.id: rule.name for rule in root.rules.gift_rules})

    @staticmethod
    def resolve_points_earned(root: QuoteView, _info: Any) -> int:
        return root.quote.earn.points

    @staticmethod
    def resolve_earn_breakdown(root: QuoteView, _info: Any) -> tuple[EarnPart, ...]:
        return root.quote.earn.breakdown

    @staticmethod
    def resolve_max_redeemable_points(root: QuoteView, _info: Any) -> int:
        return root.quote.max_redeemable_points

    @staticmethod
    def resolve_max_redeemable_value(root: QuoteView, _info: Any) -> Decimal:
        return quantize(Decimal(root.quote.max_redeemable_points) * root.point_value, root.quote.currency)

    @staticmethod
    def resolve_next_gift(root: QuoteView, _info: Any) -> GiftGapView | None:
        hint = root.quote.next_gift
        return None if hint is None else GiftGapView(hint, root.quote.currency)

    @staticmethod
    def resolve_next_tier(root: QuoteView, _info: Any) -> TierHint | None:
        return root.quote.next_tier

    @staticmethod
    def resolve_discount(root: QuoteView, _info: Any) -> CheckoutDiscountView | None:
        if not root.voucher_code:
            return None
        code = describe_checkout_code(root.voucher_code)
        return CheckoutDiscountView(code, root.order_discount, root.quote.currency)
