"""``loyaltyTierDelete``: staff delete a tier."""

from __future__ import annotations

from typing import Any

import graphene

from ...services import rules
from ..auth import LoyaltyPermission
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..errors import LoyaltyRuleError


class LoyaltyTierDelete(BaseMutation):
    deleted_id = graphene.ID(description="The ID of the tier deleted.")

    class Arguments:
        id = graphene.ID(required=True, description="The tier (`LoyaltyTier:<pk>`).")

    class Meta:
        description = "Delete a tier. Refused (RULE_IN_USE) while something refers to it: deactivate it instead. Requires MANAGE_DISCOUNTS."
        error_type_class = LoyaltyRuleError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(cls, _root: Any, _info: Any, /, *, id: str) -> LoyaltyTierDelete:
        rules.delete_tier(from_global_id_to_int(id, "LoyaltyTier", field="id"))
        return cls(deleted_id=id)
