"""The program's rules as staff see them: tiers, price lists with entries and breaks, gift rules,
earn rules and the referral settings; with their enums and the ``LoyaltyDecimal`` input scalar.

Every type resolves from its saved row (``models/rules.py``). Saleor objects are shown by their
Saleor global IDs (``ProductVariant``, ``Product``, ``Category``, ``CustomerType``, ``User``);
ours as ``LoyaltyTier``, ``LoyaltyCompany``, ``LoyaltyPriceList``...
"""

from __future__ import annotations

from decimal import Decimal
from enum import Enum
from typing import Any

import graphene
from graphql.language import ast

from ...engine.rules import AudienceKind, DiscountKind, EarnRuleKind, TargetKind
from ..core.connection import CountableConnection
from ..core.ids import to_global_id
from ..enums import LoyaltyTierMetricEnum


def _enum(name: str, enum: type[Enum], description: str) -> type[graphene.Enum]:
    return graphene.Enum(name, [(member.name, member.value) for member in enum], description=description)


LoyaltyAudienceKindEnum = _enum("LoyaltyAudienceKind", AudienceKind, "Who a price list or gift rule is for.")
LoyaltyTargetKindEnum = _enum(
    "LoyaltyTargetKind", TargetKind, "What a price-list entry or earn rule points at; ALL is every line."
)
LoyaltyEarnRuleKindEnum = _enum("LoyaltyEarnRuleKind", EarnRuleKind, "The kinds of earn rule (docs/rules.md).")
LoyaltyDiscountKindEnum = _enum("LoyaltyDiscountKind", DiscountKind, "A percentage or a fixed amount off.")

# The Saleor (or our) type whose global ID names each target or audience.
TARGET_TYPES = {
    TargetKind.VARIANT.value: "ProductVariant",
    TargetKind.PRODUCT.value: "Product",
    TargetKind.CATEGORY.value: "Category",
}
AUDIENCE_TYPES = {
    AudienceKind.CUSTOMER_TYPE.value: ("CustomerType", "customer_type_id"),
    AudienceKind.COMPANY.value: ("LoyaltyCompany", "company_id"),
    AudienceKind.TIER.value: ("LoyaltyTier", "tier_id"),
    AudienceKind.CUSTOMER.value: ("User", "user_id"),
}


class LoyaltyDecimal(graphene.Scalar):
    """A decimal number, sent as a JSON string (`"9.50"`, exact) or number; never rounded on the way in.

    Text is passed on as sent, so that a mutation reports a value that is not a number in its
    payload, with the field named and beside the request's other problems.
    """

    @staticmethod
    def serialize(value: Any) -> str:
        return str(value)

    @classmethod
    def parse_literal(cls, node: Any) -> str | None:
        if isinstance(node, (ast.StringValue, ast.IntValue, ast.FloatValue)):
            return str(node.value)  # the literal's own digits
        return None

    @staticmethod
    def parse_value(value: Any) -> str | Decimal | None:
        # None makes graphql-core refuse the value as not of this type; bool is an int in Python.
        if isinstance(value, str):
            return value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return None
        # A JSON number reads as its shortest text (0.1, not 0.1000000000000000055...).
        return Decimal(str(value))


class LoyaltyDateTimeInput(graphene.Scalar):
    """An ISO 8601 date and time with its time zone (`"2025-01-01T00:00:00+00:00"`).

    Text is passed on as sent, so that a mutation reports a malformed or zone-less value in its
    payload, with the field named and beside the request's other problems.
    """

    @staticmethod
    def serialize(value: Any) -> str:
        return value.isoformat() if hasattr(value, "isoformat") else str(value)

    @classmethod
    def parse_literal(cls, node: Any) -> str | None:
        return node.value if isinstance(node, ast.StringValue) else None

    @staticmethod
    def parse_value(value: Any) -> str | None:
        return value if isinstance(value, str) else None


def _global_id(type_name: str, pk: int | None) -> str | None:
    return None if pk is None else to_global_id(type_name, pk)


def target_global_id(kind: str | None, target_id: int | None) -> str | None:
    type_name = TARGET_TYPES.get(kind or "")
    return None if type_name is None else _global_id(type_name, target_id)


class LoyaltyAudience(graphene.ObjectType):
    kind = LoyaltyAudienceKindEnum(required=True)
    target_id = graphene.ID(
        description="`CustomerType`, `LoyaltyCompany`, `LoyaltyTier` or `User` ID by kind; null for EVERYONE."
    )

    class Meta:
        description = "Who a rule is for."

    @staticmethod
    def resolve_kind(root: Any, _info: Any) -> str:
        return str(root.audience_kind)

    @staticmethod
    def resolve_target_id(root: Any, _info: Any) -> str | None:
        type_name, _column = AUDIENCE_TYPES.get(root.audience_kind, (None, None))
        return None if type_name is None else _global_id(type_name, root.audience_target_id)


class LoyaltyTier(graphene.ObjectType):
    id = graphene.ID(required=True, description="`LoyaltyTier:<pk>`.")
    name = graphene.String(required=True)
    slug = graphene.String(required=True)
    rank = graphene.Int(required=True, description="A higher rank is a better tier.")
    metric = LoyaltyTierMetricEnum(required=True)
    threshold = graphene.Decimal(required=True, description="The figure of `metric` that qualifies.")
    window_days = graphene.Int(description="The rolling window the metric is counted over; null: all time.")
    multiplier = graphene.Decimal(required=True, description="Earn multiplier of the tier's members.")
    price_list_id = graphene.ID(description="The tier's standing discount (`LoyaltyPriceList`).")
    gift_eligible = graphene.Boolean(required=True)
    grace_days = graphene.Int(required=True, description="Days a member keeps the tier after falling below.")
    description = graphene.String(required=True)
    is_active = graphene.Boolean(required=True)
    updated_at = graphene.DateTime(required=True)

    class Meta:
        description = "A VIP level of the program."

    @staticmethod
    def resolve_id(root: Any, _info: Any) -> str:
        return to_global_id("LoyaltyTier", root.pk)

    @staticmethod
    def resolve_metric(root: Any, _info: Any) -> str:
        return str(root.metric)

    @staticmethod
    def resolve_price_list_id(root: Any, _info: Any) -> str | None:
        return _global_id("LoyaltyPriceList", root.price_list_id)


class LoyaltyPriceBreak(graphene.ObjectType):
    min_quantity = graphene.Int(required=True)
    fixed_price = graphene.Decimal(description="The unit price from `minQuantity` on; or:")
    percent_off = graphene.Decimal(description="The percentage off the base price from `minQuantity` on.")

    class Meta:
        description = "From a quantity on: a fixed unit price or a percentage off."


class LoyaltyPriceListEntry(graphene.ObjectType):
    id = graphene.ID(required=True, description="`LoyaltyPriceListEntry:<pk>`.")
    target_kind = LoyaltyTargetKindEnum(required=True)
    target_id = graphene.ID(description="The `ProductVariant`, `Product` or `Category`; null for ALL.")
    sku = graphene.String(description="The SKU the entry was imported with (for reference).")
    breaks = graphene.List(graphene.NonNull(LoyaltyPriceBreak), required=True, description="By quantity.")

    class Meta:
        description = "A price list's prices for one target."

    @staticmethod
    def resolve_id(root: Any, _info: Any) -> str:
        return to_global_id("LoyaltyPriceListEntry", root.pk)

    @staticmethod
    def resolve_target_kind(root: Any, _info: Any) -> str:
        return str(root.target_kind)

    @staticmethod
    def resolve_target_id(root: Any, _info: Any) -> str | None:
        return target_global_id(root.target_kind, root.target_id)

    @staticmethod
    def resolve_breaks(root: Any, _info: Any) -> list[Any]:
        return list(root.breaks.all())  # prefetched by the query: no query per entry


class LoyaltyPriceList(graphene.ObjectType):
    id = graphene.ID(required=True, description="`LoyaltyPriceList:<pk>`.")
    name = graphene.String(required=True)
    currency = graphene.String(required=True)
    channel = graphene.String(description="The channel slug; null: every channel.")
    priority = graphene.Int(required=True, description="Names the reason when two lists give the same price.")
    audience = graphene.Field(LoyaltyAudience, required=True)
    valid_from = graphene.DateTime()
    valid_until = graphene.DateTime()
    is_active = graphene.Boolean(required=True)
    entries = graphene.List(graphene.NonNull(LoyaltyPriceListEntry), required=True, description="By id.")
    updated_at = graphene.DateTime(required=True)

    class Meta:
        description = "Prices (with quantity breaks) for an audience, currency and channel."

    @staticmethod
    def resolve_id(root: Any, _info: Any) -> str:
        return to_global_id("LoyaltyPriceList", root.pk)

    @staticmethod
    def resolve_audience(root: Any, _info: Any) -> Any:
        return root

    @staticmethod
    def resolve_entries(root: Any, _info: Any) -> list[Any]:
        return list(root.entries.all())


class LoyaltyPriceListCountableConnection(CountableConnection):
    class Meta:
        node = LoyaltyPriceList


class LoyaltyGiftRule(graphene.ObjectType):
    id = graphene.ID(required=True, description="`LoyaltyGiftRule:<pk>`.")
    name = graphene.String(required=True)
    threshold = graphene.Decimal(required=True, description="The subtotal from which the gift is added.")
    currency = graphene.String(required=True)
    variant_id = graphene.ID(required=True, description="The free `ProductVariant`.")
    quantity = graphene.Int(required=True)
    channel = graphene.String()
    audience = graphene.Field(LoyaltyAudience, required=True)
    requires_gift_eligibility = graphene.Boolean(required=True, description="Only for tiers that are gift-eligible.")
    priority = graphene.Int(required=True)
    options = graphene.List(
        graphene.NonNull(lambda: LoyaltyGiftRuleOption), required=True,
        description="Other gifts to choose from besides `variantId`; empty: no choice.",
    )
    choose = graphene.Int(required=True, description="How many gifts the shopper picks.")
    ladder = graphene.String(description="The ladder this rule is a rung of.")
    valid_from = graphene.DateTime()
    valid_until = graphene.DateTime()
    is_active = graphene.Boolean(required=True)

    class Meta:
        description = "A free product (or a choice of them) added once the cart reaches a subtotal."

    @staticmethod
    def resolve_id(root: Any, _info: Any) -> str:
        return to_global_id("LoyaltyGiftRule", root.pk)

    @staticmethod
    def resolve_variant_id(root: Any, _info: Any) -> str:
        return to_global_id("ProductVariant", root.variant_id)

    @staticmethod
    def resolve_audience(root: Any, _info: Any) -> Any:
        return root

    @staticmethod
    def resolve_options(root: Any, _info: Any) -> list[dict[str, Any]]:
        return [item for item in root.options or () if isinstance(item, dict)]


class LoyaltyGiftRuleOption(graphene.ObjectType):
    variant_id = graphene.ID(required=True, description="A `ProductVariant` the shopper may pick.")
    quantity = graphene.Int(required=True)
    is_default = graphene.Boolean(required=True, description="Given while the shopper picks nothing.")

    class Meta:
        description = "One gift a gift rule offers besides its own variant."

    @staticmethod
    def resolve_variant_id(root: dict[str, Any], _info: Any) -> str:
        return to_global_id("ProductVariant", root.get("variant_id"))

    @staticmethod
    def resolve_quantity(root: dict[str, Any], _info: Any) -> int:
        return int(root.get("quantity", 1))

    @staticmethod
    def resolve_is_default(root: dict[str, Any], _info: Any) -> bool:
        return bool(root.get("is_default", False))


class LoyaltyEarnRule(graphene.ObjectType):
    id = graphene.ID(required=True, description="`LoyaltyEarnRule:<pk>`.")
    name = graphene.String(required=True)
    kind = LoyaltyEarnRuleKindEnum(required=True)
    points_per_unit = graphene.Decimal()
    multiplier = graphene.Decimal()
    points = graphene.Int()
    max_points = graphene.Int()
    target_kind = LoyaltyTargetKindEnum()
    target_id = graphene.ID(description="The `ProductVariant`, `Product` or `Category`.")
    customer_type_id = graphene.ID(description="The Saleor `CustomerType` (EXCLUDE).")
    tier_id = graphene.ID(description="The `LoyaltyTier` (TIER_MULTIPLIER).")
    channel = graphene.String()
    currency = graphene.String()
    valid_from = graphene.DateTime()
    valid_until = graphene.DateTime()
    is_active = graphene.Boolean(required=True)

    class Meta:
        description = "How orders and events earn points; `kind` decides which fields it uses (docs/rules.md)."

    @staticmethod
    def resolve_id(root: Any, _info: Any) -> str:
        return to_global_id("LoyaltyEarnRule", root.pk)

    @staticmethod
    def resolve_kind(root: Any, _info: Any) -> str:
        return str(root.kind)

    @staticmethod
    def resolve_target_kind(root: Any, _info: Any) -> str | None:
        return root.target_kind or None

    @staticmethod
    def resolve_target_id(root: Any, _info: Any) -> str | None:
        return target_global_id(root.target_kind, root.target_id)

    @staticmethod
    def resolve_customer_type_id(root: Any, _info: Any) -> str | None:
        return _global_id("CustomerType", root.customer_type_id)

    @staticmethod
    def resolve_tier_id(root: Any, _info: Any) -> str | None:
        return _global_id("LoyaltyTier", root.tier_id)


class LoyaltyReferralSettings(graphene.ObjectType):
    id = graphene.ID(required=True, description="`LoyaltyReferralProgram:<pk>`.")
    discount_kind = LoyaltyDiscountKindEnum(required=True, description="The referee's first-order discount.")
    discount_value = graphene.Decimal(required=True)
    currency = graphene.String(description="Required for a fixed discount.")
    referrer_points = graphene.Int(required=True, description="Points the referrer earns per paid referral.")
    referee_min_spend = graphene.Decimal(required=True, description="The referee's first order must reach this.")
    qualifying_min_amount = graphene.Decimal(required=True, description="A paid order must reach this to reward.")
    max_rewards_per_referrer = graphene.Int(description="Rewards per referrer per period; null: no limit.")
    period_days = graphene.Int(description="The period the limit counts over; null: ever.")
    is_active = graphene.Boolean(required=True)

    class Meta:
        description = "The referral program's terms."

    @staticmethod
    def resolve_id(root: Any, _info: Any) -> str:
        return to_global_id("LoyaltyReferralProgram", root.pk)

    @staticmethod
    def resolve_discount_kind(root: Any, _info: Any) -> str:
        return str(root.discount_kind)
