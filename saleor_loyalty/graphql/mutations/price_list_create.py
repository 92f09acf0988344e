"""``loyaltyPriceListCreate``: staff create a price list, with its entries and breaks if given."""

from __future__ import annotations

from typing import Any

import graphene

from ...exceptions import InvalidInput
from ...services.rules import admin as rules_admin
from ..auth import LoyaltyPermission
from ..core.ids import InvalidGlobalId
from ..core.mutations import BaseMutation
from ..errors import LoyaltyRuleError
from ..types.rule_inputs import LoyaltyPriceListCreateInput, to_entry_values, to_rule_values
from ..types.rules import LoyaltyPriceList


class LoyaltyPriceListCreate(BaseMutation):
    price_list = graphene.Field(LoyaltyPriceList, description="The price list created, with its entries.")

    class Arguments:
        input = LoyaltyPriceListCreateInput(required=True, description="The list's fields and, optionally, entries.")

    class Meta:
        description = (
            "Create a price list; `entries` creates its entries (each with its breaks) in the same step. Every "
            "problem is reported at once (`entries[1].breaks[0].percentOff`) and nothing is created when one is "
            "bad. Requires MANAGE_DISCOUNTS."
        )
        error_type_class = LoyaltyRuleError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(cls, _root: Any, _info: Any, /, *, input: Any) -> LoyaltyPriceListCreate:
        values = to_rule_values(input)
        entries: list[dict[str, Any] | None] = []
        problems: list[tuple[str | None, str]] = []
        # An entry whose IDs do not translate is reported with the service's problems of the others.
        for index, entry in enumerate(input.get("entries") or ()):
            try:
                entries.append(to_entry_values(entry))
            except (InvalidGlobalId, InvalidInput) as exc:
                entries.append(None)
                field = f"entries[{index}].{exc.field}" if exc.field else f"entries[{index}]"
                problems.append((field, f"entries[{index}]: {exc.message if isinstance(exc, InvalidInput) else exc}"))
        price_list = rules_admin.create_price_list_with_entries(values, entries, entry_problems=problems)
        return cls(price_list=price_list)
