"""loyaltyNextPurchaseDiscounts and loyaltyNextPurchaseDiscountApply: a customer sees the codes their
orders earned and uses one on their own checkout; anyone else's use is refused and changes nothing."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.models import CodeStatus, DiscountCode
from saleor_loyalty.services import orders, rules
from tests.services.fakes import FakeShop
from tests.services.helpers import make_order

from .client import ApiClient, error_codes, get_graphql_content, get_graphql_errors

pytestmark = pytest.mark.django_db

LIST_QUERY = """
query ($customerId: ID) {
  loyaltyNextPurchaseDiscounts(customerId: $customerId) {
    code discountKind discountValue currency validUntil sourceOrderId
  }
}
"""

APPLY_MUTATION = """
mutation ($checkoutId: ID!, $code: String!) {
  loyaltyNextPurchaseDiscountApply(checkoutId: $checkoutId, code: $code) {
    discount { checkoutId code amount currency validUntil }
    errors { field code message }
  }
}
"""

TOKEN = str(uuid.UUID(int=11))
CHECKOUT_ID = to_global_id("Checkout", TOKEN)


@pytest.fixture
def earned_code(shop: FakeShop, shopper: Any) -> str:
    """The shopper's paid order of 80.00 earned 10 % off the next one (14 days); a checkout of 84.95."""
    rules.create_next_purchase_rule(
        {"name": "Come back", "min_amount": "50", "currency": "EUR", "discount_kind": "percent",
         "discount_value": "10", "valid_days": 14}
    )
    now = timezone.now()
    orders.record_order(make_order("o1", shopper, placed_at=now, goods="80"))
    code = orders.credit_order("o1", config=ProgramConfig(), now=now).next_purchase_code
    assert code is not None
    shop.add_variant(1, "84.95")
    shop.add_checkout(TOKEN, [(1, 1)], user=shopper)
    return code


def apply(client: ApiClient, code: str, checkout_id: str = CHECKOUT_ID) -> dict[str, Any]:
    response = client.post_graphql(APPLY_MUTATION, {"checkoutId": checkout_id, "code": code})
    return get_graphql_content(response)["data"]["loyaltyNextPurchaseDiscountApply"]  # type: ignore[no-any-return]


def test_customer_lists_their_code_and_applies_it(shopper: Any, earned_code: str, shop: FakeShop) -> None:
    client = ApiClient(shopper)

    [listed] = get_graphql_content(client.post_graphql(LIST_QUERY))["data"]["loyaltyNextPurchaseDiscounts"]
    result = apply(client, earned_code.lower())

    assert (listed["code"], listed["discountKind"], listed["discountValue"], listed["sourceOrderId"]) == (
        earned_code, "percent", "10", to_global_id("Order", "o1"),
    )
    assert result["errors"] == []
    # 10 % of 84.95 = 8.495, rounded once to 8.50.
    assert (result["discount"]["code"], result["discount"]["amount"], result["discount"]["currency"]) == (
        earned_code, "8.50", "EUR",
    )
    assert result["discount"]["validUntil"] == listed["validUntil"]
    assert shop.checkouts[TOKEN].voucher == (earned_code, Decimal("8.50"))


def test_staff_list_a_customers_codes_and_a_customer_cannot_list_anothers(
    shopper: Any, other_customer: Any, staff_user: Any, earned_code: str
) -> None:
    customer_id = to_global_id("User", shopper.pk)

    as_staff = get_graphql_content(ApiClient(staff_user).post_graphql(LIST_QUERY, {"customerId": customer_id}))
    refused = get_graphql_errors(ApiClient(other_customer).post_graphql(LIST_QUERY, {"customerId": customer_id}))

    assert [row["code"] for row in as_staff["data"]["loyaltyNextPurchaseDiscounts"]] == [earned_code]
    assert error_codes(refused) == ["PermissionDenied"]


def test_another_customers_code_is_refused_on_their_own_checkout(
    shop: FakeShop, shopper: Any, other_customer: Any, earned_code: str
) -> None:
    shop.add_customer(other_customer)
    theirs = str(uuid.UUID(int=12))
    shop.add_checkout(theirs, [(1, 1)], user=other_customer)

    result = apply(ApiClient(other_customer), earned_code, to_global_id("Checkout", theirs))

    assert result["discount"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("code", "NOT_OWNER")]
    assert shop.checkouts[theirs].voucher is None
    assert DiscountCode.objects.get(code=earned_code).checkout_token == ""


def test_a_code_cannot_be_put_on_someone_elses_checkout(
    shop: FakeShop, shopper: Any, other_customer: Any, earned_code: str
) -> None:
    errors = get_graphql_errors(ApiClient(other_customer).post_graphql(
        APPLY_MUTATION, {"checkoutId": CHECKOUT_ID, "code": earned_code}
    ))

    assert error_codes(errors) == ["PermissionDenied"]
    assert shop.checkouts[TOKEN].voucher is None


@pytest.mark.parametrize(
    ("code", "checkout_id", "expected"),
    [
        ("NOPE-123", CHECKOUT_ID, [("code", "NOT_FOUND")]),
        ("   ", CHECKOUT_ID, [("code", "INVALID")]),
        ("X" * 65, CHECKOUT_ID, [("code", "INVALID")]),
        ("ANY", to_global_id("Checkout", str(uuid.UUID(int=99))), [("checkoutId", "CHECKOUT_NOT_FOUND")]),
        ("ANY", "not-an-id", [("checkoutId", "GRAPHQL_ERROR")]),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    shop: FakeShop, shopper: Any, earned_code: str, code: str, checkout_id: str, expected: list[tuple[str, str]]
) -> None:
    result = apply(ApiClient(shopper), code, checkout_id)

    assert [(e["field"], e["code"]) for e in result["errors"]] == expected
    assert shop.checkouts[TOKEN].voucher is None
    assert DiscountCode.objects.get(code=earned_code).checkout_token == ""


def test_a_used_code_is_refused(shop: FakeShop, shopper: Any, earned_code: str) -> None:
    orders.record_order(make_order("o2", shopper, placed_at=timezone.now(), goods="76.45", voucher_code=earned_code))

    result = apply(ApiClient(shopper), earned_code)

    assert [(e["field"], e["code"]) for e in result["errors"]] == [("code", "ALREADY_USED")]
    assert DiscountCode.objects.get(code=earned_code).status == CodeStatus.USED
    assert shop.checkouts[TOKEN].voucher is None


def test_anonymous_callers_are_refused(earned_code: str) -> None:
    errors = get_graphql_errors(ApiClient().post_graphql(APPLY_MUTATION, {"checkoutId": CHECKOUT_ID, "code": earned_code}))
    listed = get_graphql_errors(ApiClient().post_graphql(LIST_QUERY))

    assert error_codes(errors) == error_codes(listed) == ["PermissionDenied"]
