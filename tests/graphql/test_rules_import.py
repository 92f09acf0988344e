"""loyaltyPriceListImport: a CSV of breaks, every row checked first, all rows or none."""

from __future__ import annotations

from typing import Any

import pytest

from saleor_loyalty import shop as shop_port
from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.models import PriceBreak, PriceList, PriceListEntry
from saleor_loyalty.services import rules
from saleor_loyalty.services.rules import price_lists

from .rules_support import (  # noqa: F401
    Callers,
    SkuShop,
    assert_refused,
    callers,
    payload,
    rules_snapshot,
    rules_version,
    sku_shop,
)

pytestmark = pytest.mark.django_db

IMPORT = """
mutation ($list: ID!, $csv: String!, $replace: Boolean) {
  loyaltyPriceListImport(priceListId: $list, csv: $csv, replace: $replace) {
    result { entriesCreated entriesReplaced entriesDeleted breaksWritten }
    priceList { entries { targetKind targetId sku breaks { minQuantity fixedPrice percentOff } } }
    errors { field code message }
  }
}
"""


@pytest.fixture
def price_list() -> PriceList:
    return rules.create_price_list({"name": "Wholesale", "currency": "EUR"})


def _import(client: Any, price_list: PriceList, csv: str, replace: bool | None = None) -> dict[str, Any]:
    variables = {"list": to_global_id("LoyaltyPriceList", price_list.pk), "csv": csv, "replace": replace}
    return payload(client, IMPORT, variables, "loyaltyPriceListImport")


def _breaks() -> list[tuple[str, int | None, int, str | None, str | None]]:
    return [
        (b.entry.target_kind, b.entry.target_id, b.min_quantity,
         None if b.fixed_price is None else str(b.fixed_price), None if b.percent_off is None else str(b.percent_off))
        for b in PriceBreak.objects.select_related("entry").order_by("entry__target_kind", "entry__target_id", "min_quantity")
    ]


def test_import_by_sku_and_by_target(callers: Callers, price_list: PriceList, sku_shop: SkuShop):
    version = rules_version()
    csv = (
        "sku,target_kind,target_id,min_quantity,fixed_price,percent_off\n"
        "BOLT-M8,,,1,0.40,\n"
        "BOLT-M8,,,100,0.32,\n"
        ",,,,,\n"
        "NUT-M8,,,50,,10\n"
        ",category,3,20,,5\n"
    )

    result = _import(callers.manager, price_list, csv)

    assert result["errors"] == []
    assert result["result"] == {"entriesCreated": 3, "entriesReplaced": 0, "entriesDeleted": 0, "breaksWritten": 4}
    assert _breaks() == [
        ("category", 3, 20, None, "5.0000"),
        ("variant", 55, 1, "0.400", None),
        ("variant", 55, 100, "0.320", None),
        ("variant", 56, 50, None, "10.0000"),
    ]
    by_target = {(e["targetKind"], e["targetId"]): e for e in result["priceList"]["entries"]}
    assert by_target[("VARIANT", to_global_id("ProductVariant", 55))]["sku"] == "BOLT-M8"
    assert sku_shop.calls == [("skus", ["BOLT-M8", "NUT-M8"])]  # one lookup for the whole file
    assert rules_version() == version + 1


def test_a_target_in_the_file_replaces_its_entry_and_replace_drops_the_others(
    callers: Callers, price_list: PriceList
):
    for target in (7, 8):
        rules.create_price_list_entry(price_list.pk, {
            "target_kind": "product", "target_id": target, "breaks": [{"min_quantity": 1, "fixed_price": "9"}]})
    csv = "target_kind,target_id,min_quantity,fixed_price\nproduct,7,5,8.00\nproduct,9,1,3\n"

    merged = _import(callers.manager, price_list, csv)
    assert merged["result"] == {"entriesCreated": 1, "entriesReplaced": 1, "entriesDeleted": 0, "breaksWritten": 2}
    assert _breaks() == [("product", 7, 5, "8.000", None), ("product", 8, 1, "9.000", None),
                         ("product", 9, 1, "3.000", None)]

    replaced = _import(callers.manager, price_list, "target_kind,target_id,min_quantity,fixed_price\nproduct,9,2,2.50\n",
                       replace=True)
    assert replaced["result"] == {"entriesCreated": 1, "entriesReplaced": 0, "entriesDeleted": 3, "breaksWritten": 1}
    assert _breaks() == [("product", 9, 2, "2.500", None)]


def test_every_bad_row_is_named_and_nothing_is_written(callers: Callers, price_list: PriceList, sku_shop: SkuShop):
    rules.create_price_list_entry(price_list.pk, {
        "target_kind": "variant", "target_id": 55, "breaks": [{"min_quantity": 1, "fixed_price": "9"}]})
    before = rules_snapshot()
    csv = (
        "sku,target_kind,target_id,min_quantity,fixed_price,percent_off\n"  # row 1
        "BOLT-M8,,,1,0.40,\n"  # row 2: fine
        "BOLT-M8,,,0,0.40,\n"  # row 3: quantity 0
        "BOLT-M8,,,5,-1,\n"  # row 4: negative price
        "NOPE-1,,,5,1,\n"  # row 5: unknown SKU
        "NUT-M8,,,5,1,10\n"  # row 6: both prices
        ",variant,abc,5,1,\n"  # row 7: id not a number
        "BOLT-M8,,,1,0.30,\n"  # row 8: repeats row 2's quantity
    )

    # replace=True too: a refused file must not delete the existing entries either
    result = _import(callers.manager, price_list, csv, replace=True)

    assert result["result"] is None and result["priceList"] is None
    assert [error["field"] for error in result["errors"]] == [
        "row 3.minQuantity", "row 4.fixedPrice", "row 7.targetId", "row 5.sku", "row 6.fixedPrice", "row 8.minQuantity",
    ]
    assert {error["code"] for error in result["errors"]} == {"INVALID"}
    assert "row 5.sku: no variant has SKU 'NOPE-1'" in [error["message"] for error in result["errors"]]
    assert rules_snapshot() == before


@pytest.mark.parametrize(
    ("csv", "messages"),
    [
        ("", ["csv: the file is empty or has no header row"]),
        ("min_quantity,fixed_price\n", ["csv: no rows to import"]),
        ("variant,qty,price\n1,2,3\n", ["csv: unknown columns price, qty, variant",
                                         "csv: the min_quantity column is required"]),
        ("sku,fixed_price\nBOLT-M8,1\n", ["csv: the min_quantity column is required"]),
    ],
)
def test_malformed_files_are_refused(callers: Callers, price_list: PriceList, csv: str, messages: list[str]):
    before = rules_snapshot()

    result = _import(callers.manager, price_list, csv)

    assert [(error["field"], error["message"]) for error in result["errors"]] == [("csv", m) for m in messages]
    assert rules_snapshot() == before


def test_a_row_with_more_cells_than_columns_is_named(callers: Callers, price_list: PriceList):
    result = _import(callers.manager, price_list, "target_kind,target_id,min_quantity,fixed_price\nall,,1,2,3\n")

    assert [error["field"] for error in result["errors"]] == ["row 2"]
    assert not PriceListEntry.objects.exists()


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    callers: Callers, price_list: PriceList, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(price_lists, "MAX_CSV_BYTES", 100)
    csv = "target_kind,target_id,min_quantity,fixed_price\n" + "product,7,1,2\n" * 10

    result = _import(callers.manager, price_list, csv)

    assert [error["field"] for error in result["errors"]] == ["csv"]
    assert "the maximum is 100" in result["errors"][0]["message"]
    assert not PriceListEntry.objects.exists()


def test_skus_need_a_shop_that_can_look_them_up(callers: Callers, price_list: PriceList):
    from tests.services.fakes import FakeShop

    shop_port.set_shop(FakeShop())
    try:
        result = _import(callers.manager, price_list, "sku,min_quantity,fixed_price\nBOLT-M8,1,2\n")
    finally:
        shop_port.set_shop(None)

    assert [error["field"] for error in result["errors"]] == ["csv"]
    assert "target_kind and target_id" in result["errors"][0]["message"]
    assert not PriceListEntry.objects.exists()


def test_unknown_price_list(callers: Callers):
    before = rules_snapshot()

    result = payload(callers.manager, IMPORT, {"list": to_global_id("LoyaltyPriceList", 999),
                                              "csv": "target_kind,min_quantity,percent_off\nall,1,5\n", "replace": True},
                     "loyaltyPriceListImport")

    assert [(error["field"], error["code"]) for error in result["errors"]] == [("priceListId", "NOT_FOUND")]
    assert rules_snapshot() == before


@pytest.mark.parametrize("who", ["users_staff", "customer", "anonymous"])
def test_callers_without_manage_discounts_are_refused(callers: Callers, price_list: PriceList, who: str):
    before = rules_snapshot()

    response = getattr(callers, who).post_graphql(IMPORT, {
        "list": to_global_id("LoyaltyPriceList", price_list.pk), "csv": "target_kind,min_quantity,percent_off\nall,1,5\n",
        "replace": True,
    })

    assert_refused(response)
    assert rules_snapshot() == before
