"""Staff and apps read the custom event types (``services.events``)."""

from __future__ import annotations

from typing import Any

import graphene

from ...services import events
from ..auth import LoyaltyPermission
from ..core.context import require_any_permission
from ..types.events import LoyaltyEventType


class EventQueries(graphene.ObjectType):
    loyalty_event_types = graphene.List(
        graphene.NonNull(LoyaltyEventType), required=True,
        include_inactive=graphene.Boolean(description="Include deactivated event types (default true)."),
        description=(
            "The custom event types by code. Requires MANAGE_DISCOUNTS (who defines them) or MANAGE_USERS "
            "(who posts them)."
        ),
    )

    @staticmethod
    def resolve_loyalty_event_types(_root: Any, info: Any, include_inactive: bool | None = None) -> Any:
        require_any_permission(info, LoyaltyPermission.MANAGE_DISCOUNTS, LoyaltyPermission.MANAGE_USERS)
        return events.list_event_types(active_only=include_inactive is False)
