"""Price-list operations: loyaltyPriceLists, loyaltyPriceListCreate / Update / Delete and the
entry mutations (loyaltyPriceListEntryCreate / Update / Delete)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.models import PriceBreak, PriceList, PriceListEntry
from saleor_loyalty.services import rules

from .rules_support import Callers, assert_refused, callers, payload, rules_snapshot, rules_version, run_ok  # noqa: F401

pytestmark = pytest.mark.django_db

LIST_FIELDS = """
id name currency channel priority isActive validFrom validUntil audience { kind targetId }
entries { id targetKind targetId sku breaks { minQuantity fixedPrice percentOff } }
"""
CREATE = f"""
mutation ($input: LoyaltyPriceListCreateInput!) {{
  loyaltyPriceListCreate(input: $input) {{ priceList {{ {LIST_FIELDS} }} errors {{ field code message }} }}
}}
"""
UPDATE = f"""
mutation ($id: ID!, $input: LoyaltyPriceListInput!) {{
  loyaltyPriceListUpdate(id: $id, input: $input) {{ priceList {{ {LIST_FIELDS} }} errors {{ field code message }} }}
}}
"""
DELETE = "mutation ($id: ID!) { loyaltyPriceListDelete(id: $id) { deletedId errors { field code message } } }"
ENTRY_CREATE = """
mutation ($list: ID!, $input: LoyaltyPriceListEntryInput!) {
  loyaltyPriceListEntryCreate(priceListId: $list, input: $input) {
    entry { id targetKind targetId breaks { minQuantity fixedPrice percentOff } }
    priceList { id entries { id } }
    errors { field code message }
  }
}
"""
ENTRY_UPDATE = """
mutation ($id: ID!, $input: LoyaltyPriceListEntryInput!) {
  loyaltyPriceListEntryUpdate(id: $id, input: $input) {
    entry { id targetKind targetId breaks { minQuantity fixedPrice percentOff } } errors { field code message }
  }
}
"""
ENTRY_DELETE = "mutation ($id: ID!) { loyaltyPriceListEntryDelete(id: $id) { deletedId errors { field code message } } }"
LISTS = f"""
query ($first: Int, $after: String, $filter: LoyaltyPriceListFilterInput) {{
  loyaltyPriceLists(first: $first, after: $after, filter: $filter) {{
    totalCount pageInfo {{ hasNextPage endCursor }} edges {{ node {{ {LIST_FIELDS} }} }}
  }}
}}
"""

VARIANT_55 = to_global_id("ProductVariant", 55)
WHOLESALE = to_global_id("CustomerType", 4)


def _list(name: str = "Wholesale", **values: Any) -> PriceList:
    return rules.create_price_list({"name": name, "currency": "EUR", **values})


def _entry(price_list: PriceList, target_id: int = 55, *quantities: int) -> PriceListEntry:
    breaks = [{"min_quantity": q, "percent_off": str(q % 50 or 5)} for q in quantities or (1, 10)]
    return rules.create_price_list_entry(price_list.pk, {"target_kind": "variant", "target_id": target_id, "breaks": breaks})


def test_staff_create_a_price_list_with_its_entries_and_breaks(callers: Callers):
    version = rules_version()

    result = payload(callers.manager, CREATE, {"input": {
        "name": "Wholesale EUR", "currency": "eur", "priority": 5,
        "audience": {"kind": "CUSTOMER_TYPE", "targetId": WHOLESALE},
        "validFrom": "2025-01-01T00:00:00+00:00", "validUntil": "2026-01-01T00:00:00+00:00",
        "entries": [
            {"targetKind": "VARIANT", "targetId": VARIANT_55, "breaks": [
                {"minQuantity": 50, "percentOff": "15"}, {"minQuantity": 10, "fixedPrice": "8.60"},
            ]},
            {"targetKind": "ALL", "breaks": [{"minQuantity": 1, "percentOff": "2"}]},
        ],
    }}, "loyaltyPriceListCreate")

    assert result["errors"] == []
    created = result["priceList"]
    assert created["audience"] == {"kind": "CUSTOMER_TYPE", "targetId": WHOLESALE}
    assert (created["currency"], created["priority"], created["validUntil"]) == ("EUR", 5, "2026-01-01T00:00:00+00:00")
    assert [(e["targetKind"], e["targetId"]) for e in created["entries"]] == [("VARIANT", VARIANT_55), ("ALL", None)]
    # Breaks sent out of order are stored (and shown) by quantity.
    assert created["entries"][0]["breaks"] == [
        {"minQuantity": 10, "fixedPrice": "8.600", "percentOff": None},
        {"minQuantity": 50, "fixedPrice": None, "percentOff": "15.0000"},
    ]
    assert PriceBreak.objects.count() == 3
    assert rules_version() > version


def test_one_bad_entry_creates_nothing_and_every_problem_is_named(callers: Callers):
    before = rules_snapshot()

    result = payload(callers.manager, CREATE, {"input": {
        "name": "Broken", "currency": "EUR",
        "entries": [
            {"targetKind": "VARIANT", "targetId": VARIANT_55, "breaks": [{"minQuantity": 1, "fixedPrice": "9"}]},
            {"targetKind": "PRODUCT", "targetId": to_global_id("Product", 5), "breaks": [
                {"minQuantity": 0, "fixedPrice": "-1"}, {"minQuantity": 5, "percentOff": "120"},
            ]},
            {"targetKind": "CATEGORY", "targetId": to_global_id("Category", 3), "breaks": [
                {"minQuantity": 5, "fixedPrice": "1"}, {"minQuantity": 5, "fixedPrice": "2"},
            ]},
        ],
    }}, "loyaltyPriceListCreate")

    assert result["priceList"] is None
    assert sorted(error["field"] for error in result["errors"]) == [
        "entries[1].breaks[0].fixedPrice", "entries[1].breaks[0].minQuantity", "entries[1].breaks[1].percentOff",
        "entries[2].breaks",
    ]
    assert {error["code"] for error in result["errors"]} == {"INVALID"}
    assert rules_snapshot() == before


def test_mistyped_entry_ids_are_reported_with_the_other_problems(callers: Callers):
    before = rules_snapshot()

    result = payload(callers.manager, CREATE, {"input": {
        "name": "Broken", "currency": "EUR",
        "entries": [
            {"targetKind": "CATEGORY", "targetId": VARIANT_55, "breaks": [{"minQuantity": 1, "fixedPrice": "1"}]},
            {"targetKind": "ALL", "breaks": [{"minQuantity": 1, "percentOff": "0"}]},
        ],
    }}, "loyaltyPriceListCreate")

    assert [(error["field"], error["code"]) for error in result["errors"]] == [
        ("entries[0].targetId", "INVALID"), ("entries[1].breaks[0].percentOff", "INVALID"),
    ]
    assert "Expected: Category, received: ProductVariant" in result["errors"][0]["message"]
    assert rules_snapshot() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"validFrom": "2025-06-01T00:00:00+00:00", "validUntil": "2025-01-01T00:00:00+00:00"}, "validUntil"),
        ({"validFrom": "2025-06-01T00:00:00"}, "validFrom"),  # no time zone
        ({"currency": "EURO"}, "currency"),
        ({"audience": {"kind": "COMPANY", "targetId": to_global_id("LoyaltyCompany", 999)}}, "companyId"),
        ({"audience": {"kind": "COMPANY"}}, "audience.targetId"),
        ({"audience": {"kind": "EVERYONE", "targetId": WHOLESALE}}, "audience.targetId"),
        ({"audience": {"kind": "TIER", "targetId": WHOLESALE}}, "audience.targetId"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_list_fields_are_refused_and_change_nothing(callers: Callers, changes: dict[str, Any], field: str):
    price_list = _list()
    before = rules_snapshot()

    result = payload(callers.manager, UPDATE, {"id": to_global_id("LoyaltyPriceList", price_list.pk), "input": changes},
                     "loyaltyPriceListUpdate")

    assert result["priceList"] is None
    assert [error["field"] for error in result["errors"]] == [field], result["errors"]
    assert rules_snapshot() == before


def test_update_changes_only_the_fields_sent_and_can_change_the_audience(callers: Callers, company: Any):
    price_list = _list(channel="eu", priority=3)
    _entry(price_list)

    result = payload(callers.manager, UPDATE, {
        "id": to_global_id("LoyaltyPriceList", price_list.pk),
        "input": {"audience": {"kind": "COMPANY", "targetId": to_global_id("LoyaltyCompany", company.pk)}, "channel": None},
    }, "loyaltyPriceListUpdate")

    assert result["errors"] == []
    updated = result["priceList"]
    assert updated["audience"] == {"kind": "COMPANY", "targetId": to_global_id("LoyaltyCompany", company.pk)}
    assert (updated["name"], updated["priority"], updated["channel"]) == ("Wholesale", 3, None)
    assert len(updated["entries"]) == 1
    assert PriceList.objects.get().company_id == company.pk


def test_delete_a_price_list_and_refuse_one_a_tier_uses(callers: Callers):
    used = _list("Gold discount")
    rules.create_tier({"name": "Gold", "slug": "gold", "rank": 1, "metric": "spend", "threshold": "1",
                       "price_list_id": used.pk})
    spare = _list("Spare")
    _entry(spare)

    refused = payload(callers.manager, DELETE, {"id": to_global_id("LoyaltyPriceList", used.pk)}, "loyaltyPriceListDelete")
    before = rules_snapshot()
    deleted = payload(callers.manager, DELETE, {"id": to_global_id("LoyaltyPriceList", spare.pk)}, "loyaltyPriceListDelete")

    assert [(e["field"], e["code"]) for e in refused["errors"]] == [(None, "RULE_IN_USE")]
    assert deleted == {"deletedId": to_global_id("LoyaltyPriceList", spare.pk), "errors": []}
    assert list(PriceList.objects.values_list("name", flat=True)) == ["Gold discount"]
    assert not PriceListEntry.objects.exists()
    assert rules_snapshot() != before


def test_entry_create_update_and_delete(callers: Callers):
    price_list = _list()
    list_id = to_global_id("LoyaltyPriceList", price_list.pk)

    created = payload(callers.manager, ENTRY_CREATE, {"list": list_id, "input": {
        "targetKind": "PRODUCT", "targetId": to_global_id("Product", 5), "breaks": [{"minQuantity": 10, "fixedPrice": "8.60"}],
    }}, "loyaltyPriceListEntryCreate")
    entry_id = created["entry"]["id"]
    updated = payload(callers.manager, ENTRY_UPDATE, {"id": entry_id, "input": {
        "breaks": [{"minQuantity": 1, "percentOff": "5"}, {"minQuantity": 100, "fixedPrice": "7"}],
    }}, "loyaltyPriceListEntryUpdate")
    retargeted = payload(callers.manager, ENTRY_UPDATE, {"id": entry_id, "input": {"targetKind": "ALL"}},
                         "loyaltyPriceListEntryUpdate")

    assert created["errors"] == []
    assert created["entry"]["targetId"] == to_global_id("Product", 5)
    assert created["priceList"] == {"id": list_id, "entries": [{"id": entry_id}]}
    assert updated["entry"]["breaks"] == [
        {"minQuantity": 1, "fixedPrice": None, "percentOff": "5.0000"},
        {"minQuantity": 100, "fixedPrice": "7.000", "percentOff": None},
    ]
    assert (retargeted["entry"]["targetKind"], retargeted["entry"]["targetId"]) == ("ALL", None)

    deleted = payload(callers.manager, ENTRY_DELETE, {"id": entry_id}, "loyaltyPriceListEntryDelete")
    assert deleted == {"deletedId": entry_id, "errors": []}
    assert not PriceListEntry.objects.exists() and not PriceBreak.objects.exists()


@pytest.mark.parametrize(
    ("entry_input", "fields"),
    [
        ({"targetKind": "VARIANT", "targetId": VARIANT_55, "breaks": [{"minQuantity": 1, "fixedPrice": "1"}]},
         ["targetId"]),  # the list already has an entry for variant 55
        ({"targetKind": "VARIANT", "targetId": to_global_id("Product", 5), "breaks": [{"minQuantity": 1, "fixedPrice": "1"}]},
         ["targetId"]),  # a product ID where a variant is expected
        ({"targetKind": "ALL", "targetId": VARIANT_55, "breaks": [{"minQuantity": 1, "fixedPrice": "1"}]}, ["targetId"]),
        ({"targetKind": "CATEGORY", "targetId": to_global_id("Category", 3), "breaks": []}, ["breaks"]),
        ({"targetKind": "CATEGORY", "targetId": to_global_id("Category", 3),
          "breaks": [{"minQuantity": 3, "fixedPrice": "1", "percentOff": "5"}]}, ["breaks[0].fixedPrice"]),
        ({"targetKind": "CATEGORY", "targetId": to_global_id("Category", 3),
          "breaks": [{"minQuantity": 3, "fixedPrice": "-0.01"}, {"minQuantity": 3, "fixedPrice": "1"}]},
         ["breaks[0].fixedPrice"]),
        ({"breaks": [{"minQuantity": 1, "fixedPrice": "1"}]}, ["targetKind"]),
    ],
)
def test_bad_entries_are_refused_and_change_nothing(callers: Callers, entry_input: dict[str, Any], fields: list[str]):
    price_list = _list()
    _entry(price_list, 55)
    before = rules_snapshot()

    result = payload(callers.manager, ENTRY_CREATE, {"list": to_global_id("LoyaltyPriceList", price_list.pk),
                                                    "input": entry_input}, "loyaltyPriceListEntryCreate")

    assert result["entry"] is None
    assert [error["field"] for error in result["errors"]] == fields, result["errors"]
    assert rules_snapshot() == before


def test_entry_mutations_name_unknown_lists_and_entries(callers: Callers):
    before = rules_snapshot()
    breaks = [{"minQuantity": 1, "fixedPrice": "1"}]

    no_list = payload(callers.manager, ENTRY_CREATE, {"list": to_global_id("LoyaltyPriceList", 999), "input": {
        "targetKind": "ALL", "breaks": breaks}}, "loyaltyPriceListEntryCreate")
    no_entry = payload(callers.manager, ENTRY_UPDATE, {"id": to_global_id("LoyaltyPriceListEntry", 999), "input": {
        "breaks": breaks}}, "loyaltyPriceListEntryUpdate")
    gone = payload(callers.manager, ENTRY_DELETE, {"id": to_global_id("LoyaltyPriceListEntry", 999)},
                   "loyaltyPriceListEntryDelete")

    assert [(e["field"], e["code"]) for e in no_list["errors"]] == [("priceListId", "NOT_FOUND")]
    assert [(e["field"], e["code"]) for e in no_entry["errors"]] == [("id", "NOT_FOUND")]
    assert [(e["field"], e["code"]) for e in gone["errors"]] == [("id", "NOT_FOUND")]
    assert rules_snapshot() == before


def test_price_lists_page_with_filters(callers: Callers, company: Any):
    first = _list("Retail")
    second = _list("Wholesale", audience_kind="customer_type", customer_type_id=4)
    _list("Old", is_active=False)
    _list("Contract", audience_kind="company", company_id=company.pk)
    _entry(second, 55, 1, 10)

    page = run_ok(callers.manager, LISTS, {"first": 2})["loyaltyPriceLists"]
    rest = run_ok(callers.manager, LISTS, {"first": 2, "after": page["pageInfo"]["endCursor"]})["loyaltyPriceLists"]
    active_wholesale = run_ok(callers.manager, LISTS, {"first": 10, "filter": {
        "isActive": True, "search": "sale", "audienceKind": "CUSTOMER_TYPE"}})["loyaltyPriceLists"]
    of_company = run_ok(callers.manager, LISTS, {"first": 10, "filter": {
        "companyId": to_global_id("LoyaltyCompany", company.pk)}})["loyaltyPriceLists"]

    assert [edge["node"]["name"] for edge in page["edges"]] == ["Retail", "Wholesale"]
    assert (page["totalCount"], page["pageInfo"]["hasNextPage"]) == (4, True)
    assert [edge["node"]["name"] for edge in rest["edges"]] == ["Old", "Contract"]
    assert rest["pageInfo"]["hasNextPage"] is False
    [node] = [edge["node"] for edge in active_wholesale["edges"]]
    assert node["id"] == to_global_id("LoyaltyPriceList", second.pk)
    assert node["audience"] == {"kind": "CUSTOMER_TYPE", "targetId": WHOLESALE}
    assert [b["minQuantity"] for b in node["entries"][0]["breaks"]] == [1, 10]
    assert [edge["node"]["name"] for edge in of_company["edges"]] == ["Contract"]
    assert first.pk < second.pk


def test_a_page_of_price_lists_costs_the_same_queries_for_1_or_20_lists(callers: Callers):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            data = run_ok(callers.manager, LISTS, {"first": 50})
        assert data["loyaltyPriceLists"]["edges"]
        return len(queries)

    one = _list("List 0")
    _entry(one, 1, 1, 10, 100)
    with_one = count_queries()
    for index in range(1, 20):
        price_list = _list(f"List {index}")
        for target in range(3):
            _entry(price_list, 100 * index + target, 1, 10, 100)
    with_twenty = count_queries()

    print(f"queries for a page of 1 list: {with_one}, of 20 lists with 3 entries each: {with_twenty}")
    assert with_one == with_twenty
    # the token's user + groups, the page, its entries, their breaks and the total count
    assert with_twenty <= 7


@pytest.mark.parametrize("who", ["users_staff", "customer", "anonymous"])
def test_callers_without_manage_discounts_are_refused_and_nothing_changes(callers: Callers, who: str):
    price_list = _list()
    entry = _entry(price_list)
    list_id = to_global_id("LoyaltyPriceList", price_list.pk)
    entry_id = to_global_id("LoyaltyPriceListEntry", entry.pk)
    client = getattr(callers, who)
    breaks = [{"minQuantity": 1, "fixedPrice": "0"}]
    before = rules_snapshot()

    assert_refused(client.post_graphql(LISTS, {"first": 5}))
    assert_refused(client.post_graphql(CREATE, {"input": {"name": "Mine", "currency": "EUR"}}))
    assert_refused(client.post_graphql(UPDATE, {"id": list_id, "input": {"priority": 99}}))
    assert_refused(client.post_graphql(DELETE, {"id": list_id}))
    assert_refused(client.post_graphql(ENTRY_CREATE, {"list": list_id, "input": {"targetKind": "ALL", "breaks": breaks}}))
    assert_refused(client.post_graphql(ENTRY_UPDATE, {"id": entry_id, "input": {"breaks": breaks}}))
    assert_refused(client.post_graphql(ENTRY_DELETE, {"id": entry_id}))
    assert rules_snapshot() == before
