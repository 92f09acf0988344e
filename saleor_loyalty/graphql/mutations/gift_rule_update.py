"""``loyaltyGiftRuleUpdate``: staff change the fields they send of a gift rule."""

from __future__ import annotations

from typing import Any

import graphene

from ...services import rules
from ..auth import LoyaltyPermission
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..errors import LoyaltyRuleError
from ..types.rule_inputs import LoyaltyGiftRuleInput, to_rule_values
from ..types.rules import LoyaltyGiftRule


class LoyaltyGiftRuleUpdate(BaseMutation):
    gift_rule = graphene.Field(LoyaltyGiftRule, description="The gift rule after the change.")

    class Arguments:
        id = graphene.ID(required=True, description="The gift rule (`LoyaltyGiftRule:<pk>`).")
        input = LoyaltyGiftRuleInput(required=True, description="The fields to change; a field sent as null is cleared.")

    class Meta:
        description = "Change a gift rule; only the fields sent change. Requires MANAGE_DISCOUNTS."
        error_type_class = LoyaltyRuleError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(cls, _root: Any, _info: Any, /, *, id: str, input: Any) -> LoyaltyGiftRuleUpdate:
        pk = from_global_id_to_int(id, "LoyaltyGiftRule", field="id")
        row = rules.update_gift_rule(pk, to_rule_values(input))
        row.refresh_from_db()  # show the values as stored, as every later read does
        return cls(gift_rule=row)
