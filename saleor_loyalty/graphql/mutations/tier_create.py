"""``loyaltyTierCreate``: staff create a tier."""

from __future__ import annotations

from typing import Any

import graphene

from ...services import rules
from ..auth import LoyaltyPermission
from ..core.mutations import BaseMutation
from ..errors import LoyaltyRuleError
from ..types.rule_inputs import LoyaltyTierInput, to_rule_values
from ..types.rules import LoyaltyTier


class LoyaltyTierCreate(BaseMutation):
    tier = graphene.Field(LoyaltyTier, description="The tier created.")

    class Arguments:
        input = LoyaltyTierInput(required=True, description="The tier's fields.")

    class Meta:
        description = "Create a tier. Requires MANAGE_DISCOUNTS."
        error_type_class = LoyaltyRuleError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(cls, _root: Any, _info: Any, /, *, input: Any) -> LoyaltyTierCreate:
        row = rules.create_tier(to_rule_values(input))
        row.refresh_from_db()  # show the values as stored (3 decimal places), as every later read does
        return cls(tier=row)
