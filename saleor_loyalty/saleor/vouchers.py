"""The plugin's own vouchers: fixed-amount, attached to one checkout. A points or next-purchase
code is single-use; a referral code (the referee's first-order discount) is one voucher per
referral code, usable once per customer: a percentage discount as a Saleor percentage voucher
(each referee's checkout computes its own amount), a fixed one as that fixed amount.
A volume-rebate code is issued on its own (not attached to a checkout): single use, in every
channel of its currency, for the members of one company.

Saleor's voucher knows usage limits and single use but not "owned by customer X" nor "only a
first order": ``orders.check_checkout_before_order`` checks those in
``preprocess_order_creation``. Our vouchers are recognised by their metadata key.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

VOUCHER_METADATA_KEY = "loyalty.code"
REBATE_COMPANY_METADATA_KEY = "loyalty.company"


def create_voucher(
    code: str, *, amount: Decimal, currency: str, channel: Any, name: str, once_per_customer: bool = False,
    percent: Decimal | None = None,
) -> tuple[Any, Any]:
    """A fixed voucher for ``amount`` in ``channel``, or with ``percent`` a percentage voucher that
    Saleor computes for each checkout (or the existing one for ``code``, brought up to date):
    single use, or with ``once_per_customer`` usable once by each customer (a referral code,
    shared by the referrer's referees: a percentage then cannot be overwritten by another
    referee's checkout, as a fixed amount set per checkout could)."""
    from saleor.discount import DiscountValueType, VoucherType
    from saleor.discount.models import Voucher, VoucherChannelListing, VoucherCode

    value_type = DiscountValueType.FIXED if percent is None else DiscountValueType.PERCENTAGE
    value = amount if percent is None else percent
    existing = VoucherCode.objects.select_related("voucher").filter(code=code).first()
    if existing is not None:
        voucher = existing.voucher
        if voucher.discount_value_type != value_type:  # the program switched between fixed and percent
            voucher.discount_value_type = value_type
            voucher.save(update_fields=["discount_value_type"])
        VoucherChannelListing.objects.update_or_create(
            voucher=voucher, channel=channel, defaults={"discount_value": value, "currency": currency})
        if not existing.is_active:
            existing.is_active = True
            existing.save(update_fields=["is_active"])
        return voucher, existing
    voucher = Voucher.objects.create(
        name=name, type=VoucherType.ENTIRE_ORDER, discount_value_type=value_type,
        usage_limit=None if once_per_customer else 1, single_use=not once_per_customer,
        apply_once_per_customer=once_per_customer, metadata={VOUCHER_METADATA_KEY: code},
    )
    voucher_code = VoucherCode.objects.create(voucher=voucher, code=code)
    VoucherChannelListing.objects.create(voucher=voucher, channel=channel, discount_value=value, currency=currency)
    return voucher, voucher_code


def load_checkout(checkout: Any) -> tuple[Any, list[Any], Any]:
    """Saleor's full checkout info, lines and a plugins manager: what ``add_voucher_to_checkout``
    and ``invalidate_checkout`` take. Only the voucher paths load this much (the checkout sync
    reads one narrow query, ``checkout_reader``)."""
    from saleor.checkout.fetch import fetch_checkout_info, fetch_checkout_lines
    from saleor.plugins.manager import get_plugins_manager

    manager = get_plugins_manager(allow_replica=False)
    lines, _ = fetch_checkout_lines(checkout)
    return fetch_checkout_info(checkout, lines, manager), lines, manager


def attach_voucher(
    token: str, *, code: str, amount: Decimal, currency: str, name: str = "Loyalty discount",
    percent: Decimal | None = None,
) -> None:
    """Create (or refresh) the voucher for ``code`` and attach it to the checkout; ``percent``
    only for a shared referral code (each checkout then gets its own percentage)."""
    from saleor.checkout.models import Checkout
    from saleor.checkout.utils import add_voucher_to_checkout, invalidate_checkout

    from ..services.referrals import is_referral_code

    checkout = Checkout.objects.select_related("channel").get(token=token)
    shared = is_referral_code(code)
    voucher, voucher_code = create_voucher(
        code, amount=amount, currency=currency, channel=checkout.channel,
        name="Referral discount" if shared else name, once_per_customer=shared,
        percent=percent if shared else None,
    )
    checkout_info, lines, manager = load_checkout(checkout)
    add_voucher_to_checkout(manager, checkout_info, lines, voucher, voucher_code)
    invalidate_checkout(checkout_info, lines, manager, save=True)


def detach_voucher(token: str, code: str) -> None:
    """Remove ``code`` from the checkout when attached, and switch the code off."""
    from saleor.checkout.models import Checkout
    from saleor.checkout.utils import invalidate_checkout, remove_voucher_from_checkout
    from saleor.discount.models import VoucherCode

    checkout = Checkout.objects.filter(token=token).first()
    if checkout is not None and checkout.voucher_code == code:
        remove_voucher_from_checkout(checkout)
        checkout_info, lines, manager = load_checkout(checkout)
        invalidate_checkout(checkout_info, lines, manager, save=True)
    from ..services.referrals import is_referral_code

    if not is_referral_code(code):  # a referral code's voucher stays on for the code's other referees
        VoucherCode.objects.filter(code=code, voucher__metadata__has_key=VOUCHER_METADATA_KEY).update(is_active=False)


def issue_rebate_voucher(code: str, *, amount: Decimal, currency: str, name: str, company_id: int) -> None:
    """A single-use fixed voucher ``code`` worth ``amount`` in each channel selling in ``currency``,
    marked with its company (``loyalty.company``) for the pre-order member check. Idempotent:
    an existing code is left as it is."""
    from django.db import transaction
    from saleor.channel.models import Channel
    from saleor.discount import DiscountValueType, VoucherType
    from saleor.discount.models import Voucher, VoucherChannelListing, VoucherCode

    if VoucherCode.objects.filter(code=code).exists():
        return
    channels = list(Channel.objects.filter(currency_code=currency))
    if not channels:
        raise ValueError(f"no channel sells in {currency}: cannot issue rebate voucher {code}")
    with transaction.atomic():
        voucher = Voucher.objects.create(
            name=name, type=VoucherType.ENTIRE_ORDER, discount_value_type=DiscountValueType.FIXED,
            usage_limit=1, single_use=True,
            metadata={VOUCHER_METADATA_KEY: code, REBATE_COMPANY_METADATA_KEY: str(company_id)},
        )
        VoucherCode.objects.create(voucher=voucher, code=code)
        VoucherChannelListing.objects.bulk_create([
            VoucherChannelListing(voucher=voucher, channel=channel, discount_value=amount, currency=currency)
            for channel in channels
        ])
