"""NPS answers: the ``LoyaltyNpsResponse`` type (its mutation's error type is in ``errors.py``)."""

from __future__ import annotations

from typing import Any

import graphene

from ...services.metrics.nps import NpsResponseInfo
from ..core.ids import to_global_id

class LoyaltyNpsResponse(graphene.ObjectType):
    id = graphene.ID(required=True, description="The answer's ID (`LoyaltyNpsResponse:<pk>`).")
    score = graphene.Int(required=True, description="0 (not at all likely) to 10 (extremely likely).")
    comment = graphene.String(required=True)
    order_id = graphene.ID(description="The Saleor order (`Order:<uuid>`) the answer is about, if any.")
    channel = graphene.String(required=True, description="The order's channel, or the one given; may be empty.")
    period_start = graphene.Date(required=True, description="First day of the month the answer counts for.")
    created_at = graphene.DateTime(required=True)

    class Meta:
        description = "A customer's answer to: how likely are you to recommend us?"

    @staticmethod
    def resolve_id(root: NpsResponseInfo, _info: Any) -> str:
        return to_global_id("LoyaltyNpsResponse", root.id)

    @staticmethod
    def resolve_order_id(root: NpsResponseInfo, _info: Any) -> str | None:
        return to_global_id("Order", root.order_id) if root.order_id else None
