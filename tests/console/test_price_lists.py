"""Price lists: fields, entries with breaks, CSV import (all or nothing), buyer preview."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from saleor_loyalty.models import PriceBreak, PriceList, PriceListEntry

from ..graphql.conftest import shop  # noqa: F401 - fixture: the fake shop, rules cache forgotten around it
from ..services.fakes import FakeShop
from .conftest import csrf_of

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    token = csrf_of(client.get("/console/tiers/new/").content.decode())
    return client.post(url, {**data, "csrf_token": token})


@pytest.fixture
def price_list(console: Client) -> PriceList:
    post(console, "/console/price-lists/new/", {"name": "Wholesale", "currency": "EUR", "priority": "0",
                                                "audience_kind": "everyone", "is_active": "on"})
    return PriceList.objects.get(name="Wholesale")


def test_an_entry_with_breaks_is_saved(console: Client, price_list: PriceList) -> None:
    response = post(console, f"/console/price-lists/{price_list.pk}/entries/new/", {
        "target_kind": "variant", "target_id": "7", "breaks-0-min_quantity": "10", "breaks-0-fixed_price": "9.50",
        "breaks-1-min_quantity": "50", "breaks-1-percent_off": "12.5",
    })
    assert response.status_code == 303
    entry = PriceListEntry.objects.get(price_list=price_list)
    assert [(b.min_quantity, b.fixed_price, b.percent_off) for b in entry.breaks.all()] == [
        (10, Decimal("9.500"), None), (50, None, Decimal("12.5000"))]
    page = console.get(f"/console/price-lists/{price_list.pk}/").content.decode()
    assert "10+: 9.500 EUR" in page and "50+: -12.5000%" in page


def test_a_bad_break_is_shown_on_its_row_and_nothing_saved(console: Client, price_list: PriceList) -> None:
    response = post(console, f"/console/price-lists/{price_list.pk}/entries/new/", {
        "target_kind": "variant", "target_id": "7", "breaks-0-min_quantity": "10", "breaks-0-fixed_price": "9.50",
        "breaks-2-min_quantity": "50", "breaks-2-fixed_price": "5", "breaks-2-percent_off": "10",
    })
    html = response.content.decode()
    assert response.status_code == 400
    assert 'data-field="breaks-2">' in html  # the third row of the form (the second break sent)
    assert not PriceListEntry.objects.exists()


def test_csv_with_one_bad_row_lists_it_and_saves_nothing(console: Client, price_list: PriceList) -> None:
    csv_text = ("target_kind,target_id,min_quantity,fixed_price,percent_off\n"
                "variant,7,1,10.00,\nvariant,7,10,abc,\nvariant,8,5,,5\n")
    response = post(console, f"/console/price-lists/{price_list.pk}/import/", {"csv_text": csv_text})
    html = response.content.decode()
    assert response.status_code == 400
    assert '<td class="num">3</td><td>fixed_price</td>' in html
    assert not PriceListEntry.objects.exists() and not PriceBreak.objects.exists()
    fixed = csv_text.replace("abc", "8.00")
    assert post(console, f"/console/price-lists/{price_list.pk}/import/", {"csv_text": fixed}).status_code == 303
    assert PriceBreak.objects.count() == 3


def test_preview_shows_the_buyers_table(console: Client, price_list: PriceList, shop: FakeShop) -> None:
    shop.add_variant(7, "12.00", channel="eu", currency="EUR")
    post(console, f"/console/price-lists/{price_list.pk}/entries/new/", {
        "target_kind": "variant", "target_id": "7", "breaks-0-min_quantity": "10", "breaks-0-fixed_price": "9.50"})
    html = console.get(f"/console/price-lists/{price_list.pk}/preview/",
                       {"channel": "eu", "variant_ids": "7", "customer_id": ""}).content.decode()
    assert '<td>1</td><td class="num">12.00</td>' in html
    assert '<td>10</td><td class="num">9.50</td>' in html
