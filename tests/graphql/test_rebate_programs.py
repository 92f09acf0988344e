"""``loyaltyRebateProgramCreate`` / ``loyaltyRebateProgramUpdate``: the staff door to rebate programs."""

from __future__ import annotations

from decimal import Decimal
import pytest

from saleor_loyalty.models import RebateBand, RebateProgram

from .rules_support import Callers, assert_refused, callers, payload  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db

CREATE = """
mutation ($bands: [LoyaltyRebateBandInput!]!, $pointValue: LoyaltyDecimal) {
  loyaltyRebateProgramCreate(name: "Volume", period: "quarter", currency: "EUR", startsOn: "2025-01-01",
                             bands: $bands, pointValue: $pointValue) {
    program { id name period bands { minSpend percent } }
    errors { field code message }
  }
}"""
UPDATE = """
mutation ($id: ID!, $bands: [LoyaltyRebateBandInput!]) {
  loyaltyRebateProgramUpdate(id: $id, name: "Volume 2025", settleDays: 14, bands: $bands) {
    program { name settleDays bands { minSpend percent } }
    errors { field code message }
  }
}"""
BANDS = [{"minSpend": "10000", "percent": "2"}, {"minSpend": "50000", "percent": "4"}]


def test_create_then_update_a_program(callers: Callers) -> None:  # noqa: F811
    created = payload(callers.manager, CREATE, {"bands": BANDS, "pointValue": "0.01"}, "loyaltyRebateProgramCreate")
    assert created["errors"] == []
    assert created["program"]["bands"] == [{"minSpend": "10000.000", "percent": "2.0000"},
                                           {"minSpend": "50000.000", "percent": "4.0000"}]
    updated = payload(callers.manager, UPDATE, {"id": created["program"]["id"],
                                                "bands": [{"minSpend": "20000", "percent": "3"}]},
                      "loyaltyRebateProgramUpdate")
    assert updated["errors"] == []
    assert updated["program"]["name"] == "Volume 2025" and updated["program"]["settleDays"] == 14
    assert list(RebateBand.objects.values_list("min_spend", "percent")) == [(Decimal("20000.000"), Decimal("3.0000"))]


def test_bad_bands_are_refused_and_nothing_changes(callers: Callers) -> None:  # noqa: F811
    bad = [{"minSpend": "10000", "percent": "4"}, {"minSpend": "50000", "percent": "2"}]
    refused = payload(callers.manager, CREATE, {"bands": bad, "pointValue": "0.01"}, "loyaltyRebateProgramCreate")
    assert refused["program"] is None
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("bands", "INVALID")]
    not_a_number = [{"minSpend": "lots", "percent": "2"}]
    refused = payload(callers.manager, CREATE, {"bands": not_a_number}, "loyaltyRebateProgramCreate")
    assert any("bands[0].min_spend" in e["message"] for e in refused["errors"])
    assert not RebateProgram.objects.exists()


def test_update_of_an_unknown_program(callers: Callers) -> None:  # noqa: F811
    from saleor_loyalty.graphql.core.ids import to_global_id

    refused = payload(callers.manager, UPDATE, {"id": to_global_id("LoyaltyRebateProgram", 999)},
                      "loyaltyRebateProgramUpdate")
    assert refused["errors"][0]["code"] == "REBATE_PROGRAM_NOT_FOUND"


def test_only_rules_managers_create_programs(callers: Callers) -> None:  # noqa: F811
    for _name, client in callers.refused():
        assert_refused(client.post_graphql(CREATE, {"bands": BANDS, "pointValue": "0.01"}))
    assert not RebateProgram.objects.exists()


def test_a_start_that_is_not_a_date_is_a_field_error(callers: Callers) -> None:  # noqa: F811
    query = CREATE.replace('startsOn: "2025-01-01"', 'startsOn: ""')
    refused = payload(callers.manager, query, {"bands": BANDS, "pointValue": "0.01"}, "loyaltyRebateProgramCreate")
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("startsOn", "INVALID")]
