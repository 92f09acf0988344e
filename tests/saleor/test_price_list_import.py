"""loyaltyPriceListImport inside Saleor: SKUs resolve to Saleor's own variants; an unknown SKU is
refused naming its row, and nothing is written."""

from __future__ import annotations

import json

import pytest

from saleor_loyalty.models import PriceBreak
from saleor_loyalty.services import rules

URL = "/plugins/global/saleor.loyalty/graphql/"
IMPORT = """
mutation ($list: ID!, $csv: String!) {
  loyaltyPriceListImport(priceListId: $list, csv: $csv) {
    result { entriesCreated breaksWritten }
    errors { field code message }
  }
}
"""


@pytest.fixture
def staff_token(staff_user, permission_manage_discounts):
    from saleor.core.jwt import create_access_token

    staff_user.user_permissions.add(permission_manage_discounts)
    return create_access_token(staff_user)


def import_csv(client, token, price_list, csv):
    from saleor_loyalty.graphql.core.ids import to_global_id

    body = {"query": IMPORT, "variables": {"list": to_global_id("LoyaltyPriceList", price_list.pk), "csv": csv}}
    response = client.post(URL, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    return response.json()["data"]["loyaltyPriceListImport"]


def test_skus_resolve_to_saleor_variants(loyalty_plugin, client, staff_token, product):
    variant = product.variants.first()
    price_list = rules.create_price_list({"name": "Wholesale", "currency": "USD"})

    result = import_csv(client, staff_token, price_list, f"sku,min_quantity,fixed_price\n{variant.sku},50,8.00\n")

    assert result["errors"] == []
    assert result["result"] == {"entriesCreated": 1, "breaksWritten": 1}
    [price_break] = PriceBreak.objects.select_related("entry")
    assert (price_break.entry.target_kind, price_break.entry.target_id, price_break.min_quantity) == (
        "variant", variant.pk, 50,
    )


def test_an_unknown_sku_is_refused_by_row_and_nothing_is_written(loyalty_plugin, client, staff_token, product):
    variant = product.variants.first()
    price_list = rules.create_price_list({"name": "Wholesale", "currency": "USD"})
    csv = f"sku,min_quantity,fixed_price\n{variant.sku},50,8.00\nNO-SUCH-SKU,10,9.00\n"

    result = import_csv(client, staff_token, price_list, csv)

    assert result["result"] is None
    assert [(error["field"], error["message"]) for error in result["errors"]] == [
        ("row 3.sku", "row 3.sku: no variant has SKU 'NO-SUCH-SKU'"),
    ]
    assert not PriceBreak.objects.exists()
