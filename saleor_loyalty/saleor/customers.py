"""Customer events -> services: sign-up bonus, referral attribution and the shop's birthday."""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING

from ..config import ProgramConfig

if TYPE_CHECKING:
    from saleor.account.models import User

logger = logging.getLogger(__name__)

# accountRegister(input: {metadata: [{key: "loyalty.referral_code", value: "<code>"}]})
REFERRAL_CODE_KEY = "loyalty.referral_code"
# A birthday the shop keeps (an import, a CRM app): the user's PRIVATE metadata, which only staff
# and apps can write - public metadata is the shopper's own and would let them move it at will.
BIRTHDAY_KEY = "loyalty.birthday"


def get_shop_birthday(customer: User) -> date | None:
    """The birthday in the user's private metadata (``loyalty.birthday``, YYYY-MM-DD); None when
    absent or not a date (logged)."""
    raw = (customer.get_value_from_private_metadata(BIRTHDAY_KEY) or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        logger.warning("Customer %s: private metadata %s=%r is not a date (YYYY-MM-DD)", customer.pk, BIRTHDAY_KEY, raw)
        return None


def handle_customer_changed(customer: User) -> None:
    """Take the birthday the shop keeps for the customer when the program has none yet."""
    from ..exceptions import InvalidInput
    from ..services import birthdays

    birthday = get_shop_birthday(customer)
    if birthday is None:
        return
    try:
        birthdays.import_shop_birthday(customer.pk, birthday)
    except InvalidInput as exc:
        logger.warning("Customer %s: birthday %s not taken: %s", customer.pk, birthday, exc.message)


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
    handle_customer_changed(customer)
