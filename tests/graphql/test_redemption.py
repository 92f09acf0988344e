"""loyaltyRedeemPoints and loyaltyRedemptionCancel: only the checkout's owner, within the program's
minimum and maximum and a company member's monthly limit; a refusal changes nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.models import CompanyMember, DiscountCode
from saleor_loyalty.services import points
from tests.services.fakes import FakeShop

from .client import ApiClient, error_codes, get_graphql_content, get_graphql_errors

pytestmark = pytest.mark.django_db

REDEEM_MUTATION = """
mutation ($checkoutId: ID!, $points: Int!) {
  loyaltyRedeemPoints(checkoutId: $checkoutId, points: $points) {
    redemption { checkoutId code points amount currency status }
    account { available held }
    errors { field code message }
  }
}
"""

CANCEL_MUTATION = """
mutation ($checkoutId: ID!) {
  loyaltyRedemptionCancel(checkoutId: $checkoutId) {
    redemption { code points status }
    account { available held }
    errors { field code message }
  }
}
"""

TOKEN = str(uuid.UUID(int=7))
CHECKOUT_ID = to_global_id("Checkout", TOKEN)


@pytest.fixture
def checkout(shop: FakeShop, shopper: Any, staff_user: Any) -> Any:
    """The shopper has 3,000 points and a checkout of 120.00 (at most 60.00 = 6,000 points by share)."""
    points.adjust_points(points.Owner.customer(shopper.pk), 3000, reason="welcome", staff_user_id=staff_user.pk)
    shop.add_variant(1, "10.00")
    return shop.add_checkout(TOKEN, [(1, 12)], user=shopper)


def redeem(client: ApiClient, amount: int, checkout_id: str = CHECKOUT_ID) -> dict[str, Any]:
    content = get_graphql_content(client.post_graphql(REDEEM_MUTATION, {"checkoutId": checkout_id, "points": amount}))
    return content["data"]["loyaltyRedeemPoints"]  # type: ignore[no-any-return]


def balance(user: Any) -> tuple[int, int]:
    current = points.get_balance(points.Owner.customer(user.pk))
    return current.available, current.held


def test_owner_redeems_and_a_second_redemption_replaces_the_first(shopper: Any, checkout: Any, shop: FakeShop) -> None:
    client = ApiClient(shopper)

    first = redeem(client, 2000)

    assert first["errors"] == []
    redemption = first["redemption"]
    assert (redemption["checkoutId"], redemption["points"], redemption["amount"], redemption["currency"], redemption["status"]) == (
        CHECKOUT_ID, 2000, "20.00", "EUR", "active",
    )
    assert first["account"] == {"available": 1000, "held": 2000}
    assert checkout.voucher is not None and checkout.voucher[0] == redemption["code"]

    second = redeem(client, 500)

    assert second["account"] == {"available": 2500, "held": 500}
    assert checkout.voucher is not None and checkout.voucher[0] == second["redemption"]["code"] != redemption["code"]


@pytest.mark.parametrize(
    ("amount", "code"),
    [(0, "INVALID"), (-100, "INVALID"), (50, "BELOW_MINIMUM"), (3001, "ABOVE_MAXIMUM"), (2**31 - 1, "INVALID")],
)
def test_refused_amounts_change_nothing(shopper: Any, checkout: Any, amount: int, code: str) -> None:
    result = redeem(ApiClient(shopper), amount)

    assert result["redemption"] is None
    assert [(error["field"], error["code"]) for error in result["errors"]] == [("points", code)]
    assert balance(shopper) == (3000, 0)
    assert checkout.voucher is None and not DiscountCode.objects.exists()


def test_only_the_owner_may_redeem_on_a_checkout(
    shopper: Any, checkout: Any, other_customer: Any, staff_api_client: ApiClient
) -> None:
    for client in (ApiClient(other_customer), ApiClient(), staff_api_client):
        errors = get_graphql_errors(client.post_graphql(REDEEM_MUTATION, {"checkoutId": CHECKOUT_ID, "points": 500}))
        assert error_codes(errors) == ["PermissionDenied"]
    assert balance(shopper) == (3000, 0) and checkout.voucher is None


@pytest.mark.parametrize(
    ("checkout_id", "field", "code"),
    [
        (to_global_id("Checkout", str(uuid.UUID(int=404))), "checkoutId", "CHECKOUT_NOT_FOUND"),
        (to_global_id("Checkout", "42"), "checkoutId", "GRAPHQL_ERROR"),
        (to_global_id("User", 1), "checkoutId", "GRAPHQL_ERROR"),
    ],
)
def test_unknown_or_malformed_checkouts_are_refused(shopper: Any, checkout: Any, checkout_id: str, field: str, code: str) -> None:
    result = redeem(ApiClient(shopper), 500, checkout_id)
    assert [(error["field"], error["code"]) for error in result["errors"]] == [(field, code)]
    assert balance(shopper) == (3000, 0)


def test_a_company_members_monthly_limit_is_kept(
    shop: FakeShop, company_buyer: Any, company: Any, staff_user: Any
) -> None:
    # given the company pool holds 5,000 points and the buyer may redeem 1,000 a month
    CompanyMember.objects.filter(user=company_buyer).update(redemption_limit=1000)
    points.adjust_points(points.Owner.company(company.pk), 5000, reason="pool", staff_user_id=staff_user.pk)
    shop.add_customer(company_buyer)
    shop.add_variant(1, "100.00")
    shop.add_checkout(TOKEN, [(1, 2)], user=company_buyer)
    client = ApiClient(company_buyer)

    # when / then
    refused = redeem(client, 1500)
    assert [error["code"] for error in refused["errors"]] == ["MEMBER_REDEMPTION_LIMIT_EXCEEDED"]
    assert points.get_balance(points.Owner.company(company.pk)).held == 0
    allowed = redeem(client, 1000)
    assert allowed["errors"] == [] and allowed["redemption"]["points"] == 1000


def test_cancelling_gives_the_points_back_and_a_second_cancel_changes_nothing(shopper: Any, checkout: Any) -> None:
    client = ApiClient(shopper)
    redeem(client, 2000)

    cancelled = get_graphql_content(client.post_graphql(CANCEL_MUTATION, {"checkoutId": CHECKOUT_ID}))["data"]["loyaltyRedemptionCancel"]

    assert cancelled["errors"] == []
    assert (cancelled["redemption"]["points"], cancelled["redemption"]["status"]) == (2000, "cancelled")
    assert cancelled["account"] == {"available": 3000, "held": 0}
    assert checkout.voucher is None

    again = get_graphql_content(client.post_graphql(CANCEL_MUTATION, {"checkoutId": CHECKOUT_ID}))["data"]["loyaltyRedemptionCancel"]
    assert (again["redemption"], again["errors"], again["account"]) == (None, [], {"available": 3000, "held": 0})


def test_another_customer_cannot_cancel(shopper: Any, checkout: Any, other_customer: Any) -> None:
    redeem(ApiClient(shopper), 2000)
    for client in (ApiClient(other_customer), ApiClient()):
        errors = get_graphql_errors(client.post_graphql(CANCEL_MUTATION, {"checkoutId": CHECKOUT_ID}))
        assert error_codes(errors) == ["PermissionDenied"]
    assert balance(shopper) == (1000, 2000)
