"""Tiers and price lists in Chromium: create a tier, a price list with breaks, import a CSV."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from saleor_loyalty.graphql.auth import LoyaltyPermission
from saleor_loyalty.models import PriceBreak, PriceList, PriceListEntry, Tier

from .conftest import save_screenshot
from .console_support import click, make_user, sign_in, text

pytestmark = pytest.mark.django_db(transaction=True)


def fill(browser: Any, values: dict[str, str]) -> None:
    for name, value in values.items():
        element = browser.find_element(By.NAME, name)
        if element.tag_name == "select":
            Select(element).select_by_value(value)
        else:
            element.clear()
            element.send_keys(value)


@pytest.fixture
def staff(browser: Any, live_server: Any) -> Any:
    user = make_user("rules@example.com", LoyaltyPermission.MANAGE_DISCOUNTS)
    sign_in(browser, live_server, user.email)
    return user


def test_create_a_tier_after_fixing_a_field_error(browser: Any, live_server: Any, staff: Any) -> None:
    browser.get(f"{live_server.url}/console/tiers/new/")
    fill(browser, {"name": "Gold", "slug": "gold star", "rank": "2", "metric": "spend", "threshold": "500",
                   "window_days": "365"})
    click(browser, "#save")
    # the service's message is beside the slug field; nothing saved
    assert "may contain only letters" in text(browser, '[data-field="slug"]')
    assert not Tier.objects.exists()
    save_screenshot(browser, "console-tier-error")
    fill(browser, {"slug": "gold"})
    click(browser, "#save")
    assert "Created." in text(browser, ".notice")
    tier = Tier.objects.get()
    assert (tier.slug, tier.threshold, tier.window_days) == ("gold", Decimal("500"), 365)
    browser.get(f"{live_server.url}/console/tiers/")
    assert "Gold" in text(browser, "#rule-list")
    save_screenshot(browser, "console-tiers")


def test_create_a_price_list_with_breaks_and_import_a_csv_with_a_bad_row(browser: Any, live_server: Any, staff: Any) -> None:
    # given a new price list
    browser.get(f"{live_server.url}/console/price-lists/new/")
    fill(browser, {"name": "Wholesale", "currency": "EUR"})
    click(browser, "#save")
    price_list = PriceList.objects.get()
    # when an entry with two breaks is added
    click(browser, "#new-entry")
    fill(browser, {"target_kind": "variant", "target_id": "7", "breaks-0-min_quantity": "10",
                   "breaks-0-fixed_price": "9.50", "breaks-1-min_quantity": "50", "breaks-1-percent_off": "12.5"})
    click(browser, "#save-entry")
    # then the list shows it, as stored
    assert "10+: 9.500 EUR" in text(browser, "#entries") and "50+: -12.5000%" in text(browser, "#entries")
    assert PriceBreak.objects.count() == 2
    save_screenshot(browser, "console-price-list")
    # when a CSV with one bad row (row 3) is imported
    click(browser, "#import-csv")
    browser.find_element(By.ID, "csv-text").send_keys(
        "target_kind,target_id,min_quantity,fixed_price,percent_off\n"
        "variant,8,1,4.00,\nvariant,8,10,-1,\nvariant,9,5,,5\n"
    )
    click(browser, "#import-submit")
    # then the row is named and nothing is saved: still the one entry and its two breaks
    rows = browser.find_elements(By.CSS_SELECTOR, "#row-errors tbody tr")
    assert [row.find_elements(By.TAG_NAME, "td")[0].text for row in rows] == ["3"]
    assert "fixed_price" in rows[0].text
    assert PriceListEntry.objects.filter(price_list=price_list).count() == 1
    assert PriceBreak.objects.count() == 2
    save_screenshot(browser, "console-price-list-import")
