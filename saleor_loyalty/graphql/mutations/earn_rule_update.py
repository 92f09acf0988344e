"""``loyaltyEarnRuleUpdate``: staff change the fields they send of a earn rule."""

from __future__ import annotations

from typing import Any

import graphene

from ...services import rules
from ..auth import LoyaltyPermission
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..errors import LoyaltyRuleError
from ..types.rule_inputs import LoyaltyEarnRuleInput, to_rule_values
from ..types.rules import LoyaltyEarnRule


class LoyaltyEarnRuleUpdate(BaseMutation):
    earn_rule = graphene.Field(LoyaltyEarnRule, description="The earn rule after the change.")

    class Arguments:
        id = graphene.ID(required=True, description="The earn rule (`LoyaltyEarnRule:<pk>`).")
        input = LoyaltyEarnRuleInput(required=True, description="The fields to change; a field sent as null is cleared.")

    class Meta:
        description = "Change a earn rule; only the fields sent change. Requires MANAGE_DISCOUNTS."
        error_type_class = LoyaltyRuleError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(cls, _root: Any, _info: Any, /, *, id: str, input: Any) -> LoyaltyEarnRuleUpdate:
        pk = from_global_id_to_int(id, "LoyaltyEarnRule", field="id")
        row = rules.update_earn_rule(pk, to_rule_values(input))
        row.refresh_from_db()  # show the values as stored, as every later read does
        return cls(earn_rule=row)
