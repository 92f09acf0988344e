"""Tier operations: loyaltyTiers, loyaltyTierCreate / Update / Delete."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.models import CustomerLoyalty, Tier
from saleor_loyalty.services import rules

from .rules_support import Callers, assert_refused, callers, payload, rules_snapshot, rules_version, run_ok  # noqa: F401

pytestmark = pytest.mark.django_db

TIER_FIELDS = "id name slug rank metric threshold windowDays multiplier priceListId giftEligible graceDays isActive"
CREATE = f"""
mutation ($input: LoyaltyTierInput!) {{
  loyaltyTierCreate(input: $input) {{ tier {{ {TIER_FIELDS} }} errors {{ field code message }} }}
}}
"""
UPDATE = f"""
mutation ($id: ID!, $input: LoyaltyTierInput!) {{
  loyaltyTierUpdate(id: $id, input: $input) {{ tier {{ {TIER_FIELDS} }} errors {{ field code message }} }}
}}
"""
DELETE = "mutation ($id: ID!) { loyaltyTierDelete(id: $id) { deletedId errors { field code message } } }"
TIERS = f"query {{ loyaltyTiers {{ {TIER_FIELDS} }} }}"

GOLD = {"name": "Gold", "slug": "gold", "rank": 2, "metric": "SPEND", "threshold": "1000", "windowDays": 365,
        "multiplier": "1.5", "giftEligible": True}


def _tier(**values: Any) -> Tier:
    base = {"name": "Silver", "slug": "silver", "rank": 1, "metric": "spend", "threshold": "100"}
    return rules.create_tier({**base, **values})


def test_staff_create_list_update_and_delete_a_tier(callers: Callers):
    # given
    price_list = rules.create_price_list({"name": "Gold 5 %", "currency": "EUR"})
    version = rules_version()

    # when
    created = payload(callers.manager, CREATE, {"input": {**GOLD, "priceListId": to_global_id("LoyaltyPriceList", price_list.pk)}},
                      "loyaltyTierCreate")
    tier_id = created["tier"]["id"]
    listed = run_ok(callers.manager, TIERS)["loyaltyTiers"]
    updated = payload(callers.manager, UPDATE, {"id": tier_id, "input": {"threshold": "1500", "windowDays": None}},
                      "loyaltyTierUpdate")

    # then
    assert created["errors"] == []
    assert created["tier"] == {
        "id": tier_id, "name": "Gold", "slug": "gold", "rank": 2, "metric": "SPEND", "threshold": "1000.000",
        "windowDays": 365, "multiplier": "1.5000", "priceListId": to_global_id("LoyaltyPriceList", price_list.pk),
        "giftEligible": True, "graceDays": 0, "isActive": True,
    }
    assert [tier["slug"] for tier in listed] == ["gold"]
    assert updated["errors"] == []
    # Only the fields sent changed; windowDays sent as null was cleared.
    assert {**created["tier"], "threshold": "1500.000", "windowDays": None} == updated["tier"]
    assert Tier.objects.get().threshold == Decimal("1500")
    assert rules_version() == version + 2  # each write bumps the rules version

    deleted = payload(callers.manager, DELETE, {"id": tier_id}, "loyaltyTierDelete")
    assert deleted == {"deletedId": tier_id, "errors": []}
    assert not Tier.objects.exists()
    assert rules_version() == version + 3


def test_tiers_are_listed_by_rank_and_inactive_ones_can_be_left_out(callers: Callers):
    _tier(slug="b", rank=5, is_active=False)
    _tier(slug="a", rank=1)
    _tier(slug="c", rank=9)

    every = run_ok(callers.manager, "{ loyaltyTiers { slug } }")["loyaltyTiers"]
    active = run_ok(callers.manager, "{ loyaltyTiers(includeInactive: false) { slug } }")["loyaltyTiers"]

    assert [t["slug"] for t in every] == ["a", "b", "c"]
    assert [t["slug"] for t in active] == ["a", "c"]


@pytest.mark.parametrize("who", ["users_staff", "customer", "anonymous"])
def test_callers_without_manage_discounts_are_refused_and_nothing_changes(callers: Callers, who: str):
    # given
    tier = _tier()
    tier_id = to_global_id("LoyaltyTier", tier.pk)
    client = getattr(callers, who)
    before = rules_snapshot()

    # when / then
    assert_refused(client.post_graphql(TIERS))
    assert_refused(client.post_graphql(CREATE, {"input": GOLD}))
    assert_refused(client.post_graphql(UPDATE, {"id": tier_id, "input": {"name": "Mine"}}))
    assert_refused(client.post_graphql(DELETE, {"id": tier_id}))
    assert rules_snapshot() == before


def test_create_reports_every_problem_at_once_and_writes_nothing(callers: Callers):
    _tier(slug="gold", rank=7)
    before = rules_snapshot()

    result = payload(callers.manager, CREATE, {"input": {
        "name": "", "slug": "gold", "rank": 7, "metric": "TENURE", "threshold": "-1", "windowDays": 30,
    }}, "loyaltyTierCreate")

    assert result["tier"] is None
    fields = {error["field"]: error["code"] for error in result["errors"]}
    assert fields == {"name": "INVALID", "threshold": "INVALID", "slug": "INVALID", "rank": "INVALID"}
    assert rules_snapshot() == before


def test_required_fields_are_named_on_create(callers: Callers):
    result = payload(callers.manager, CREATE, {"input": {"name": "Bronze"}}, "loyaltyTierCreate")

    assert sorted(error["field"] for error in result["errors"]) == ["metric", "rank", "slug", "threshold"]
    assert not Tier.objects.exists()


def test_a_tenure_tier_cannot_have_a_window(callers: Callers):
    result = payload(callers.manager, CREATE, {"input": {**GOLD, "metric": "TENURE", "windowDays": 30}},
                     "loyaltyTierCreate")

    assert [(e["field"], e["code"]) for e in result["errors"]] == [("windowDays", "INVALID")]
    assert not Tier.objects.exists()


def test_unknown_and_mistyped_ids_are_refused(callers: Callers):
    tier = _tier()
    before = rules_snapshot()

    unknown_list = payload(callers.manager, UPDATE, {
        "id": to_global_id("LoyaltyTier", tier.pk), "input": {"priceListId": to_global_id("LoyaltyPriceList", 999)},
    }, "loyaltyTierUpdate")
    unknown_tier = payload(callers.manager, UPDATE, {"id": to_global_id("LoyaltyTier", 999), "input": {"name": "X"}},
                           "loyaltyTierUpdate")
    wrong_type = payload(callers.manager, DELETE, {"id": to_global_id("LoyaltyCompany", tier.pk)}, "loyaltyTierDelete")

    assert [(e["field"], e["code"]) for e in unknown_list["errors"]] == [("priceListId", "INVALID")]
    assert "no price list with id 999" in unknown_list["errors"][0]["message"]
    assert [(e["field"], e["code"]) for e in unknown_tier["errors"]] == [("id", "NOT_FOUND")]
    assert [(e["field"], e["code"]) for e in wrong_type["errors"]] == [("id", "GRAPHQL_ERROR")]
    assert rules_snapshot() == before


def test_a_tier_customers_hold_cannot_be_deleted(callers: Callers, customer: Any):
    tier = _tier()
    CustomerLoyalty.objects.create(user=customer, tier=tier, tier_since=timezone.now())
    before = rules_snapshot()

    result = payload(callers.manager, DELETE, {"id": to_global_id("LoyaltyTier", tier.pk)}, "loyaltyTierDelete")

    assert [(e["field"], e["code"]) for e in result["errors"]] == [(None, "RULE_IN_USE")]
    assert "deactivate it instead" in result["errors"][0]["message"]
    assert rules_snapshot() == before


def test_decimals_come_as_text_or_numbers_and_text_that_is_no_number_is_named(callers: Callers):
    as_number = payload(callers.manager, CREATE, {"input": {**GOLD, "threshold": 1000, "multiplier": 1.25}},
                        "loyaltyTierCreate")
    before = rules_snapshot()
    not_a_number = payload(callers.manager, UPDATE, {
        "id": as_number["tier"]["id"], "input": {"threshold": "1,000", "multiplier": "NaN"}}, "loyaltyTierUpdate")

    assert (as_number["tier"]["threshold"], as_number["tier"]["multiplier"]) == ("1000.000", "1.2500")
    assert [(e["field"], e["message"]) for e in not_a_number["errors"]] == [
        ("threshold", "threshold: must be a number, got '1,000'"), ("multiplier", "multiplier: must be a finite number"),
    ]
    assert rules_snapshot() == before
