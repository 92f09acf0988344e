"""Referral settings: loyaltyReferralSettings and loyaltyReferralSettingsUpdate."""

from __future__ import annotations

from typing import Any

import pytest

from saleor_loyalty.models import ReferralProgram
from saleor_loyalty.services import rules

from .rules_support import Callers, assert_refused, callers, payload, rules_snapshot, rules_version, run_ok  # noqa: F401

pytestmark = pytest.mark.django_db

FIELDS = """
id discountKind discountValue currency referrerPoints refereeMinSpend qualifyingMinAmount maxRewardsPerReferrer
periodDays isActive
"""
UPDATE = f"""
mutation ($input: LoyaltyReferralSettingsInput!) {{
  loyaltyReferralSettingsUpdate(input: $input) {{ settings {{ {FIELDS} }} errors {{ field code message }} }}
}}
"""
QUERY = f"{{ loyaltyReferralSettings {{ {FIELDS} }} }}"


def test_the_first_update_sets_the_terms_up_and_later_ones_change_them(callers: Callers):
    assert run_ok(callers.manager, QUERY) == {"loyaltyReferralSettings": None}
    version = rules_version()

    created = payload(callers.manager, UPDATE, {"input": {
        "discountKind": "PERCENT", "discountValue": "10", "referrerPoints": 500, "maxRewardsPerReferrer": 5,
        "periodDays": 30}}, "loyaltyReferralSettingsUpdate")
    changed = payload(callers.manager, UPDATE, {"input": {"referrerPoints": 750, "maxRewardsPerReferrer": None}},
                      "loyaltyReferralSettingsUpdate")
    read = run_ok(callers.manager, QUERY)["loyaltyReferralSettings"]

    assert created["errors"] == []
    assert created["settings"] == {
        "id": created["settings"]["id"], "discountKind": "PERCENT", "discountValue": "10.000", "currency": None,
        "referrerPoints": 500, "refereeMinSpend": "0.000", "qualifyingMinAmount": "0.000",
        "maxRewardsPerReferrer": 5, "periodDays": 30, "isActive": True,
    }
    assert changed["settings"] == {**created["settings"], "referrerPoints": 750, "maxRewardsPerReferrer": None}
    assert read == changed["settings"]
    assert ReferralProgram.objects.count() == 1
    assert rules_version() == version + 2


def test_switching_referrals_off_and_on_edits_the_same_terms(callers: Callers):
    program = rules.create_referral_program({"discount_kind": "percent", "discount_value": "10"})

    off = payload(callers.manager, UPDATE, {"input": {"isActive": False}}, "loyaltyReferralSettingsUpdate")
    on = payload(callers.manager, UPDATE, {"input": {"isActive": True, "discountValue": "15"}},
                 "loyaltyReferralSettingsUpdate")

    assert off["settings"]["isActive"] is False
    assert (on["settings"]["isActive"], on["settings"]["discountValue"]) == (True, "15.000")
    assert list(ReferralProgram.objects.values_list("pk", flat=True)) == [program.pk]


@pytest.mark.parametrize(
    ("existing", "changes", "fields"),
    [
        (False, {"referrerPoints": 100}, ["discountKind", "discountValue"]),  # no terms yet: kind and value needed
        (True, {"discountValue": "120"}, ["discountValue"]),  # a percentage over 100
        (True, {"discountKind": "FIXED"}, ["currency"]),  # a fixed discount needs a currency
        (True, {"discountValue": "-1", "referrerPoints": -5, "periodDays": 0},
         ["discountValue", "referrerPoints", "periodDays"]),
    ],
)
def test_bad_terms_are_refused_and_nothing_changes(
    callers: Callers, existing: bool, changes: dict[str, Any], fields: list[str]
):
    if existing:
        rules.create_referral_program({"discount_kind": "percent", "discount_value": "10"})
    before = rules_snapshot()

    result = payload(callers.manager, UPDATE, {"input": changes}, "loyaltyReferralSettingsUpdate")

    assert result["settings"] is None
    assert [error["field"] for error in result["errors"]] == fields, result["errors"]
    assert rules_snapshot() == before


@pytest.mark.parametrize("who", ["users_staff", "customer", "anonymous"])
def test_callers_without_manage_discounts_are_refused_and_nothing_changes(callers: Callers, who: str):
    rules.create_referral_program({"discount_kind": "percent", "discount_value": "10"})
    client = getattr(callers, who)
    before = rules_snapshot()

    assert_refused(client.post_graphql(QUERY))
    assert_refused(client.post_graphql(UPDATE, {"input": {"referrerPoints": 100000}}))
    assert rules_snapshot() == before
