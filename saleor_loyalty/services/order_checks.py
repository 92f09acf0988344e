"""The pre-order check: may this checkout become an order, as far as the program is concerned?

One service for every door: the plugin's ``preprocess_order_creation`` and the demo's
``place_order`` both call ``check_order`` with the checkout as a value, so the four checks are
written once and run in one order.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from ..config import ProgramConfig
from ..shop import CheckoutView
from . import next_purchase, redemption, referrals
from .b2b import rebate_codes
from .codes import OrderCheck


def check_order(checkout: CheckoutView, *, config: ProgramConfig, now: datetime | None = None) -> OrderCheck:
    """The first refusal among the program's checks of the checkout's discount code, or ok.

    A checkout without a code is allowed at once (no query). With one: our points discount must
    be the buyer's with its points still held; a referral code the buyer's own, on their first
    order, within what the checkout earns; a next-purchase code the buyer's, unused and
    unexpired; a rebate code a member's of the company it was issued to.
    """
    if not checkout.voucher_code:
        return OrderCheck.ok()
    now = now or timezone.now()
    user_id = checkout.user_id
    checks = (
        lambda: redemption.check_redemption_for_order(checkout, user_id=user_id),
        lambda: referrals.check_referral_discount(checkout, user_id=user_id, config=config, now=now),
        lambda: next_purchase.check_next_purchase_discount(checkout, user_id=user_id, now=now),
        lambda: rebate_codes.check_rebate_code(checkout.voucher_code, user_id=user_id),
    )
    for run in checks:
        check = run()
        if not check.allowed:
            return check
    return OrderCheck.ok()
