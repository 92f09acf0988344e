"""Referrals: codes to share, sign-ups attributed to them, the referee's first-order discount,
the referrer's reward and its reversal (``program``), and what a customer sees (``summary``).
This file only re-exports them.
"""

from .program import (
    ReferralCodeInfo,
    ReferralInfo,
    apply_referral_discount,
    attribute_signup,
    check_referral_discount,
    create_referral_code,
    is_referral_code,
    reverse_referral_reward,
    reward_referrer_for_order,
)
from .summary import (
    ReferralSummary,
    get_referral_summary,
    share_link,
)

__all__ = [
    "ReferralCodeInfo",
    "ReferralInfo",
    "ReferralSummary",
    "apply_referral_discount",
    "attribute_signup",
    "check_referral_discount",
    "create_referral_code",
    "get_referral_summary",
    "is_referral_code",
    "reverse_referral_reward",
    "reward_referrer_for_order",
    "share_link",
]
