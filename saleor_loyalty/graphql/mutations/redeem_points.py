"""``loyaltyRedeemPoints``: the checkout's owner pays part of it with points."""

from __future__ import annotations

from typing import Any

import graphene

from ...exceptions import InvalidInput, RedemptionRefused
from ...services.b2b import company_limits
from ...services import redemption
from ..core.ids import from_global_id_or_error
from ..core.mutations import BaseMutation
from ..errors import LoyaltyRedemptionError
from ..core.context import get_program_config
from ..queries.quote import require_checkout_owner
from ..types.account import CustomerAccount, LoyaltyAccount
from ..types.redemption import LoyaltyRedemption
from .customer import raise_refusal, require_signed_in_customer

# GraphQL's Int is 32-bit; no balance comes near this, so a larger ask is a mistake.
MAX_POINTS = 100_000_000


class LoyaltyRedeemPoints(BaseMutation):
    redemption = graphene.Field(LoyaltyRedemption, description="The points held and the code attached.")
    account = graphene.Field(LoyaltyAccount, description="The caller's account after the hold.")

    class Arguments:
        checkout_id = graphene.ID(required=True, description="The caller's checkout (`Checkout:<token>`).")
        points = graphene.Int(
            required=True,
            description=(
                "Points to redeem: at least the program's minimum, at most what `loyaltyQuote` says "
                "(a share of the goods, the balance, a company member's monthly limit). Replaces an "
                "earlier redemption on the same checkout."
            ),
        )

    class Meta:
        description = "Hold points and attach a discount worth them to the caller's checkout. Signed-in customers only."
        error_type_class = LoyaltyRedemptionError

    @classmethod
    def perform_mutation(cls, _root: Any, info: Any, /, *, checkout_id: str, points: int) -> LoyaltyRedeemPoints:
        user_id = require_signed_in_customer(info)
        token = from_global_id_or_error(checkout_id, "Checkout", field="checkout_id")
        if points <= 0:
            raise InvalidInput("Redeem at least one point.", field="points")
        if points > MAX_POINTS:
            raise InvalidInput(f"Redeem at most {MAX_POINTS:,} points at once.", field="points")
        require_checkout_owner(info, token, staff_may=False)
        now = info.context.request_time
        # A company member's monthly limit first: it locks the member's row, so two checkouts
        # of one member are counted one after the other (same transaction as the hold).
        company_limits.check_member_redemption(user_id, points, checkout_token=token, now=now)
        try:
            held = redemption.redeem_points(token, user_id=user_id, points=points, config=get_program_config(info), now=now)
        except RedemptionRefused as exc:
            raise_refusal(exc)
        return cls(redemption=held, account=CustomerAccount.fetch(user_id))
