"""``loyaltyNextPurchaseDiscounts``: the codes a customer's earlier orders earned and can still use."""

from __future__ import annotations

from typing import Any

import graphene

from ...models import DiscountCode
from ...services.next_purchase import get_next_purchase_codes
from ..core.context import require_customer_access
from ..core.ids import from_global_id_to_int
from ..types.next_purchase import LoyaltyNextPurchaseDiscount


class NextPurchaseQueries(graphene.ObjectType):
    loyalty_next_purchase_discounts = graphene.List(
        graphene.NonNull(LoyaltyNextPurchaseDiscount),
        required=True,
        customer_id=graphene.ID(description="A customer's `User` ID (staff with MANAGE_USERS); omit for your own."),
        description=(
            "Unused, unexpired next-purchase discounts, soonest to expire first. The caller's own, "
            "or any customer's for staff and apps with MANAGE_USERS."
        ),
    )

    @staticmethod
    def resolve_loyalty_next_purchase_discounts(
        _root: Any, info: Any, *, customer_id: str | None = None
    ) -> list[DiscountCode]:
        wanted = None if customer_id is None else from_global_id_to_int(customer_id, "User", field="customerId")
        user_id = require_customer_access(info, wanted)
        return get_next_purchase_codes(user_id, now=info.context.request_time)
