"""A variant's price-break table as the program sets it (``loyaltyTierPrices``).

Resolves from the engine's ``VariantPriceTable`` wrapped with the variant's catalogue facts and
the compiled rules (to name price lists), so no field costs a query.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import graphene

from ...engine.compiled import CompiledRuleSet
from ...engine.values import PriceTableRow, VariantPriceTable
from ...shop import VariantView
from ..core.ids import to_global_id

HUNDRED = Decimal(100)


def list_global_id(rule_id: int | None) -> str | None:
    return None if rule_id is None else to_global_id("LoyaltyPriceList", rule_id)


def list_name(rules: CompiledRuleSet, rule_id: int | None) -> str | None:
    price_list = None if rule_id is None else rules.lists_by_id.get(rule_id)
    return None if price_list is None else price_list.name


@dataclass(frozen=True)
class PriceRowView:
    row: PriceTableRow
    base_unit_price: Decimal
    rules: CompiledRuleSet


@dataclass(frozen=True)
class VariantPricesView:
    table: VariantPriceTable
    variant: VariantView
    rules: CompiledRuleSet


class LoyaltyPriceTableRow(graphene.ObjectType):
    min_quantity = graphene.Int(required=True, description="From this many units on...")
    unit_price = graphene.Decimal(required=True, description="...each unit costs this.")
    percent_off = graphene.Decimal(required=True, description="Off the base price, in percent (2 decimals).")
    price_list_id = graphene.ID(description="The list the row comes from (`LoyaltyPriceList:<pk>`); null: base price.")
    price_list_name = graphene.String(description="The list's name; null: base price.")
    reason = graphene.String(description="The short reason code, e.g. `tier-price:list=3;break=10`.")

    class Meta:
        description = "One row of a price-break table."

    @staticmethod
    def resolve_min_quantity(root: PriceRowView, _info: Any) -> int:
        return root.row.min_quantity

    @staticmethod
    def resolve_unit_price(root: PriceRowView, _info: Any) -> Decimal:
        return root.row.unit_price

    @staticmethod
    def resolve_percent_off(root: PriceRowView, _info: Any) -> Decimal:
        if not root.base_unit_price:
            return Decimal("0.00")
        share = (root.base_unit_price - root.row.unit_price) / root.base_unit_price * HUNDRED
        return share.quantize(Decimal("0.01"))

    @staticmethod
    def resolve_price_list_id(root: PriceRowView, _info: Any) -> str | None:
        return list_global_id(root.row.rule_id)

    @staticmethod
    def resolve_price_list_name(root: PriceRowView, _info: Any) -> str | None:
        return list_name(root.rules, root.row.rule_id)

    @staticmethod
    def resolve_reason(root: PriceRowView, _info: Any) -> str | None:
        return root.row.code


class LoyaltyVariantPrices(graphene.ObjectType):
    variant_id = graphene.ID(required=True, description="The Saleor variant (`ProductVariant:<pk>`).")
    sku = graphene.String()
    name = graphene.String(required=True)
    currency = graphene.String(required=True)
    base_price = graphene.Decimal(required=True, description="The channel's unit price before loyalty prices.")
    breaks = graphene.List(
        graphene.NonNull(LoyaltyPriceTableRow),
        required=True,
        description="The caller's price-break table, smallest quantity first; the first row is from 1 unit.",
    )

    class Meta:
        description = "What one variant costs the caller by quantity, and which price list says so."

    @staticmethod
    def resolve_variant_id(root: VariantPricesView, _info: Any) -> str:
        return to_global_id("ProductVariant", root.variant.variant_id)

    @staticmethod
    def resolve_sku(root: VariantPricesView, _info: Any) -> str | None:
        return root.variant.sku

    @staticmethod
    def resolve_name(root: VariantPricesView, _info: Any) -> str:
        return root.variant.name

    @staticmethod
    def resolve_currency(root: VariantPricesView, _info: Any) -> str:
        return root.variant.currency

    @staticmethod
    def resolve_base_price(root: VariantPricesView, _info: Any) -> Decimal:
        return root.table.base_unit_price

    @staticmethod
    def resolve_breaks(root: VariantPricesView, _info: Any) -> list[PriceRowView]:
        return [PriceRowView(row, root.table.base_unit_price, root.rules) for row in root.table.rows]


# --- the quote ---
