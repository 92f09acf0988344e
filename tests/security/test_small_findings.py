"""Finding 8 of issue 15: an unknown channel, a referee past their first order, the demo's order ids."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.demo.cast import Cast
from saleor_loyalty.demo.story import Out, play, seed_cast
from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.models import NpsResponse, OrderRecord, Referral, ReferralStatus
from saleor_loyalty.services import referrals, rules
from saleor_loyalty.shop import set_shop
from tests.graphql.client import ApiClient, error_codes, get_graphql_content, get_graphql_errors
from tests.services.fakes import FakeShop

pytestmark = pytest.mark.django_db

PROGRAM = "query ($channel: String!) { loyaltyProgram(channel: $channel) { pointsPerUnit } }"
TIER_PRICES = "query ($channel: String!) { loyaltyTierPrices(channel: $channel, variantIds: [\"UHJvZHVjdFZhcmlhbnQ6MQ==\"]) { variantId } }"
APPLY = """
mutation ($checkoutId: ID!) { loyaltyReferralDiscountApply(checkoutId: $checkoutId) { discount { code } errors { code } } }
"""
NPS = """
mutation ($orderId: ID) { loyaltyNpsSubmit(score: 9, orderId: $orderId) { response { score orderId } errors { field code } } }
"""
TOKEN = str(uuid.UUID(int=31))


@pytest.mark.parametrize("query", [PROGRAM, TIER_PRICES])
def test_an_unknown_channel_is_a_channel_error(shop: FakeShop, query: str) -> None:
    errors = get_graphql_errors(ApiClient().post_graphql(query, {"channel": "nope"}))
    known = get_graphql_content(ApiClient().post_graphql(query, {"channel": "default"}))

    assert error_codes(errors) == ["CHANNEL_NOT_FOUND"]
    assert errors[0]["message"] == "no channel 'nope'"
    assert "errors" not in known


def test_a_referee_past_their_first_order_gets_not_first_order(shop: FakeShop, create_user: Any) -> None:
    # given: Bob signed up with Ann's code and his first order qualified the referral
    rules.create_referral_program({"discount_kind": "percent", "discount_value": "10", "referrer_points": 500})
    ann, bob = create_user(email="ann@example.com"), create_user(email="bob@example.com")
    shop.add_customer(ann)
    shop.add_customer(bob)
    code = referrals.create_referral_code(ann.pk).code
    referrals.attribute_signup(bob.pk, code, config=ProgramConfig(), now=timezone.now())
    shop.add_variant(1, "84.95")
    shop.add_checkout(TOKEN, [(1, 1)], user=bob)
    before = get_graphql_content(ApiClient(bob).post_graphql(APPLY, {"checkoutId": to_global_id("Checkout", TOKEN)}))
    shop.checkouts[TOKEN].voucher = None
    Referral.objects.filter(referee=bob).update(  # what the first paid order does
        status=ReferralStatus.REWARDED, qualifying_order_id="order-1", rewarded_at=timezone.now(), reward_points=500
    )

    # when
    after = get_graphql_content(ApiClient(bob).post_graphql(APPLY, {"checkoutId": to_global_id("Checkout", TOKEN)}))

    # then: as docs/graphql.md promises
    assert before["data"]["loyaltyReferralDiscountApply"]["errors"] == []
    assert after["data"]["loyaltyReferralDiscountApply"] == {"discount": None, "errors": [{"code": "NOT_FIRST_ORDER"}]}
    assert shop.checkouts[TOKEN].voucher is None


@pytest.fixture
def played() -> Iterator[Cast]:
    cast = seed_cast()
    try:
        play(cast, out=Out(lambda _line: None))
        yield cast
    finally:
        set_shop(None)


def test_the_demo_s_order_ids_are_accepted_by_nps_submit(played: Cast) -> None:
    # given: an order the demo placed for Carol (Alice, Bob and Dana answer the survey in the story)
    order = OrderRecord.objects.filter(user_id=played.carol.user.pk).order_by("placed_at").first()
    assert order is not None and uuid.UUID(order.order_id)

    # when
    content = get_graphql_content(ApiClient(played.carol.user).post_graphql(NPS, {"orderId": to_global_id("Order", order.order_id)}))

    # then
    assert content["data"]["loyaltyNpsSubmit"] == {
        "response": {"score": 9, "orderId": to_global_id("Order", order.order_id)}, "errors": [],
    }
    assert NpsResponse.objects.filter(order_id=order.order_id).count() == 1
