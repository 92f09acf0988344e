"""Read-only referral figures for the API: a referrer's code, link and how their referrals went."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, Sum

from ...config import ProgramConfig
from ...models import Referral, ReferralCode, ReferralStatus


@dataclass(frozen=True)
class ReferralSummary:
    """A referrer's code (None until they ask for one), share link and results.

    ``link`` is the program's ``referral_link_base`` with ``ref=<code>`` appended, or the plain
    code when no base URL is configured (a code can always be shared).
    """

    user_id: int
    code: str | None
    link: str | None
    referred: int
    rewarded: int
    reward_points: int


def share_link(config: ProgramConfig, code: str) -> str:
    """``https://shop.example/join?ref=REF1234`` for a base of ``https://shop.example/join``."""
    base = config.referral_link_base
    if not base:
        return code
    return f"{base}{'&' if '?' in base else '?'}ref={code}"


def get_referral_summary(user_id: int, *, config: ProgramConfig) -> ReferralSummary:
    """The customer's referral code and results in two queries; creates nothing.

    ``referred`` counts everyone who signed up with the code; ``rewarded`` those whose first
    order paid the referrer (a reward later reversed by a cancellation no longer counts), and
    ``reward_points`` the points those rewards gave.
    """
    code = ReferralCode.objects.filter(user_id=user_id).values_list("code", flat=True).first()
    rewarded = Q(status=ReferralStatus.REWARDED)
    figures = Referral.objects.filter(referrer_id=user_id).aggregate(
        referred=Count("id"),
        rewarded=Count("id", filter=rewarded),
        points=Sum("reward_points", filter=rewarded),
    )
    return ReferralSummary(
        user_id=user_id,
        code=code,
        link=None if code is None else share_link(config, code),
        referred=figures["referred"],
        rewarded=figures["rewarded"],
        reward_points=figures["points"] or 0,
    )
