"""Next-purchase discounts: issued by a paid order, spent on the customer's next checkout."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.exceptions import Refused
from saleor_loyalty.models import CodeStatus, DiscountCode
from saleor_loyalty.services import next_purchase, orders, quotes, rules

from .fakes import FakeShop
from .helpers import make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def earned_code(shop: FakeShop, shopper: Any, config: ProgramConfig, now: datetime) -> str:
    rules.create_next_purchase_rule(
        {"name": "Come back", "min_amount": "50", "currency": "EUR", "discount_kind": "percent", "discount_value": "10", "valid_days": 14}
    )
    orders.record_order(make_order("o1", shopper, placed_at=now, goods="80"))
    code = orders.credit_order("o1", config=config, now=now).next_purchase_code
    assert code is not None
    shop.add_variant(1, "84.95")
    shop.add_checkout("tok", [(1, 1)], user=shopper)
    return code


def test_code_is_listed_applied_and_checked(shop: FakeShop, shopper: Any, earned_code: str, config: ProgramConfig, now: datetime):
    # when
    listed = next_purchase.get_next_purchase_codes(shopper.pk, now=now)
    applied = next_purchase.apply_next_purchase_discount("tok", earned_code.lower(), user_id=shopper.pk, config=config, now=now)

    # then
    assert [row.code for row in listed] == [earned_code]
    assert (applied.amount, applied.valid_until) == (Decimal("8.50"), now + timedelta(days=14))
    assert shop.checkouts["tok"].voucher == (earned_code, Decimal("8.50"))
    assert next_purchase.check_next_purchase_discount(quotes.fetch_checkout("tok"), user_id=shopper.pk, now=now).allowed


def test_someone_elses_or_expired_code_is_refused(
    shop: FakeShop, shopper: Any, other_customer: Any, earned_code: str, config: ProgramConfig, now: datetime
):
    shop.add_customer(other_customer)
    shop.add_checkout("theirs", [(1, 1)], user=other_customer)
    with pytest.raises(Refused) as exc:
        next_purchase.apply_next_purchase_discount("theirs", earned_code, user_id=other_customer.pk, config=config, now=now)
    assert exc.value.reason == "not_owner"
    later = now + timedelta(days=15)
    with pytest.raises(Refused) as exc2:
        next_purchase.apply_next_purchase_discount("tok", earned_code, user_id=shopper.pk, config=config, now=later)
    assert exc2.value.reason == "expired"
    shop.checkouts["theirs"].voucher = (earned_code, Decimal("8.50"))
    check = next_purchase.check_next_purchase_discount(quotes.fetch_checkout("theirs"), user_id=other_customer.pk, now=now)
    assert (check.allowed, check.reason) == (False, "not_owner")


def test_the_order_that_uses_the_code_spends_it(shop: FakeShop, shopper: Any, earned_code: str, config: ProgramConfig, now: datetime):
    next_purchase.apply_next_purchase_discount("tok", earned_code, user_id=shopper.pk, config=config, now=now)
    orders.record_order(make_order("o2", shopper, placed_at=now, goods="76.45", voucher_code=earned_code))
    assert DiscountCode.objects.get(code=earned_code).status == CodeStatus.USED
    check = next_purchase.check_next_purchase_discount(quotes.fetch_checkout("tok"), user_id=shopper.pk, now=now)
    assert (check.allowed, check.reason) == (False, "already_used")
