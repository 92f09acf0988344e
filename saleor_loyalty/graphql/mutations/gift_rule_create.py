"""``loyaltyGiftRuleCreate``: staff create a gift rule."""

from __future__ import annotations

from typing import Any

import graphene

from ...services import rules
from ..auth import LoyaltyPermission
from ..core.mutations import BaseMutation
from ..errors import LoyaltyRuleError
from ..types.rule_inputs import LoyaltyGiftRuleInput, to_rule_values
from ..types.rules import LoyaltyGiftRule


class LoyaltyGiftRuleCreate(BaseMutation):
    gift_rule = graphene.Field(LoyaltyGiftRule, description="The gift rule created.")

    class Arguments:
        input = LoyaltyGiftRuleInput(required=True, description="The gift rule's fields.")

    class Meta:
        description = "Create a gift rule. Requires MANAGE_DISCOUNTS."
        error_type_class = LoyaltyRuleError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(cls, _root: Any, _info: Any, /, *, input: Any) -> LoyaltyGiftRuleCreate:
        row = rules.create_gift_rule(to_rule_values(input))
        row.refresh_from_db()  # show the values as stored (3 decimal places), as every later read does
        return cls(gift_rule=row)
