"""``loyaltyEventTypeDeactivate``: staff stop an event type taking postings (its credits stay)."""

from __future__ import annotations

from typing import Any

import graphene

from ...services import events
from ..auth import LoyaltyPermission
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..errors import LoyaltyEventError
from ..types.events import LoyaltyEventType


class LoyaltyEventTypeDeactivate(BaseMutation):
    event_type = graphene.Field(LoyaltyEventType, description="The event type, now inactive.")

    class Arguments:
        id = graphene.ID(required=True, description="The event type (`LoyaltyEventType:<pk>`).")

    class Meta:
        description = (
            "Deactivate a custom event type: later postings are refused (INACTIVE); points it credited stay. "
            "Requires MANAGE_DISCOUNTS."
        )
        error_type_class = LoyaltyEventError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(cls, _root: Any, _info: Any, /, *, id: str) -> LoyaltyEventTypeDeactivate:
        pk = from_global_id_to_int(id, "LoyaltyEventType", field="id")
        return cls(event_type=events.deactivate_event_type(pk))
