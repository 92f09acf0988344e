"""loyaltyReferral and loyaltyReferralCodeCreate: the caller's code (made once), link and results."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.models import Referral, ReferralCode, ReferralStatus
from tests.services.fakes import FakeShop

from .client import ApiClient, error_codes, get_graphql_content, get_graphql_errors, run_as

pytestmark = pytest.mark.django_db

REFERRAL_QUERY = """
{ loyaltyReferral { customerId code link referredCount rewardedCount rewardPoints } }
"""

CREATE_MUTATION = """
mutation { loyaltyReferralCodeCreate {
  referral { customerId code link referredCount rewardedCount rewardPoints }
  errors { field code message }
} }
"""


def create_code(client: ApiClient) -> dict[str, Any]:
    return get_graphql_content(client.post_graphql(CREATE_MUTATION))["data"]["loyaltyReferralCodeCreate"]  # type: ignore[no-any-return]


def test_reading_before_asking_for_a_code_creates_nothing(shopper: Any) -> None:
    content = get_graphql_content(ApiClient(shopper).post_graphql(REFERRAL_QUERY))
    assert content["data"]["loyaltyReferral"] == {
        "customerId": to_global_id("User", shopper.pk), "code": None, "link": None,
        "referredCount": 0, "rewardedCount": 0, "rewardPoints": 0,
    }
    assert not ReferralCode.objects.exists()


def test_the_code_is_made_once_and_shared_as_the_plain_code_without_a_base_url(shopper: Any) -> None:
    client = ApiClient(shopper)

    first = create_code(client)
    second = create_code(client)

    assert first["errors"] == [] and second["errors"] == []
    code = first["referral"]["code"]
    assert code and second["referral"]["code"] == code and first["referral"]["link"] == code
    assert ReferralCode.objects.filter(user=shopper).count() == 1


def test_the_link_uses_the_configured_base_url(shopper: Any) -> None:
    config = ProgramConfig(referral_link_base="https://shop.example/join?utm=ref")
    status, content = run_as(shopper, CREATE_MUTATION, config=config)
    assert status == 200, content
    referral = content["data"]["loyaltyReferralCodeCreate"]["referral"]
    assert referral["link"] == f"https://shop.example/join?utm=ref&ref={referral['code']}"


def test_counts_and_rewards_come_from_the_referrals(shopper: Any, create_user: Any) -> None:
    # given three referees: one rewarded with 500 points, one reversed, one only registered
    code = create_code(ApiClient(shopper))["referral"]["code"]
    for index, (status, reward) in enumerate(
        [(ReferralStatus.REWARDED, 500), (ReferralStatus.REVERSED, 500), (ReferralStatus.REGISTERED, 0)]
    ):
        paid = status != ReferralStatus.REGISTERED
        Referral.objects.create(
            referrer=shopper, referee=create_user(), code=code, status=status, reward_points=reward,
            qualifying_order_id=f"order-{index}" if paid else "", rewarded_at=timezone.now() if paid else None,
        )

    referral = get_graphql_content(ApiClient(shopper).post_graphql(REFERRAL_QUERY))["data"]["loyaltyReferral"]

    assert (referral["referredCount"], referral["rewardedCount"], referral["rewardPoints"]) == (3, 1, 500)


def test_anonymous_callers_are_refused(shop: FakeShop) -> None:
    for document in (REFERRAL_QUERY, CREATE_MUTATION):
        errors = get_graphql_errors(ApiClient().post_graphql(document))
        assert error_codes(errors) == ["PermissionDenied"]
    assert not ReferralCode.objects.exists()


def test_no_code_while_referrals_are_off(shopper: Any) -> None:
    status, content = run_as(shopper, CREATE_MUTATION, config=ProgramConfig(referrals_enabled=False))
    payload = content["data"]["loyaltyReferralCodeCreate"]
    assert (payload["referral"], [error["code"] for error in payload["errors"]]) == (None, ["REFERRALS_OFF"])
    assert not ReferralCode.objects.exists()


def test_a_customer_the_shop_does_not_know_gets_a_clear_error(shop: FakeShop, customer: Any) -> None:
    payload = create_code(ApiClient(customer))
    assert (payload["referral"], [error["code"] for error in payload["errors"]]) == (None, ["NOT_FOUND"])
