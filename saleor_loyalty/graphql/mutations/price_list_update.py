"""``loyaltyPriceListUpdate``: staff change the fields they send of a price list."""

from __future__ import annotations

from typing import Any

import graphene

from ...services import rules
from ..auth import LoyaltyPermission
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..errors import LoyaltyRuleError
from ..types.rule_inputs import LoyaltyPriceListInput, to_rule_values
from ..types.rules import LoyaltyPriceList


class LoyaltyPriceListUpdate(BaseMutation):
    price_list = graphene.Field(LoyaltyPriceList, description="The price list after the change.")

    class Arguments:
        id = graphene.ID(required=True, description="The price list (`LoyaltyPriceList:<pk>`).")
        input = LoyaltyPriceListInput(required=True, description="The fields to change; a field sent as null is cleared.")

    class Meta:
        description = "Change a price list; only the fields sent change. Requires MANAGE_DISCOUNTS."
        error_type_class = LoyaltyRuleError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(cls, _root: Any, _info: Any, /, *, id: str, input: Any) -> LoyaltyPriceListUpdate:
        pk = from_global_id_to_int(id, "LoyaltyPriceList", field="id")
        row = rules.update_price_list(pk, to_rule_values(input))
        row.refresh_from_db()  # show the values as stored, as every later read does
        return cls(price_list=row)
