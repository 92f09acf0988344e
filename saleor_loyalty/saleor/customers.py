"""Customer events -> services: sign-up bonus and referral attribution."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..config import ProgramConfig

if TYPE_CHECKING:
    from saleor.account.models import User

logger = logging.getLogger(__name__)

# accountRegister(input: {metadata: [{key: "loyalty.referral_code", value: "<code>"}]})
REFERRAL_CODE_KEY = "loyalty.referral_code"


def handle_customer_created(customer: User, config: ProgramConfig) -> None:
    """Attribute the referral code given at sign-up (which also credits the sign-up bonus);
    without one, or when the referral is refused, credit the sign-up bonus alone."""
    from ..exceptions import ReferralRefused
    from ..services import customers, referrals

    code = (customer.get_value_from_metadata(REFERRAL_CODE_KEY) or "").strip()
    if code and config.referrals_enabled:
        try:
            referrals.attribute_signup(customer.pk, code, config=config)
            return
        except ReferralRefused as refused:
            logger.info("Referral code %s refused for customer %s: %s", code, customer.pk, refused.message)
    customers.award_signup_bonus(customer.pk, config=config)
