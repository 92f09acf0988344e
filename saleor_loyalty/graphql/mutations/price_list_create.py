"""``loyaltyPriceListCreate``: staff create a price list, with its entries and breaks if given."""

from __future__ import annotations

from typing import Any

import graphene

from ...services import rules_admin
from ..auth import LoyaltyPermission
from ..core.mutations import BaseMutation
from ..rule_errors import LoyaltyRuleError
from ..types.rule_inputs import LoyaltyPriceListCreateInput, to_entry_values, to_rule_values
from ..types.rules import LoyaltyPriceList


class LoyaltyPriceListCreate(BaseMutation):
    price_list = graphene.Field(LoyaltyPriceList, description="The price list created, with its entries.")

    class Arguments:
        input = LoyaltyPriceListCreateInput(required=True, description="The list's fields and, optionally, entries.")

    class Meta:
        description = (
            "Create a price list; `entries` creates its entries (each with its breaks) in the same step. Every "
            "problem is reported at once (`entries[1].breaks[0].percentOff`) and nothing is created when one is "
            "bad. Requires MANAGE_DISCOUNTS."
        )
        error_type_class = LoyaltyRuleError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(cls, _root: Any, _info: Any, /, *, input: Any) -> LoyaltyPriceListCreate:
        entries = [to_entry_values(entry) for entry in input.get("entries") or ()]
        price_list = rules_admin.create_price_list_with_entries(to_rule_values(input), entries)
        return cls(price_list=price_list)
