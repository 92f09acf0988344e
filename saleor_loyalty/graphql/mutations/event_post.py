"""``loyaltyEventPost``: staff or an app report a customer's event; its points are credited once per event id."""

from __future__ import annotations

from typing import Any

import graphene

from ...exceptions import EventNotAccepted, LoyaltyError
from ...services import events
from ..auth import LoyaltyPermission
from ..core.context import get_program_config, get_requestor
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..errors import LoyaltyEventError
from ..types.events import LoyaltyEventPosting


class EventRefusal(LoyaltyError):
    """``EventNotAccepted`` with its reason as the code the client sees (``LIMIT_REACHED``...)."""

    def __init__(self, refused: EventNotAccepted) -> None:
        super().__init__(refused.message, field=refused.field)
        self.code = refused.reason.upper()


class LoyaltyEventPost(BaseMutation):
    posting = graphene.Field(LoyaltyEventPosting, description="The posting; `created` false when booked before.")

    class Arguments:
        code = graphene.String(required=True, description="The event type's code.")
        customer_id = graphene.ID(required=True, description="The Saleor customer (`User:<pk>`).")
        event_id = graphene.String(
            required=True,
            description="Your id of the event (a review id...), at most 128 characters: the same id twice credits once.",
        )
        channel = graphene.String(description="The channel the event happened in (for a channel-bound type).")

    class Meta:
        description = (
            "Credit a customer for a custom event (a review, a survey...). Idempotent by `eventId`: posting "
            "it again answers with the first posting and `created: false`. Requires MANAGE_USERS "
            "(a staff member or an app)."
        )
        error_type_class = LoyaltyEventError
        permissions = (LoyaltyPermission.MANAGE_USERS,)

    @classmethod
    def perform_mutation(
        cls, _root: Any, info: Any, /, *, code: str, customer_id: str, event_id: str, channel: str | None = None
    ) -> LoyaltyEventPost:
        requestor = get_requestor(info)
        user_id = from_global_id_to_int(customer_id, "User", field="customer_id")
        app = requestor.app
        try:
            posting = events.post_event(
                code, user_id, event_id, config=get_program_config(info), channel=channel or "",
                posted_by_user_id=requestor.user_id, posted_by_app_id=getattr(app, "pk", None),
            )
        except EventNotAccepted as refused:
            raise EventRefusal(refused) from refused
        return cls(posting=posting)
