"""Earn rule operations: loyaltyEarnRules, loyaltyEarnRuleCreate / Update / Delete."""

from __future__ import annotations

from typing import Any

import pytest

from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.models import EarnRule
from saleor_loyalty.services import rules

from .rules_support import Callers, assert_refused, callers, payload, rules_snapshot, rules_version, run_ok  # noqa: F401

pytestmark = pytest.mark.django_db

FIELDS = """
id name kind pointsPerUnit multiplier points maxPoints targetKind targetId customerTypeId tierId channel currency
validFrom validUntil isActive
"""
CREATE = f"""
mutation ($input: LoyaltyEarnRuleInput!) {{
  loyaltyEarnRuleCreate(input: $input) {{ earnRule {{ {FIELDS} }} errors {{ field code message }} }}
}}
"""
UPDATE = f"""
mutation ($id: ID!, $input: LoyaltyEarnRuleInput!) {{
  loyaltyEarnRuleUpdate(id: $id, input: $input) {{ earnRule {{ {FIELDS} }} errors {{ field code message }} }}
}}
"""
DELETE = "mutation ($id: ID!) { loyaltyEarnRuleDelete(id: $id) { deletedId errors { field code message } } }"
LIST = "query ($kind: LoyaltyEarnRuleKind) { loyaltyEarnRules(kind: $kind) { name kind } }"

COFFEE = to_global_id("Product", 12)
BONUS = {"name": "Double points on coffee", "kind": "PRODUCT_BONUS", "targetKind": "PRODUCT", "targetId": COFFEE,
         "multiplier": "2"}


def test_staff_create_list_update_and_delete_earn_rules(callers: Callers):
    tier = rules.create_tier({"name": "Gold", "slug": "gold", "rank": 1, "metric": "spend", "threshold": "1"})
    version = rules_version()

    bonus = payload(callers.manager, CREATE, {"input": BONUS}, "loyaltyEarnRuleCreate")
    multiplier = payload(callers.manager, CREATE, {"input": {
        "name": "Gold x2", "kind": "TIER_MULTIPLIER", "tierId": to_global_id("LoyaltyTier", tier.pk), "multiplier": "2"}},
        "loyaltyEarnRuleCreate")
    exclusion = payload(callers.manager, CREATE, {"input": {
        "name": "Staff earn nothing", "kind": "EXCLUDE", "customerTypeId": to_global_id("CustomerType", 8)}},
        "loyaltyEarnRuleCreate")
    rule_id = bonus["earnRule"]["id"]
    updated = payload(callers.manager, UPDATE, {"id": rule_id, "input": {
        "multiplier": None, "points": 5, "targetKind": "CATEGORY", "targetId": to_global_id("Category", 3)}},
        "loyaltyEarnRuleUpdate")
    bonuses = run_ok(callers.manager, LIST, {"kind": "PRODUCT_BONUS"})["loyaltyEarnRules"]

    assert [bonus["errors"], multiplier["errors"], exclusion["errors"]] == [[], [], []]
    assert bonus["earnRule"] == {
        "id": rule_id, "name": "Double points on coffee", "kind": "PRODUCT_BONUS", "pointsPerUnit": None,
        "multiplier": "2.0000", "points": None, "maxPoints": None, "targetKind": "PRODUCT", "targetId": COFFEE,
        "customerTypeId": None, "tierId": None, "channel": None, "currency": None, "validFrom": None,
        "validUntil": None, "isActive": True,
    }
    assert multiplier["earnRule"]["tierId"] == to_global_id("LoyaltyTier", tier.pk)
    assert exclusion["earnRule"]["customerTypeId"] == to_global_id("CustomerType", 8)
    assert updated["errors"] == []
    assert {key: updated["earnRule"][key] for key in ("multiplier", "points", "targetKind", "targetId")} == {
        "multiplier": None, "points": 5, "targetKind": "CATEGORY", "targetId": to_global_id("Category", 3)}
    assert bonuses == [{"name": "Double points on coffee", "kind": "PRODUCT_BONUS"}]
    assert rules_version() == version + 4

    deleted = payload(callers.manager, DELETE, {"id": rule_id}, "loyaltyEarnRuleDelete")
    assert deleted == {"deletedId": rule_id, "errors": []}
    assert EarnRule.objects.count() == 2


@pytest.mark.parametrize(
    ("rule", "fields"),
    [
        ({"name": "Rate", "kind": "BASE_RATE"}, ["pointsPerUnit"]),  # a base rate needs its rate
        ({"name": "Rate", "kind": "BASE_RATE", "pointsPerUnit": "-1"}, ["pointsPerUnit"]),
        ({"name": "Rate", "kind": "BASE_RATE", "pointsPerUnit": "2", "maxPoints": 10}, ["maxPoints"]),
        ({**BONUS, "targetId": to_global_id("Category", 12)}, ["targetId"]),  # a category ID for a product
        ({**BONUS, "targetKind": None}, ["targetId"]),  # a target ID without its kind
        ({"name": "Gold", "kind": "TIER_MULTIPLIER", "tierId": to_global_id("LoyaltyTier", 999), "multiplier": "2"},
         ["tierId"]),
        ({"name": "Cap", "kind": "ORDER_CAP", "maxPoints": 500, "validFrom": "2025-02-01T00:00:00+00:00",
          "validUntil": "2025-02-01T00:00:00+00:00"}, ["validUntil"]),
        ({"name": "Signup", "kind": "SIGNUP_BONUS", "points": 0}, ["points"]),
    ],
)
def test_bad_earn_rules_are_refused_and_nothing_is_written(callers: Callers, rule: dict[str, Any], fields: list[str]):
    before = rules_snapshot()
    if rule.get("targetKind", "") is None:
        del rule["targetKind"]

    result = payload(callers.manager, CREATE, {"input": rule}, "loyaltyEarnRuleCreate")

    assert result["earnRule"] is None
    assert [error["field"] for error in result["errors"]] == fields, result["errors"]
    assert rules_snapshot() == before


def test_unknown_rules(callers: Callers):
    before = rules_snapshot()

    unknown = payload(callers.manager, UPDATE, {"id": to_global_id("LoyaltyEarnRule", 999), "input": {"points": 1}},
                      "loyaltyEarnRuleUpdate")
    gone = payload(callers.manager, DELETE, {"id": to_global_id("LoyaltyEarnRule", 999)}, "loyaltyEarnRuleDelete")

    assert [(e["field"], e["code"]) for e in unknown["errors"]] == [("id", "NOT_FOUND")]
    assert [(e["field"], e["code"]) for e in gone["errors"]] == [("id", "NOT_FOUND")]
    assert rules_snapshot() == before


@pytest.mark.parametrize("who", ["users_staff", "customer", "anonymous"])
def test_callers_without_manage_discounts_are_refused_and_nothing_changes(callers: Callers, who: str):
    rule = rules.create_earn_rule({"name": "Signup", "kind": "signup_bonus", "points": 100})
    rule_id = to_global_id("LoyaltyEarnRule", rule.pk)
    client = getattr(callers, who)
    before = rules_snapshot()

    assert_refused(client.post_graphql(LIST))
    assert_refused(client.post_graphql(CREATE, {"input": BONUS}))
    assert_refused(client.post_graphql(UPDATE, {"id": rule_id, "input": {"points": 100000}}))
    assert_refused(client.post_graphql(DELETE, {"id": rule_id}))
    assert rules_snapshot() == before
