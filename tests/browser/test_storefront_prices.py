"""<loyalty-price-breaks> in Chromium against the demo: each buyer sees the table the API gives
them, the row that applies highlighted, one request for a page of tables, Russian text."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from saleor_loyalty.graphql.core.ids import to_global_id

from .conftest import save_screenshot
from .storefront import DemoSite, demo_site, open_page, shadow_text, wait_for  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

ESPRESSO = to_global_id("ProductVariant", 101)
PRICES = """query ($ids: [ID!]!) {
  loyaltyTierPrices(channel: "default-channel", variantIds: $ids) { variantId currency breaks { minQuantity unitPrice } }
}"""
TABLE = "loyalty-price-breaks[variant-id='101']"
# The rows as the element drew them: the quantity cell, the exact unit price it was given, the highlight.
ROWS = f"""return [...(document.querySelector("{TABLE}").shadowRoot?.querySelectorAll('tbody tr') || [])].map(
  (row) => [row.cells[0].textContent.trim(), row.cells[1].dataset.unitPrice, row.cells[1].textContent.trim(),
            row.getAttribute('aria-current') === 'true'])"""


def api_breaks(site: DemoSite, person: Any) -> list[tuple[int, Decimal]]:
    [table] = site.api(PRICES, {"ids": [ESPRESSO]}, as_=person)["loyaltyTierPrices"]
    return [(row["minQuantity"], Decimal(row["unitPrice"])) for row in table["breaks"]]


def test_retail_and_wholesale_buyers_see_their_own_tables(browser: Any, demo_site: DemoSite) -> None:
    site = demo_site
    # given what the API gives each buyer for the espresso beans
    wholesale = api_breaks(site, site.cast.wes)
    retail = api_breaks(site, site.cast.alice)
    assert wholesale == [(1, Decimal("24.00")), (10, Decimal("19.50")), (25, Decimal("17.00"))]
    assert retail == [(1, Decimal("24.00"))]

    # when Wes opens the shop page
    open_page(browser, site.page("Wes"), count_requests=True)
    rows = wait_for(browser, ROWS)
    save_screenshot(browser, "storefront-price-breaks")

    # then his table has the API's rows, the first highlighted at quantity 1
    assert [(int(text.split("+")[0]), Decimal(price)) for text, price, _, _ in rows] == wholesale
    assert [shown for _, _, shown, _ in rows] == ["$24.00", "$19.50", "$17.00"]
    assert [current for *_, current in rows] == [True, False, False]
    assert [text for text, *_ in rows] == ["1+", "10+Wholesale price", "25+Wholesale price"]
    assert shadow_text(browser, TABLE, "[part=hint]") == "9 more for $19.50 each"
    # and the six tables on the page cost one request
    calls = browser.execute_script("return window.__loyaltyCalls")
    price_calls = [body for body in calls if "loyaltyTierPrices" in body]
    assert len(price_calls) == 1, calls
    assert price_calls[0].count("UHJvZHVjdFZhcmlhbnQ6") == 6
    # and the whole page one per element kind (account, prices, checkout, referral), none twice
    assert len(calls) == 4, calls

    # when Alice, a retail customer, opens it: the channel's price, no table
    open_page(browser, site.page("Alice"))
    assert shadow_text(browser, TABLE, "[part=price]") == "Price: $24.00"
    assert browser.execute_script(f"return {ROWS.removeprefix('return ')}.length") == 0


def test_quantity_moves_the_highlight_without_a_request(browser: Any, demo_site: DemoSite) -> None:
    open_page(browser, demo_site.page("Wes"), count_requests=True)
    wait_for(browser, ROWS)
    before = browser.execute_script("return window.__loyaltyCalls.length")
    # when the shopper types 12 in the quantity field of the espresso card
    browser.execute_script(
        "const input = document.querySelector(\".card[data-variant='101'] input\");"
        "input.value = '12'; input.dispatchEvent(new Event('input'));"
    )
    rows = wait_for(browser, f"const rows = (() => {{ {ROWS} }})(); return rows[1][3] && rows;")
    # then the 10+ row applies, the hint names the next break, and nothing was fetched
    assert [current for *_, current in rows] == [False, True, False]
    assert shadow_text(browser, TABLE, "[part=hint]") == "13 more for $17.00 each"
    assert browser.execute_script("return window.__loyaltyCalls.length") == before


def test_russian_table(browser: Any, demo_site: DemoSite) -> None:
    open_page(browser, demo_site.page("Wes", lang="ru"))
    rows = wait_for(browser, ROWS)
    caption = shadow_text(browser, TABLE, "caption")
    headers = browser.execute_script(
        f"return [...document.querySelector(\"{TABLE}\").shadowRoot.querySelectorAll('th')].map((th) => th.textContent)"
    )
    save_screenshot(browser, "storefront-price-breaks-ru")
    assert caption == "Цены от количества"
    assert headers == ["Количество", "Цена за шт.", "Скидка"]
    assert [text for text, *_ in rows] == ["от 1", "от 10цена «Wholesale»", "от 25цена «Wholesale»"]
    # Intl formats money the Russian way: a comma and the currency after the number
    assert rows[1][2].replace("\xa0", " ") == "19,50 $"
    assert shadow_text(browser, TABLE, "[part=hint]").startswith("ещё 9 — по 19,50")
