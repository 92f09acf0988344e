"""``loyaltyRedemptionCancel``: give back the points held on the caller's checkout."""

from __future__ import annotations

from typing import Any

import graphene

from ...exceptions import RedemptionRefused
from ...services import redemption
from ..core.ids import from_global_id_or_error
from ..core.mutations import BaseMutation
from ..errors import LoyaltyRedemptionError
from ..queries.quote import require_checkout_owner
from ..types.account import CustomerAccount, LoyaltyAccount
from ..types.redemption import LoyaltyRedemption
from .customer import raise_refusal, require_signed_in_customer


class LoyaltyRedemptionCancel(BaseMutation):
    redemption = graphene.Field(
        LoyaltyRedemption, description="The redemption cancelled; null when the checkout had none (nothing changed)."
    )
    account = graphene.Field(LoyaltyAccount, description="The caller's account after the release.")

    class Arguments:
        checkout_id = graphene.ID(required=True, description="The caller's checkout (`Checkout:<token>`).")

    class Meta:
        description = "Release the points held on the caller's checkout and detach their discount. Signed-in customers only."
        error_type_class = LoyaltyRedemptionError

    @classmethod
    def perform_mutation(cls, _root: Any, info: Any, /, *, checkout_id: str) -> LoyaltyRedemptionCancel:
        user_id = require_signed_in_customer(info)
        token = from_global_id_or_error(checkout_id, "Checkout", field="checkout_id")
        require_checkout_owner(info, token, staff_may=False)
        try:
            cancelled = redemption.cancel_redemption(token, user_id=user_id, now=info.context.request_time)
        except RedemptionRefused as exc:
            raise_refusal(exc)
        return cls(redemption=cancelled, account=CustomerAccount.fetch(user_id))
