"""``loyaltyNextPurchaseDiscountApply``: the checkout's owner uses a code an earlier order earned."""

from __future__ import annotations

from typing import Any

import graphene

from ...exceptions import InvalidInput, Refused
from ...services import next_purchase
from ..core.context import get_program_config
from ..core.ids import from_global_id_or_error, to_global_id
from ..core.mutations import BaseMutation
from ..errors import LoyaltyNextPurchaseError
from ..queries.quote import require_checkout_owner
from ..types.next_purchase import LoyaltyNextPurchaseDiscountApplied
from .customer import raise_refusal, require_signed_in_customer

MAX_CODE_LENGTH = 64  # DiscountCode.code's column


class LoyaltyNextPurchaseDiscountApply(BaseMutation):
    discount = graphene.Field(LoyaltyNextPurchaseDiscountApplied, description="The code attached and what it takes off.")

    class Arguments:
        checkout_id = graphene.ID(required=True, description="The caller's checkout (`Checkout:<token>`).")
        code = graphene.String(required=True, description="A code from `loyaltyNextPurchaseDiscounts` (any case).")

    class Meta:
        description = (
            "Attach one of the caller's next-purchase codes to their checkout, replacing its voucher. "
            "The order placed from it uses the code up. Signed-in customers only."
        )
        error_type_class = LoyaltyNextPurchaseError

    @classmethod
    def perform_mutation(
        cls, _root: Any, info: Any, /, *, checkout_id: str, code: str
    ) -> LoyaltyNextPurchaseDiscountApply:
        user_id = require_signed_in_customer(info)
        token = from_global_id_or_error(checkout_id, "Checkout", field="checkout_id")
        if not code.strip() or len(code) > MAX_CODE_LENGTH:
            raise InvalidInput(f"Give a code of 1 to {MAX_CODE_LENGTH} characters.", field="code")
        require_checkout_owner(info, token, staff_may=False)
        try:
            applied = next_purchase.apply_next_purchase_discount(
                token, code, user_id=user_id, config=get_program_config(info), now=info.context.request_time
            )
        except Refused as exc:
            raise_refusal(exc)
        return cls(discount=LoyaltyNextPurchaseDiscountApplied(
            checkout_id=to_global_id("Checkout", token), code=applied.code, amount=applied.amount,
            currency=applied.currency, valid_until=applied.valid_until,
        ))
