"""``loyaltyEarnRuleCreate``: staff create a earn rule."""

from __future__ import annotations

from typing import Any

import graphene

from ...services import rules
from ..auth import LoyaltyPermission
from ..core.mutations import BaseMutation
from ..errors import LoyaltyRuleError
from ..types.rule_inputs import LoyaltyEarnRuleInput, to_rule_values
from ..types.rules import LoyaltyEarnRule


class LoyaltyEarnRuleCreate(BaseMutation):
    earn_rule = graphene.Field(LoyaltyEarnRule, description="The earn rule created.")

    class Arguments:
        input = LoyaltyEarnRuleInput(required=True, description="The earn rule's fields.")

    class Meta:
        description = "Create a earn rule. Requires MANAGE_DISCOUNTS."
        error_type_class = LoyaltyRuleError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(cls, _root: Any, _info: Any, /, *, input: Any) -> LoyaltyEarnRuleCreate:
        row = rules.create_earn_rule(to_rule_values(input))
        row.refresh_from_db()  # show the values as stored (3 decimal places), as every later read does
        return cls(earn_rule=row)
