"""``loyaltyNpsSubmit``: a signed-in customer answers the NPS question, about an order or the shop."""

from __future__ import annotations

from typing import Any

import graphene

from ...services.metrics import nps as nps_service
from ..core.context import get_requestor
from ..core.errors import PermissionDenied
from ..core.ids import from_global_id_or_error
from ..core.mutations import BaseMutation
from ..errors import LoyaltyNpsError
from ..types.nps import LoyaltyNpsResponse


class LoyaltyNpsSubmit(BaseMutation):
    response = graphene.Field(LoyaltyNpsResponse, description="The answer recorded.")

    class Arguments:
        score = graphene.Int(required=True, description="How likely you are to recommend us, 0 to 10.")
        comment = graphene.String(description="Anything you want to tell us (at most 2,000 characters).")
        order_id = graphene.ID(description="The Saleor order (`Order:<uuid>`) the answer is about.")
        channel = graphene.String(description="Where you answer (a channel slug), for an answer without an order.")

    class Meta:
        description = (
            "Answer the NPS question: once per order, or once a month without an order. "
            "Requires a signed-in customer."
        )
        error_type_class = LoyaltyNpsError

    @classmethod
    def perform_mutation(
        cls, _root: Any, info: Any, /, *, score: int, comment: str | None = None, order_id: str | None = None,
        channel: str | None = None,
    ) -> LoyaltyNpsSubmit:
        user_id = get_requestor(info).user_id
        if user_id is None:
            raise PermissionDenied("You must be signed in to answer.")
        order = None if order_id is None else from_global_id_or_error(order_id, "Order", field="order_id")
        response = nps_service.submit_nps_response(
            user_id, score, comment=comment or "", order_id=order, channel=(channel or "").strip()
        )
        return cls(response=response)
