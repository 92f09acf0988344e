"""``loyaltyReferral``: the signed-in customer's referral code, link and results."""

from __future__ import annotations

from typing import Any

import graphene

from ...services.referrals.summary import ReferralSummary, get_referral_summary
from ..core.context import require_customer_access
from ..types.referral import LoyaltyReferral
from ..core.context import get_program_config


class ReferralQueries(graphene.ObjectType):
    loyalty_referral = graphene.Field(
        LoyaltyReferral,
        required=True,
        description="The caller's referral code, share link, referred and rewarded counts. Signed-in customers only.",
    )

    @staticmethod
    def resolve_loyalty_referral(_root: Any, info: Any) -> ReferralSummary:
        user_id = require_customer_access(info, None)
        return get_referral_summary(user_id, config=get_program_config(info))
