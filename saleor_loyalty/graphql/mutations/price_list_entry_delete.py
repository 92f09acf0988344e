"""``loyaltyPriceListEntryDelete``: staff delete an entry with its breaks."""

from __future__ import annotations

from typing import Any

import graphene

from ...services import rules
from ..auth import LoyaltyPermission
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..errors import LoyaltyRuleError


class LoyaltyPriceListEntryDelete(BaseMutation):
    deleted_id = graphene.ID(description="The ID of the entry deleted.")

    class Arguments:
        id = graphene.ID(required=True, description="The entry (`LoyaltyPriceListEntry:<pk>`).")

    class Meta:
        description = "Delete a price-list entry and its breaks. Requires MANAGE_DISCOUNTS."
        error_type_class = LoyaltyRuleError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(cls, _root: Any, _info: Any, /, *, id: str) -> LoyaltyPriceListEntryDelete:
        rules.delete_price_list_entry(from_global_id_to_int(id, "LoyaltyPriceListEntry", field="id"))
        return cls(deleted_id=id)
