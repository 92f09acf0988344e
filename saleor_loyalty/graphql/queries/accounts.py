"""``loyaltyAccount``: the caller's points, or any customer's for staff with MANAGE_USERS."""

from __future__ import annotations

from typing import Any

import graphene
from django.contrib.auth import get_user_model

from ..core.context import get_requestor, require_customer_access
from ..core.ids import from_global_id_to_int
from ..types.account import CustomerAccount, LoyaltyAccount


class AccountQueries(graphene.ObjectType):
    loyalty_account = graphene.Field(
        LoyaltyAccount,
        customer_id=graphene.ID(
            description=(
                "The Saleor customer (`User:<pk>`) whose account to read; requires MANAGE_USERS unless it "
                "is the caller. Defaults to the caller."
            )
        ),
        description="A customer's loyalty points. Null when no customer has the given ID.",
    )

    @staticmethod
    def resolve_loyalty_account(_root: Any, info: Any, *, customer_id: str | None = None) -> CustomerAccount | None:
        wanted = None if customer_id is None else from_global_id_to_int(customer_id, "User", field="customerId")
        user_id = require_customer_access(info, wanted)
        # The caller's own user exists (its token was checked); someone else's may not.
        if user_id != get_requestor(info).user_id and not get_user_model()._default_manager.filter(pk=user_id).exists():
            return None
        return CustomerAccount.fetch(user_id)
