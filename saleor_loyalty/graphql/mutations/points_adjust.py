"""``loyaltyPointsAdjust``: staff add or remove a customer's points by hand, with a reason."""

from __future__ import annotations

from typing import Any

import graphene

from ...services.points import admin as points_admin
from ..auth import LoyaltyPermission
from ..core.context import get_requestor
from ..core.errors import PermissionDenied
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..errors import LoyaltyPointsError
from ..types.account import CustomerAccount, LoyaltyAccount
from ..types.transaction import LoyaltyPointsTransaction

MAX_ADJUSTMENT_POINTS = points_admin.MAX_ADJUSTMENT_POINTS
# Client keys live in their own namespace, so no client key can equal a key the system builds
# for an order or a checkout (``order:<id>:earn``) and block or replay that write.
KEY_NAMESPACE = "api:points-adjust:"


class LoyaltyPointsAdjust(BaseMutation):
    account = graphene.Field(LoyaltyAccount, description="The customer's account after the adjustment.")
    transaction = graphene.Field(LoyaltyPointsTransaction, description="The adjustment booked.")

    class Arguments:
        customer_id = graphene.ID(required=True, description="The Saleor customer (`User:<pk>`).")
        points = graphene.Int(
            required=True,
            description=(
                f"Points to add (positive) or remove (negative, never below zero); at most "
                f"{MAX_ADJUSTMENT_POINTS:,} either way."
            ),
        )
        reason = graphene.String(required=True, description="Why; the customer sees it on their statement.")
        idempotency_key = graphene.String(
            description=(
                "Makes retries safe: the same key with the same arguments returns the first adjustment "
                "instead of booking another one. Without it, every call books a new adjustment."
            )
        )

    class Meta:
        description = "Add or remove a customer's points by hand. Requires MANAGE_USERS."
        error_type_class = LoyaltyPointsError
        permissions = (LoyaltyPermission.MANAGE_USERS,)

    @classmethod
    def perform_mutation(
        cls, _root: Any, info: Any, /, *, customer_id: str, points: int, reason: str, idempotency_key: str | None = None
    ) -> LoyaltyPointsAdjust:
        staff_user_id = get_requestor(info).user_id
        if staff_user_id is None:
            # The ledger records the staff member behind each adjustment; an app has none.
            raise PermissionDenied("Adjustments are booked in a staff member's name; apps cannot make them.")
        user_id = from_global_id_to_int(customer_id, "User", field="customer_id")
        posted = points_admin.adjust_customer_points(
            user_id, points, reason=reason, staff_user_id=staff_user_id, idempotency_key=idempotency_key,
            key_namespace=KEY_NAMESPACE,
        )
        return cls(account=CustomerAccount.fetch(user_id), transaction=posted)
