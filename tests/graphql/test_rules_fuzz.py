"""Random schema-valid calls of every rule operation, as a rules manager, against existing rows:
refused cleanly or answered, never a server error or a poisoned transaction.

The schema-wide fuzz (test_schema_fuzz.py) runs a few examples per root field; this one runs
more per rule operation, with IDs of rows that exist (so calls get past "not found") and
decimals for the ``LoyaltyDecimal`` scalar.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saleor_loyalty.graphql.core.errors import INTERNAL_ERROR_CODE
from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.graphql.errors import LoyaltyRuleError
from saleor_loyalty.graphql.schema import get_family_mutations, get_schema
from saleor_loyalty.services import rules

from .fuzz import Fuzzer
from .rules_support import Callers, callers  # noqa: F401

RULE_FIELDS = [("mutation", name) for name in get_family_mutations(LoyaltyRuleError)] + [
    ("query", name) for name in
    ("loyaltyTiers", "loyaltyPriceLists", "loyaltyGiftRules", "loyaltyEarnRules", "loyaltyReferralSettings")
]


class RuleFuzzer(Fuzzer):
    def _scalar_values(self, name: str) -> st.SearchStrategy[Any]:
        if name == "LoyaltyDecimal":
            return st.one_of(super()._scalar_values("Decimal"), st.integers(-(10**6), 10**6))
        return super()._scalar_values(name)


def _existing_ids() -> list[str]:
    price_list = rules.create_price_list({"name": "Wholesale", "currency": "EUR"})
    entry = rules.create_price_list_entry(price_list.pk, {
        "target_kind": "variant", "target_id": 1, "breaks": [{"min_quantity": 1, "fixed_price": "1"}]})
    tier = rules.create_tier({"name": "Gold", "slug": "gold", "rank": 1, "metric": "spend", "threshold": "1"})
    gift = rules.create_gift_rule({"name": "Mug", "threshold": "50", "currency": "EUR", "variant_id": 1})
    earn = rules.create_earn_rule({"name": "Signup", "kind": "signup_bonus", "points": 100})
    rules.create_referral_program({"discount_kind": "percent", "discount_value": "10"})
    return [
        to_global_id("LoyaltyPriceList", price_list.pk), to_global_id("LoyaltyPriceListEntry", entry.pk),
        to_global_id("LoyaltyTier", tier.pk), to_global_id("LoyaltyGiftRule", gift.pk),
        to_global_id("LoyaltyEarnRule", earn.pk), to_global_id("ProductVariant", 1), to_global_id("Product", 1),
        to_global_id("Category", 1), to_global_id("CustomerType", 1),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "root_field"), RULE_FIELDS, ids=[name for _, name in RULE_FIELDS])
def test_rule_operations_never_fail_the_server(kind: str, root_field: str, callers: Callers) -> None:
    fuzzer = RuleFuzzer(get_schema().introspect(), known_ids=_existing_ids())

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(operation=fuzzer.operation(kind, root_field))
    def run(operation: tuple[str, dict[str, Any]]) -> None:
        document, variables = operation
        response = callers.manager.post_graphql(document, variables)
        context = f"\n{document}\nvariables={variables!r}\nresponse={response.content[:2000]!r}"
        assert response.status_code < 500, context
        codes = [error["extensions"]["exception"]["code"] for error in json.loads(response.content).get("errors", [])]
        assert INTERNAL_ERROR_CODE not in codes, context
        assert not connection.needs_rollback, context

    run()
