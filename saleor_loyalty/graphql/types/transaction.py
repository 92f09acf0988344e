"""``LoyaltyPointsTransaction``: what a points mutation booked (or found booked already)."""

from __future__ import annotations

from typing import Any

import graphene

from ...ledger import PostedTransaction
from ..core.ids import to_global_id
from ..enums import LoyaltyTransactionKindEnum


class LoyaltyPointsTransaction(graphene.ObjectType):
    id = graphene.ID(required=True, description="The transaction's ID (`LoyaltyTransaction:<pk>`).")
    kind = LoyaltyTransactionKindEnum(required=True)
    points = graphene.Int(required=True, description="How many points the transaction moved.")
    created_at = graphene.DateTime(required=True)
    is_replay = graphene.Boolean(
        required=True,
        description="True when the idempotency key had been used with the same arguments: nothing new was booked.",
    )

    class Meta:
        description = "A points transaction booked by a mutation."

    @staticmethod
    def resolve_id(root: PostedTransaction, _info: Any) -> str:
        return to_global_id("LoyaltyTransaction", root.transaction_id)

    @staticmethod
    def resolve_is_replay(root: PostedTransaction, _info: Any) -> bool:
        return not root.created
