"""``loyaltyReferralDiscountApply``: a referred customer takes their first-order discount."""

from __future__ import annotations

from typing import Any

import graphene

from ...exceptions import Refused
from ...models import Referral
from ...services import referrals
from ..core.context import get_program_config
from ..core.ids import from_global_id_or_error, to_global_id
from ..core.mutations import BaseMutation
from ..errors import LoyaltyReferralError
from ..queries.quote import require_checkout_owner
from ..types.referral import LoyaltyReferralDiscount
from .customer import raise_refusal, require_signed_in_customer


class LoyaltyReferralDiscountApply(BaseMutation):
    discount = graphene.Field(LoyaltyReferralDiscount, description="The discount attached.")

    class Arguments:
        checkout_id = graphene.ID(required=True, description="The caller's checkout (`Checkout:<token>`).")

    class Meta:
        description = (
            "Attach the referee's first-order discount to their checkout, as a voucher whose code is the "
            "referral code they signed up with (replacing another voucher). Applying again recomputes it "
            "for the checkout as it is now. Signed-in customers who signed up with a referral code only."
        )
        error_type_class = LoyaltyReferralError

    @classmethod
    def perform_mutation(cls, _root: Any, info: Any, /, *, checkout_id: str) -> LoyaltyReferralDiscountApply:
        user_id = require_signed_in_customer(info)
        token = from_global_id_or_error(checkout_id, "Checkout", field="checkout_id")
        config = get_program_config(info)
        if not config.referrals_enabled:
            raise_refusal(Refused("The referral program is switched off.", reason="referrals_off"))
        require_checkout_owner(info, token, staff_may=False)
        try:
            discount = referrals.apply_referral_discount(
                token, user_id=user_id, config=config, now=info.context.request_time
            )
        except Refused as exc:
            raise_refusal(exc)
        code = Referral.objects.filter(referee_id=user_id).values_list("code", flat=True).get()
        return cls(discount=LoyaltyReferralDiscount(
            checkout_id=to_global_id("Checkout", token), code=code, amount=discount.amount,
            currency=discount.currency,
        ))
