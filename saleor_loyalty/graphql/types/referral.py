"""``LoyaltyReferral``: the caller's referral code, share link and results."""

from __future__ import annotations

from typing import Any

import graphene

from ...services.referrals.summary import ReferralSummary
from ..core.ids import to_global_id


class LoyaltyReferral(graphene.ObjectType):
    customer_id = graphene.ID(required=True, description="The referrer (`User:<pk>`).")
    code = graphene.String(description="The code to share; null until `loyaltyReferralCodeCreate` makes it.")
    link = graphene.String(
        description="The link to share (the shop's referral page with `ref=<code>`), or the code itself."
    )
    referred_count = graphene.Int(required=True, description="Customers who signed up with the code.")
    rewarded_count = graphene.Int(required=True, description="Referrals whose first order paid a reward.")
    reward_points = graphene.Int(required=True, description="Points those rewards gave.")

    class Meta:
        description = "The caller's referral code and how their referrals went."

    @staticmethod
    def resolve_customer_id(root: ReferralSummary, _info: Any) -> str:
        return to_global_id("User", root.user_id)

    @staticmethod
    def resolve_referred_count(root: ReferralSummary, _info: Any) -> int:
        return root.referred

    @staticmethod
    def resolve_rewarded_count(root: ReferralSummary, _info: Any) -> int:
        return root.rewarded


class LoyaltyReferralDiscount(graphene.ObjectType):
    checkout_id = graphene.ID(required=True, description="`Checkout:<token>`.")
    code = graphene.String(required=True, description="The referral code the referee signed up with, now the checkout's voucher.")
    amount = graphene.Decimal(required=True, description="The discount on this checkout's goods, in `currency`.")
    currency = graphene.String(required=True)

    class Meta:
        description = "The referee's first-order discount, attached to their checkout."
