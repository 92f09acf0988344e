"""``loyaltyPriceListImport``: staff import a price list's breaks from CSV, all rows or none."""

from __future__ import annotations

from typing import Any

import graphene

from ...services import rules
from ...services.rules import admin as rules_admin
from ..auth import LoyaltyPermission
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..errors import LoyaltyRuleError
from ..types.rules import LoyaltyPriceList


class LoyaltyPriceListImportResult(graphene.ObjectType):
    entries_created = graphene.Int(required=True, description="Targets the list had no entry for.")
    entries_replaced = graphene.Int(required=True, description="Entries whose breaks the file replaced.")
    entries_deleted = graphene.Int(required=True, description="Entries removed because `replace` was set.")
    breaks_written = graphene.Int(required=True, description="Price breaks written (one per row).")

    class Meta:
        description = "What a price-list import changed."


class LoyaltyPriceListImport(BaseMutation):
    result = graphene.Field(LoyaltyPriceListImportResult, description="What the import changed.")
    price_list = graphene.Field(LoyaltyPriceList, description="The price list after the import.")

    class Arguments:
        price_list_id = graphene.ID(required=True, description="The price list (`LoyaltyPriceList:<pk>`).")
        csv = graphene.String(
            required=True,
            description=(
                "The CSV text (at most 2 MiB), header required: `sku` or `target_kind`+`target_id` (variant, "
                "product, category or all, with the numeric id), `min_quantity`, and `fixed_price` or "
                "`percent_off`. One row per break; rows of one target form its entry."
            ),
        )
        replace = graphene.Boolean(
            description="Delete the list's entries for targets not in the file (default false: they stay)."
        )

    class Meta:
        description = (
            "Import quantity breaks into a price list. Every row is checked first and every problem reported, "
            "naming the row as a spreadsheet numbers it (`row 7.fixedPrice`, the header is row 1); nothing is "
            "written when one row is bad. A target in the file replaces that target's entry. Requires "
            "MANAGE_DISCOUNTS."
        )
        error_type_class = LoyaltyRuleError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(
        cls, _root: Any, _info: Any, /, *, price_list_id: str, csv: str, replace: bool | None = None
    ) -> LoyaltyPriceListImport:
        pk = from_global_id_to_int(price_list_id, "LoyaltyPriceList", field="price_list_id")
        done = rules.import_price_list_csv(pk, csv, replace=bool(replace))
        result = LoyaltyPriceListImportResult(
            entries_created=done.entries_created, entries_replaced=done.entries_replaced,
            entries_deleted=done.entries_deleted, breaks_written=done.breaks_written,
        )
        return cls(result=result, price_list=rules_admin.price_lists_queryset().get(pk=pk))
