"""``loyaltyReferralCodeCreate``: the caller's referral code, made on first call (idempotent)."""

from __future__ import annotations

from typing import Any

import graphene

from ...exceptions import Refused
from ...services import referrals
from ...services.referrals.summary import get_referral_summary
from ..core.mutations import BaseMutation
from ..errors import LoyaltyReferralError
from ..core.context import get_program_config
from ..types.referral import LoyaltyReferral
from .customer import raise_refusal, require_signed_in_customer


class LoyaltyReferralCodeCreate(BaseMutation):
    referral = graphene.Field(LoyaltyReferral, description="The caller's code, link and results.")

    class Meta:
        description = (
            "Make the caller's referral code, or return the one they have: calling again changes nothing. "
            "Signed-in customers only."
        )
        error_type_class = LoyaltyReferralError

    @classmethod
    def perform_mutation(cls, _root: Any, info: Any, /) -> LoyaltyReferralCodeCreate:
        user_id = require_signed_in_customer(info)
        config = get_program_config(info)
        if not config.referrals_enabled:
            raise_refusal(Refused("The referral program is switched off.", reason="referrals_off"))
        referrals.create_referral_code(user_id, config=config)
        return cls(referral=get_referral_summary(user_id, config=config))
