"""``loyaltyPointsAdjust``: staff add or remove a customer's points by hand, with a reason."""

from __future__ import annotations

from typing import Any

import graphene
from django.contrib.auth import get_user_model

from ...exceptions import InvalidInput, NotFound
from ...services import points as points_service
from ..auth import LoyaltyPermission
from ..core.context import get_requestor
from ..core.errors import PermissionDenied
from ..core.ids import from_global_id_to_int
from ..core.mutations import BaseMutation
from ..errors import LoyaltyPointsError
from ..types.account import CustomerAccount, LoyaltyAccount
from ..types.transaction import LoyaltyPointsTransaction

# One adjustment moves at most this many points, so that a slip of the keyboard (an extra zero
# or two) is refused instead of booked, and balances stay far inside GraphQL's 32-bit Int.
MAX_ADJUSTMENT_POINTS = 1_000_000
# The ledger's columns: reason varchar(255); the key is stored with its namespace (varchar(200)).
MAX_REASON_LENGTH = 255
MAX_IDEMPOTENCY_KEY_LENGTH = 100
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
        cls.clean_input(points=points, reason=reason, idempotency_key=idempotency_key)
        if not get_user_model()._default_manager.filter(pk=user_id).exists():
            raise NotFound(f"Couldn't resolve to a customer: {customer_id}", field="customer_id")
        posted = points_service.adjust_points(
            points_service.Owner.customer(user_id),
            points,
            reason=reason.strip(),
            staff_user_id=staff_user_id,
            idempotency_key=None if idempotency_key is None else KEY_NAMESPACE + idempotency_key,
        )
        return cls(account=CustomerAccount.fetch(user_id), transaction=posted)

    @staticmethod
    def clean_input(*, points: int, reason: str, idempotency_key: str | None) -> None:
        """Every problem with the arguments at once, as ``InvalidInput.problems``."""
        problems: list[tuple[str | None, str]] = []
        if points == 0:
            problems.append(("points", "An adjustment must add or remove at least one point."))
        elif abs(points) > MAX_ADJUSTMENT_POINTS:
            problems.append(("points", f"An adjustment moves at most {MAX_ADJUSTMENT_POINTS:,} points."))
        if not reason.strip():
            problems.append(("reason", "Give a reason; the customer sees it on their statement."))
        elif len(reason) > MAX_REASON_LENGTH:
            problems.append(("reason", f"The reason is longer than {MAX_REASON_LENGTH} characters."))
        if idempotency_key is not None and not 0 < len(idempotency_key) <= MAX_IDEMPOTENCY_KEY_LENGTH:
            problems.append(("idempotency_key", f"The key must be 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters."))
        if problems:
            raise InvalidInput(problems[0][1], field=problems[0][0], problems=problems)
