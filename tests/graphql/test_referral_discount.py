"""loyaltyReferralDiscountApply: a referee takes their first-order discount on their own checkout,
under the referral code they signed up with; every refusal attaches nothing."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.services import referrals, rules
from tests.services.fakes import FakeShop

from .client import ApiClient, error_codes, get_graphql_content, get_graphql_errors, run_as

pytestmark = pytest.mark.django_db

APPLY = """
mutation ($checkoutId: ID!) {
  loyaltyReferralDiscountApply(checkoutId: $checkoutId) {
    discount { checkoutId code amount currency }
    errors { field code message }
  }
}
"""

TOKEN = str(uuid.UUID(int=21))
CHECKOUT_ID = to_global_id("Checkout", TOKEN)


@pytest.fixture
def referral_code(shop: FakeShop, create_user: Any) -> str:
    """10 % off a first order from 50.00 EUR; Ann's code."""
    rules.create_referral_program(
        {"discount_kind": "percent", "discount_value": "10", "referrer_points": 500, "currency": "EUR",
         "referee_min_spend": "50", "qualifying_min_amount": "30"}
    )
    ann = create_user(email="ann@example.com")
    shop.add_customer(ann)
    return referrals.create_referral_code(ann.pk).code


@pytest.fixture
def referee(shop: FakeShop, create_user: Any, referral_code: str) -> Any:
    """Bob signed up with Ann's code; his checkout is 84.95 EUR."""
    bob = create_user(email="bob@example.com")
    shop.add_customer(bob)
    referrals.attribute_signup(bob.pk, referral_code, config=ProgramConfig(), now=timezone.now())
    shop.add_variant(1, "84.95")
    shop.add_checkout(TOKEN, [(1, 1)], user=bob)
    return bob


def apply(user: Any, checkout_id: str = CHECKOUT_ID) -> dict[str, Any]:
    response = ApiClient(user).post_graphql(APPLY, {"checkoutId": checkout_id})
    return get_graphql_content(response)["data"]["loyaltyReferralDiscountApply"]  # type: ignore[no-any-return]


def test_referee_gets_the_discount_under_the_referral_code(referee: Any, referral_code: str, shop: FakeShop) -> None:
    result = apply(referee)

    assert result["errors"] == []
    # 10 % of 84.95 = 8.495, half up once: 8.50
    assert result["discount"] == {"checkoutId": CHECKOUT_ID, "code": referral_code, "amount": "8.50", "currency": "EUR"}
    assert shop.checkouts[TOKEN].voucher == (referral_code, Decimal("8.50"))


def test_a_customer_nobody_referred_is_refused(shop: FakeShop, shopper: Any, referral_code: str) -> None:
    shop.add_variant(1, "84.95")
    shop.add_checkout(TOKEN, [(1, 1)], user=shopper)

    result = apply(shopper)

    assert (result["discount"], [(e["field"], e["code"]) for e in result["errors"]]) == (None, [(None, "NO_REFERRAL")])
    assert shop.checkouts[TOKEN].voucher is None


def test_a_checkout_below_the_minimum_spend_is_refused(shop: FakeShop, referee: Any) -> None:
    small = str(uuid.UUID(int=22))
    shop.add_variant(2, "20.00")
    shop.add_checkout(small, [(2, 1)], user=referee)

    result = apply(referee, to_global_id("Checkout", small))

    assert [e["code"] for e in result["errors"]] == ["NOT_APPLICABLE"]
    assert shop.checkouts[small].voucher is None


def test_not_a_first_order_is_refused(shop: FakeShop, referee: Any) -> None:
    shop.add_customer(referee, orders_count=1)

    result = apply(referee)

    assert [e["code"] for e in result["errors"]] == ["NOT_FIRST_ORDER"]
    assert shop.checkouts[TOKEN].voucher is None


def test_someone_elses_checkout_and_anonymous_callers_are_refused(
    shop: FakeShop, referee: Any, other_customer: Any
) -> None:
    as_other = get_graphql_errors(ApiClient(other_customer).post_graphql(APPLY, {"checkoutId": CHECKOUT_ID}))
    anonymous = get_graphql_errors(ApiClient().post_graphql(APPLY, {"checkoutId": CHECKOUT_ID}))

    assert error_codes(as_other) == error_codes(anonymous) == ["PermissionDenied"]
    assert shop.checkouts[TOKEN].voucher is None


def test_switched_off_referrals_are_refused(shop: FakeShop, referee: Any) -> None:
    status, content = run_as(referee, APPLY, {"checkoutId": CHECKOUT_ID}, config=ProgramConfig(referrals_enabled=False))

    assert status == 200, content
    assert [e["code"] for e in content["data"]["loyaltyReferralDiscountApply"]["errors"]] == ["REFERRALS_OFF"]
    assert shop.checkouts[TOKEN].voucher is None
