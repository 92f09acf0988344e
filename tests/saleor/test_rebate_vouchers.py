"""A volume rebate paid as a code, inside Saleor: closing the period issues a real Saleor voucher;
a member of the company spends it through Saleor's own promo-code API; anyone else is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from saleor_loyalty.models import RebateStatement, RebateStatus
from saleor_loyalty.services.b2b import companies, rebate_codes, rebates
from saleor_loyalty.services.b2b.rebate_periods import get_period_end, get_period_start
from saleor_loyalty.services.b2b.rebates import Band

from .storefront import add_promo_code, amount, complete, create_checkout, get_checkout, pay, pay_and_complete, set_delivery


@pytest.fixture
def rebate_code(loyalty_plugin, user_api_client, customer_user, product, shipping_method, channel_USD):
    """Acme (the customer is its admin) spends 20.00 USD this month; 10 % back as a code: 2.00 USD."""
    company = companies.create_company("Acme Supplies")
    companies.add_member(company.company_id, customer_user.pk, by=companies.Actor.staff(), role="admin")
    program = rebates.create_rebate_program(
        name="Voucher rebate", period="month", currency="USD", bands=[Band(Decimal("10"), Decimal("10"))],
        starts_on=get_period_start("month", datetime.now(UTC).date()), payout="code",
    )
    checkout_id = create_checkout(user_api_client, [(product.variants.first(), 2)], email=customer_user.email)
    set_delivery(user_api_client, checkout_id)
    pay_and_complete(user_api_client, checkout_id)
    after = datetime.combine(get_period_end("month", program.starts_on), datetime.min.time(), UTC)
    rebates.close_rebate_period(program.pk, program.starts_on, now=after + timedelta(hours=1))

    assert rebate_codes.issue_rebate_codes() == rebate_codes.IssueResult(1, 0)
    return RebateStatement.objects.get(program=program)


def test_the_voucher_exists_once_with_the_rebate_amount(rebate_code, channel_USD):
    from saleor.discount.models import VoucherChannelListing, VoucherCode

    assert rebate_code.status == RebateStatus.CODE_ISSUED and rebate_code.rebate_amount == Decimal("2.000")
    assert rebate_codes.issue_rebate_codes() == rebate_codes.IssueResult(0, 0)
    voucher_code = VoucherCode.objects.select_related("voucher").get(code=rebate_code.code)
    voucher = voucher_code.voucher
    assert (voucher.usage_limit, voucher.single_use) == (1, True)
    listing = VoucherChannelListing.objects.get(voucher=voucher, channel=channel_USD)
    assert (listing.discount_value, listing.currency) == (Decimal("2.000"), "USD")


def test_a_member_spends_the_code_through_saleors_api(rebate_code, user_api_client, customer_user, product):
    checkout_id = create_checkout(user_api_client, [(product.variants.first(), 3)], email=customer_user.email)
    set_delivery(user_api_client, checkout_id)
    add_promo_code(user_api_client, checkout_id, rebate_code.code)
    assert amount(get_checkout(user_api_client, checkout_id)["totalPrice"]) == Decimal("38.00")  # 30 + 10 - 2

    order = pay_and_complete(user_api_client, checkout_id)

    assert amount(order["total"]) == Decimal("38.00")


def test_someone_outside_the_company_is_refused(rebate_code, user2_api_client, customer_user2, product):
    checkout_id = create_checkout(user2_api_client, [(product.variants.first(), 3)], email=customer_user2.email)
    set_delivery(user2_api_client, checkout_id)
    add_promo_code(user2_api_client, checkout_id, rebate_code.code)

    pay(user2_api_client, checkout_id)
    result = complete(user2_api_client, checkout_id)

    assert result["order"] is None
    assert result["errors"][0]["field"] == "voucherCode"
    assert "not a member" in result["errors"][0]["message"]
