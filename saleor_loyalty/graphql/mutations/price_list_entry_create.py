"""``loyaltyPriceListEntryCreate``: staff add an entry (a target and its breaks) to a price list."""

from __future__ import annotations

from typing import Any

import graphene

from ...services import rules
from ..auth import LoyaltyPermission
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..errors import LoyaltyRuleError
from ..types.rule_inputs import LoyaltyPriceListEntryInput, to_entry_values
from ..types.rules import LoyaltyPriceList, LoyaltyPriceListEntry


class LoyaltyPriceListEntryCreate(BaseMutation):
    entry = graphene.Field(LoyaltyPriceListEntry, description="The entry created.")
    price_list = graphene.Field(LoyaltyPriceList, description="The price list it belongs to.")

    class Arguments:
        price_list_id = graphene.ID(required=True, description="The price list (`LoyaltyPriceList:<pk>`).")
        input = LoyaltyPriceListEntryInput(required=True, description="The target and its breaks.")

    class Meta:
        description = "Add an entry with its quantity breaks; one entry per target. Requires MANAGE_DISCOUNTS."
        error_type_class = LoyaltyRuleError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(cls, _root: Any, _info: Any, /, *, price_list_id: str, input: Any) -> LoyaltyPriceListEntryCreate:
        pk = from_global_id_to_int(price_list_id, "LoyaltyPriceList", field="price_list_id")
        entry = rules.create_price_list_entry(pk, to_entry_values(input))
        return cls(entry=entry, price_list=entry.price_list)
