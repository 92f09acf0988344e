"""``loyaltyEventTypeUpdate``: staff change the fields they send of an event type (not its code)."""

from __future__ import annotations

from typing import Any

import graphene

from ...services import events
from ..auth import LoyaltyPermission
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..errors import LoyaltyEventError
from ..types.events import LoyaltyEventType, LoyaltyEventTypeInput, to_event_values


class LoyaltyEventTypeUpdate(BaseMutation):
    event_type = graphene.Field(LoyaltyEventType, description="The event type after the change.")

    class Arguments:
        id = graphene.ID(required=True, description="The event type (`LoyaltyEventType:<pk>`).")
        input = LoyaltyEventTypeInput(required=True, description="The fields to change; `code` cannot change.")

    class Meta:
        description = "Change a custom event type; only the fields sent change. Requires MANAGE_DISCOUNTS."
        error_type_class = LoyaltyEventError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(cls, _root: Any, _info: Any, /, *, id: str, input: Any) -> LoyaltyEventTypeUpdate:
        pk = from_global_id_to_int(id, "LoyaltyEventType", field="id")
        return cls(event_type=events.update_event_type(pk, to_event_values(input)))
