"""Gift rule operations: loyaltyGiftRules, loyaltyGiftRuleCreate / Update / Delete."""

from __future__ import annotations

from typing import Any

import pytest

from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.models import GiftRule
from saleor_loyalty.services import rules

from .rules_support import Callers, assert_refused, callers, payload, rules_snapshot, rules_version, run_ok  # noqa: F401

pytestmark = pytest.mark.django_db

FIELDS = """
id name threshold currency variantId quantity channel requiresGiftEligibility priority validFrom validUntil isActive
audience { kind targetId }
"""
CREATE = f"""
mutation ($input: LoyaltyGiftRuleInput!) {{
  loyaltyGiftRuleCreate(input: $input) {{ giftRule {{ {FIELDS} }} errors {{ field code message }} }}
}}
"""
UPDATE = f"""
mutation ($id: ID!, $input: LoyaltyGiftRuleInput!) {{
  loyaltyGiftRuleUpdate(id: $id, input: $input) {{ giftRule {{ {FIELDS} }} errors {{ field code message }} }}
}}
"""
DELETE = "mutation ($id: ID!) { loyaltyGiftRuleDelete(id: $id) { deletedId errors { field code message } } }"
LIST = f"query ($all: Boolean) {{ loyaltyGiftRules(includeInactive: $all) {{ {FIELDS} }} }}"

TOTE = to_global_id("ProductVariant", 900)
GIFT = {"name": "Free tote over 100", "threshold": "100", "currency": "EUR", "variantId": TOTE}


def _gift(**values: Any) -> GiftRule:
    return rules.create_gift_rule({"name": "Mug", "threshold": "50", "currency": "EUR", "variant_id": 901, **values})


def test_staff_create_list_update_and_delete_a_gift_rule(callers: Callers):
    tier = rules.create_tier({"name": "Gold", "slug": "gold", "rank": 1, "metric": "spend", "threshold": "1"})
    version = rules_version()

    created = payload(callers.manager, CREATE, {"input": {
        **GIFT, "quantity": 2, "audience": {"kind": "TIER", "targetId": to_global_id("LoyaltyTier", tier.pk)},
        "validFrom": "2025-01-01T00:00:00+00:00",
    }}, "loyaltyGiftRuleCreate")
    rule_id = created["giftRule"]["id"]
    updated = payload(callers.manager, UPDATE, {"id": rule_id, "input": {
        "threshold": "120.50", "audience": {"kind": "EVERYONE"}, "isActive": False}}, "loyaltyGiftRuleUpdate")
    every = run_ok(callers.manager, LIST)["loyaltyGiftRules"]
    active = run_ok(callers.manager, LIST, {"all": False})["loyaltyGiftRules"]

    assert created["errors"] == []
    assert created["giftRule"] == {
        "id": rule_id, "name": "Free tote over 100", "threshold": "100.000", "currency": "EUR", "variantId": TOTE,
        "quantity": 2, "channel": None, "requiresGiftEligibility": False, "priority": 0,
        "validFrom": "2025-01-01T00:00:00+00:00", "validUntil": None, "isActive": True,
        "audience": {"kind": "TIER", "targetId": to_global_id("LoyaltyTier", tier.pk)},
    }
    assert updated["errors"] == []
    assert updated["giftRule"] == {**created["giftRule"], "threshold": "120.500", "isActive": False,
                                   "audience": {"kind": "EVERYONE", "targetId": None}}
    assert every == [updated["giftRule"]]
    assert active == []
    assert GiftRule.objects.get().tier_id is None  # the audience's old column is cleared

    deleted = payload(callers.manager, DELETE, {"id": rule_id}, "loyaltyGiftRuleDelete")
    assert deleted == {"deletedId": rule_id, "errors": []}
    assert not GiftRule.objects.exists()
    assert rules_version() == version + 3


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"threshold": "-5"}, ["threshold"]),
        ({"quantity": 0}, ["quantity"]),
        ({"currency": "E1"}, ["currency"]),
        ({"variantId": to_global_id("Product", 900)}, ["variantId"]),
        ({"validFrom": "2025-02-01T00:00:00+00:00", "validUntil": "2025-01-01T00:00:00+00:00"}, ["validUntil"]),
        ({"audience": {"kind": "CUSTOMER", "targetId": to_global_id("User", 999999)}}, ["userId"]),
        ({"threshold": "-5", "quantity": 0, "name": ""}, ["name", "threshold", "quantity"]),
    ],
)
def test_bad_gift_rules_are_refused_and_nothing_is_written(callers: Callers, changes: dict[str, Any], fields: list[str]):
    before = rules_snapshot()

    result = payload(callers.manager, CREATE, {"input": {**GIFT, **changes}}, "loyaltyGiftRuleCreate")

    assert result["giftRule"] is None
    assert [error["field"] for error in result["errors"]] == fields, result["errors"]
    assert rules_snapshot() == before


def test_required_fields_and_unknown_rules(callers: Callers):
    before = rules_snapshot()

    missing = payload(callers.manager, CREATE, {"input": {"name": "Gift"}}, "loyaltyGiftRuleCreate")
    unknown = payload(callers.manager, UPDATE, {"id": to_global_id("LoyaltyGiftRule", 999), "input": {"name": "X"}},
                      "loyaltyGiftRuleUpdate")
    gone = payload(callers.manager, DELETE, {"id": to_global_id("LoyaltyGiftRule", 999)}, "loyaltyGiftRuleDelete")

    assert sorted(error["field"] for error in missing["errors"]) == ["currency", "threshold", "variantId"]
    assert [(e["field"], e["code"]) for e in unknown["errors"]] == [("id", "NOT_FOUND")]
    assert [(e["field"], e["code"]) for e in gone["errors"]] == [("id", "NOT_FOUND")]
    assert rules_snapshot() == before


@pytest.mark.parametrize("who", ["users_staff", "customer", "anonymous"])
def test_callers_without_manage_discounts_are_refused_and_nothing_changes(callers: Callers, who: str):
    rule_id = to_global_id("LoyaltyGiftRule", _gift().pk)
    client = getattr(callers, who)
    before = rules_snapshot()

    assert_refused(client.post_graphql(LIST))
    assert_refused(client.post_graphql(CREATE, {"input": GIFT}))
    assert_refused(client.post_graphql(UPDATE, {"id": rule_id, "input": {"threshold": "0"}}))
    assert_refused(client.post_graphql(DELETE, {"id": rule_id}))
    assert rules_snapshot() == before
