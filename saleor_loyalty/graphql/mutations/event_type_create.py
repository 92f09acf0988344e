"""``loyaltyEventTypeCreate``: staff define a custom event that earns points."""

from __future__ import annotations

from typing import Any

import graphene

from ...services import events
from ..auth import LoyaltyPermission
from ..core.mutations import BaseMutation
from ..errors import LoyaltyEventError
from ..types.events import LoyaltyEventType, LoyaltyEventTypeInput, to_event_values


class LoyaltyEventTypeCreate(BaseMutation):
    event_type = graphene.Field(LoyaltyEventType, description="The event type created.")

    class Arguments:
        input = LoyaltyEventTypeInput(required=True, description="`code`, `name` and `points` are required.")

    class Meta:
        description = "Create a custom event type. Requires MANAGE_DISCOUNTS."
        error_type_class = LoyaltyEventError
        permissions = (LoyaltyPermission.MANAGE_DISCOUNTS,)

    @classmethod
    def perform_mutation(cls, _root: Any, _info: Any, /, *, input: Any) -> LoyaltyEventTypeCreate:
        return cls(event_type=events.create_event_type(to_event_values(input)))
