"""loyaltyProgram: the public terms, readable anonymously, matching the rules the engine applies."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from saleor_loyalty.config import ProgramConfig
from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.services import rules

from .client import ApiClient, error_codes, get_graphql_content, get_graphql_errors, run_as

pytestmark = pytest.mark.django_db

PROGRAM_QUERY = """
query ($channel: String!) {
  loyaltyProgram(channel: $channel) {
    channel pointsEnabled tiersEnabled pointsPerUnit pointValue redeemMinPoints redeemMaxShare
    pendingDays expiryDays
    tiers { id name slug rank metric threshold windowDays graceDays pointsMultiplier priceListName giftEligible }
    earnRules { id name kind pointsPerUnit multiplier points targetKind targetId tierId }
    gifts { id name threshold currency variantId quantity tierId }
    referral { refereeDiscountKind refereeDiscountValue referrerPoints maxRewardsPerReferrer currency }
  }
}
"""


@pytest.fixture
def program(company: Any) -> dict[str, Any]:
    """Two tiers (Gold with a standing price list), a product bonus, a bonus for one customer type,
    a public gift, a company gift and a referral program."""
    gold_list = rules.create_price_list({"name": "Gold prices", "currency": "EUR", "audience_kind": "everyone"})
    silver = rules.create_tier({"name": "Silver", "slug": "silver", "rank": 1, "metric": "spend", "threshold": "500", "window_days": 365})
    gold = rules.create_tier(
        {"name": "Gold", "slug": "gold", "rank": 2, "metric": "spend", "threshold": "1000", "window_days": 365,
         "multiplier": "1.5", "price_list_id": gold_list.pk, "gift_eligible": True, "grace_days": 30}
    )
    bonus = rules.create_earn_rule(
        {"name": "Double coffee", "kind": "product_bonus", "target_kind": "product", "target_id": 7, "multiplier": "2"}
    )
    rules.create_earn_rule(
        {"name": "Wholesale: no points", "kind": "exclude", "customer_type_id": 3}
    )
    gift = rules.create_gift_rule(
        {"name": "Tote bag", "threshold": "100", "currency": "EUR", "variant_id": 99, "audience_kind": "everyone"}
    )
    rules.create_gift_rule(
        {"name": "Contract gift", "threshold": "50", "currency": "EUR", "variant_id": 98,
         "audience_kind": "company", "company_id": company.pk}
    )
    rules.create_referral_program(
        {"discount_kind": "percent", "discount_value": "10", "referrer_points": 500, "max_rewards_per_referrer": 5}
    )
    return {"silver": silver, "gold": gold, "bonus": bonus, "gift": gift}


def test_anonymous_caller_reads_the_public_terms(program: dict[str, Any]) -> None:
    # when
    content = get_graphql_content(ApiClient().post_graphql(PROGRAM_QUERY, {"channel": "default"}))

    # then
    terms = content["data"]["loyaltyProgram"]
    assert terms["channel"] == "default"
    assert (terms["pointValue"], terms["redeemMinPoints"], terms["redeemMaxShare"]) == ("0.01", 100, "0.5")
    assert [tier["name"] for tier in terms["tiers"]] == ["Silver", "Gold"]
    gold = terms["tiers"][1]
    assert gold["id"] == to_global_id("LoyaltyTier", program["gold"].pk)
    assert (gold["metric"], Decimal(gold["threshold"]), gold["windowDays"]) == ("SPEND", Decimal(1000), 365)
    assert (Decimal(gold["pointsMultiplier"]), gold["priceListName"], gold["giftEligible"], gold["graceDays"]) == (
        Decimal("1.5"), "Gold prices", True, 30,
    )
    # the customer-type exclusion is a private term; the product bonus is public
    assert [rule["name"] for rule in terms["earnRules"]] == ["Double coffee"]
    assert terms["earnRules"][0]["targetId"] == to_global_id("Product", 7)
    # the company's gift is its contract, not a public term
    assert [gift["name"] for gift in terms["gifts"]] == ["Tote bag"]
    assert terms["gifts"][0]["variantId"] == to_global_id("ProductVariant", 99)
    assert terms["referral"] == {
        "refereeDiscountKind": "percent", "refereeDiscountValue": "10.00", "referrerPoints": 500,
        "maxRewardsPerReferrer": 5, "currency": None,
    }


def test_terms_follow_the_program_configuration(program: dict[str, Any], customer: Any) -> None:
    config = ProgramConfig(point_value=Decimal("0.05"), redeem_min_points=250, tiers_enabled=False, referrals_enabled=False)

    status, content = run_as(customer, PROGRAM_QUERY, {"channel": "default"}, config=config)

    assert status == 200 and "errors" not in content, content
    terms = content["data"]["loyaltyProgram"]
    assert (terms["pointValue"], terms["redeemMinPoints"], terms["tiersEnabled"]) == ("0.05", 250, False)
    assert terms["tiers"] == [] and terms["referral"] is None


def test_channel_rules_show_only_in_their_channel(db: None) -> None:
    rules.create_earn_rule({"name": "Web only", "kind": "signup_bonus", "points": 50, "channel": "web"})

    def names(channel: str) -> list[str]:
        content = get_graphql_content(ApiClient().post_graphql(PROGRAM_QUERY, {"channel": channel}))
        return [rule["name"] for rule in content["data"]["loyaltyProgram"]["earnRules"]]

    assert names("web") == ["Web only"]
    assert names("shop-de") == []


@pytest.mark.parametrize("channel", ["", "   ", "a" * 256, "bad\tslug"])
def test_a_bad_channel_is_refused(db: None, channel: str) -> None:
    errors = get_graphql_errors(ApiClient().post_graphql(PROGRAM_QUERY, {"channel": channel}))
    assert error_codes(errors) == ["INVALID"]
    assert "channel" in errors[0]["message"]
