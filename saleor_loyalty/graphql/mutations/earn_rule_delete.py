"""``loyaltyEarnRuleDelete``: staff delete a earn rule."""

from __future__ import annotations

from typing import Any

import graphene

from ...services import rules
from ..auth import LoyaltyPermission
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..errors import LoyaltyRuleError


class LoyaltyEarnRuleDelete(BaseMutation):
    deleted_id = graphene.ID(description="The ID of the earn rule deleted.")

    class Arguments:
        id = graphene.ID(required=True, description="The earn rule (`LoyaltyEarnRule:<pk>`).")

    class Meta:
        description = "Delete a earn rule. Refused (RULE_IN_USE) while something refers to it: deactivate it instead. Requires MANAGE_DISCOUNTS."
        error_type_class = LoyaltyRuleError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(cls, _root: Any, _info: Any, /, *, id: str) -> LoyaltyEarnRuleDelete:
        rules.delete_earn_rule(from_global_id_to_int(id, "LoyaltyEarnRule", field="id"))
        return cls(deleted_id=id)
