"""``loyaltyPriceListEntryUpdate``: staff change an entry's target or replace its breaks."""

from __future__ import annotations

from typing import Any

import graphene

from ...services import rules
from ..auth import LoyaltyPermission
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..errors import LoyaltyRuleError
from ..types.rule_inputs import LoyaltyPriceListEntryInput, to_entry_values
from ..types.rules import LoyaltyPriceListEntry


class LoyaltyPriceListEntryUpdate(BaseMutation):
    entry = graphene.Field(LoyaltyPriceListEntry, description="The entry after the change.")

    class Arguments:
        id = graphene.ID(required=True, description="The entry (`LoyaltyPriceListEntry:<pk>`).")
        input = LoyaltyPriceListEntryInput(
            required=True, description="The fields to change; `breaks` replaces every break; send targetKind with targetId."
        )

    class Meta:
        description = "Change a price-list entry; only the fields sent change. Requires MANAGE_DISCOUNTS."
        error_type_class = LoyaltyRuleError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(cls, _root: Any, _info: Any, /, *, id: str, input: Any) -> LoyaltyPriceListEntryUpdate:
        pk = from_global_id_to_int(id, "LoyaltyPriceListEntry", field="id")
        return cls(entry=rules.update_price_list_entry(pk, to_entry_values(input)))
