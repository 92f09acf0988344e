"""Inputs of the rule mutations, and their translation into ``services.rules`` values.

Every field is optional in the GraphQL type so that one input serves create and update: create
reports the missing required fields (the service knows which), update changes only the fields
sent. A field sent as JSON ``null`` in variables clears it (graphql-core 2 keeps the key); global
IDs become integer pks, checked against the type their kind names.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import graphene

from ...engine.rules import TargetKind
from ...exceptions import InvalidInput
from ..core.ids import from_global_id_to_int
from ..enums import LoyaltyTierMetricEnum
from .rules import (
    AUDIENCE_TYPES,
    TARGET_TYPES,
    LoyaltyAudienceKindEnum,
    LoyaltyDateTimeInput,
    LoyaltyDecimal,
    LoyaltyDiscountKindEnum,
    LoyaltyEarnRuleKindEnum,
    LoyaltyTargetKindEnum,
)

_DATES = "An aware ISO 8601 date and time; the rule applies while valid_from <= now < valid_until."


class LoyaltyTierInput(graphene.InputObjectType):
    name = graphene.String(description="Required on create; 1 to 100 characters.")
    slug = graphene.String(description="Required on create; unique; letters, digits, '-' and '_'.")
    rank = graphene.Int(description="Required on create; unique; a higher rank is a better tier.")
    metric = LoyaltyTierMetricEnum(description="Required on create.")
    threshold = LoyaltyDecimal(description="Required on create; >= 0.")
    window_days = graphene.Int(description="Rolling window in days (not for TENURE); null: all time.")
    multiplier = LoyaltyDecimal(description="Earn multiplier (default 1).")
    price_list_id = graphene.ID(description="A `LoyaltyPriceList` as the tier's standing discount.")
    gift_eligible = graphene.Boolean()
    grace_days = graphene.Int(description="Days a member keeps the tier after falling below (default 0).")
    description = graphene.String()
    is_active = graphene.Boolean()


class LoyaltyAudienceInput(graphene.InputObjectType):
    kind = LoyaltyAudienceKindEnum(required=True)
    target_id = graphene.ID(
        description="Required unless EVERYONE: a `CustomerType`, `LoyaltyCompany`, `LoyaltyTier` or `User` ID."
    )


class LoyaltyPriceListInput(graphene.InputObjectType):
    name = graphene.String(description="Required on create.")
    currency = graphene.String(description="Required on create; ISO 4217 code.")
    channel = graphene.String(description="A channel slug; null: every channel.")
    priority = graphene.Int(description="Names the reason on equal prices (default 0).")
    audience = graphene.Field(LoyaltyAudienceInput, description="Who the list is for (default EVERYONE).")
    valid_from = LoyaltyDateTimeInput(description=_DATES)
    valid_until = LoyaltyDateTimeInput(description=_DATES)
    is_active = graphene.Boolean()


class LoyaltyPriceBreakInput(graphene.InputObjectType):
    min_quantity = graphene.Int(required=True, description="At least 1; unique within the entry.")
    fixed_price = LoyaltyDecimal(description="The unit price (>= 0); or give percentOff.")
    percent_off = LoyaltyDecimal(description="0 < percentOff <= 100; or give fixedPrice.")


class LoyaltyPriceListEntryInput(graphene.InputObjectType):
    target_kind = LoyaltyTargetKindEnum(description="Required on create.")
    target_id = graphene.ID(description="A `ProductVariant`, `Product` or `Category` ID; none for ALL.")
    sku = graphene.String(description="A SKU kept for reference.")
    breaks = graphene.List(
        graphene.NonNull(LoyaltyPriceBreakInput), description="Required on create; on update replaces all breaks."
    )


class LoyaltyPriceListCreateInput(LoyaltyPriceListInput):
    entries = graphene.List(
        graphene.NonNull(LoyaltyPriceListEntryInput), description="Entries created with the list, in one go."
    )


class LoyaltyGiftOptionInput(graphene.InputObjectType):
    variant_id = graphene.ID(required=True, description="A `ProductVariant` the shopper may pick.")
    quantity = graphene.Int(description="Default 1.")
    is_default = graphene.Boolean(description="Given while the shopper picks nothing (default false).")


class LoyaltyGiftRuleInput(graphene.InputObjectType):
    name = graphene.String(description="Required on create.")
    threshold = LoyaltyDecimal(description="Required on create: the subtotal from which the gift is added.")
    currency = graphene.String(description="Required on create.")
    variant_id = graphene.ID(description="Required on create: the free `ProductVariant`.")
    quantity = graphene.Int(description="Default 1.")
    channel = graphene.String()
    audience = graphene.Field(LoyaltyAudienceInput, description="Who gets the gift (default EVERYONE).")
    requires_gift_eligibility = graphene.Boolean()
    priority = graphene.Int()
    options = graphene.List(
        graphene.NonNull(LoyaltyGiftOptionInput),
        description="Other gifts to choose from besides `variantId` (a default); replaces the list. Empty: no choice.",
    )
    choose = graphene.Int(description="How many gifts the shopper picks (default 1; at most the gifts offered).")
    ladder = graphene.String(description="Rules sharing a ladder name give only the highest rung reached.")
    valid_from = LoyaltyDateTimeInput(description=_DATES)
    valid_until = LoyaltyDateTimeInput(description=_DATES)
    is_active = graphene.Boolean()


class LoyaltyEarnRuleInput(graphene.InputObjectType):
    name = graphene.String(description="Required on create.")
    kind = LoyaltyEarnRuleKindEnum(description="Required on create; decides which fields the rule uses.")
    points_per_unit = LoyaltyDecimal(description="BASE_RATE.")
    multiplier = LoyaltyDecimal(description="TIER_MULTIPLIER, PRODUCT_BONUS.")
    points = graphene.Int(description="PRODUCT_BONUS per item, SIGNUP/FIRST_ORDER/BIRTHDAY_BONUS.")
    max_points = graphene.Int(description="ORDER_CAP.")
    target_kind = LoyaltyTargetKindEnum(description="PRODUCT_BONUS, EXCLUDE.")
    target_id = graphene.ID(description="A `ProductVariant`, `Product` or `Category` ID.")
    customer_type_id = graphene.ID(description="EXCLUDE: a Saleor `CustomerType` that earns nothing.")
    tier_id = graphene.ID(description="TIER_MULTIPLIER: a `LoyaltyTier`.")
    channel = graphene.String()
    currency = graphene.String()
    valid_from = LoyaltyDateTimeInput(description=_DATES)
    valid_until = LoyaltyDateTimeInput(description=_DATES)
    is_active = graphene.Boolean()


class LoyaltyReferralSettingsInput(graphene.InputObjectType):
    discount_kind = LoyaltyDiscountKindEnum(description="Required when no settings exist yet.")
    discount_value = LoyaltyDecimal(description="Required when no settings exist yet; a percent is at most 100.")
    currency = graphene.String(description="Required for a fixed discount.")
    referrer_points = graphene.Int()
    referee_min_spend = LoyaltyDecimal()
    qualifying_min_amount = LoyaltyDecimal()
    max_rewards_per_referrer = graphene.Int()
    period_days = graphene.Int()
    is_active = graphene.Boolean()


# --- translation ------------------------------------------------------------------------------

# Input field -> the global ID type it must name; the service field is the same name.
_ID_FIELDS = {
    "price_list_id": "LoyaltyPriceList",
    "variant_id": "ProductVariant",
    "customer_type_id": "CustomerType",
    "tier_id": "LoyaltyTier",
}


def to_rule_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """The service's values for a rule input: IDs as pks, the audience as its columns.

    A ``targetId`` is read with the ``targetKind`` sent beside it (its type depends on it), so
    an update that changes the target sends both.
    """
    values: dict[str, Any] = {}
    for name, value in dict(data).items():
        if name in ("audience", "entries"):
            continue
        if name == "options":
            values[name] = None if value is None else [
                {**dict(item), "variant_id": from_global_id_to_int(item["variant_id"], "ProductVariant", field="options")}
                for item in value
            ]
            continue
        if name == "target_id":
            if value is not None and "target_kind" not in data:
                raise InvalidInput("target_id: send target_kind with target_id", field="target_id")
            values[name] = to_target_pk(value, data.get("target_kind"))
        elif name in _ID_FIELDS and value is not None:
            values[name] = from_global_id_to_int(value, _ID_FIELDS[name], field=name)
        else:
            values[name] = value
    if data.get("target_kind") == TargetKind.ALL.value and "target_id" not in data:
        values["target_id"] = None  # ALL targets every line: a stored target id no longer applies
    if "audience" in data:
        values.update(to_audience_columns(data["audience"]))
    return values


def to_target_pk(global_id: str | None, kind: str | None) -> int | None:
    """The pk of a target ID, which must name the type of ``kind`` (none for ALL)."""
    if global_id is None:
        return None
    type_name = TARGET_TYPES.get(kind or "")
    if type_name is None:
        raise InvalidInput(f"target_id: must be empty for target kind {kind or 'none'}", field="target_id")
    return from_global_id_to_int(global_id, type_name, field="target_id")


def to_audience_columns(audience: Mapping[str, Any] | None) -> dict[str, Any]:
    """The audience columns: the kind, its one target column set, the others cleared."""
    if audience is None:
        raise InvalidInput("audience: give a kind (EVERYONE for all buyers)", field="audience")
    kind = audience["kind"]
    values: dict[str, Any] = {"audience_kind": kind, **{column: None for _, column in AUDIENCE_TYPES.values()}}
    target = audience.get("target_id")
    if kind not in AUDIENCE_TYPES:
        if target is not None:
            raise InvalidInput("audience.target_id: must be empty for EVERYONE", field="audience.target_id")
        return values
    if target is None:
        raise InvalidInput(f"audience.target_id: is required for audience kind {kind}", field="audience.target_id")
    type_name, column = AUDIENCE_TYPES[kind]
    values[column] = from_global_id_to_int(target, type_name, field="audience.target_id")
    return values


def to_entry_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """An entry input as the service takes it, breaks as plain dicts."""
    values = to_rule_values(data)
    if "breaks" in values:
        values["breaks"] = [dict(item) for item in values["breaks"] or ()]
    return values
