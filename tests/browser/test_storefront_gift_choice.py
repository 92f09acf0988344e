"""<loyalty-checkout> in Chromium: a gift rule's choice shown as radio buttons; a click picks the
gift through loyaltyGiftChoose and the checkout's quote gives that gift."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from saleor_loyalty.graphql.core.ids import from_global_id_or_error, to_global_id
from saleor_loyalty.models import GiftChoice, GiftRule
from saleor_loyalty.services import rules

from .conftest import save_screenshot
from .storefront import DemoSite, demo_site, open_page, redraws, shadow, wait_for  # noqa: F401

pytestmark = pytest.mark.django_db

CHECKOUT = "loyalty-checkout"
GIFTS = "query ($id: ID!) { loyaltyQuote(checkoutId: $id) { giftLines { variantId quantity } } }"
FILTERS, ESPRESSO, MUG = 301, 101, 302  # the demo catalogue's variant ids


@pytest.fixture(scope="module")
def choice_site(demo_site: DemoSite, django_db_blocker: Any) -> Iterator[DemoSite]:
    """The demo with its $150 mug rule turned into a choice: the mug (default), filters or espresso.
    Committed, so that the server's thread sees it."""
    with django_db_blocker.unblock():
        rule = GiftRule.objects.get(name="Free logo mug over $150")
        rules.update_gift_rule(rule.pk, {"options": [{"variant_id": FILTERS, "quantity": 2}, {"variant_id": ESPRESSO}]})
    yield demo_site


def options(browser: Any) -> list[tuple[str, str, bool]]:
    """(type, label, checked) of each gift option the element shows."""
    return browser.execute_script(
        f"return [...{shadow(CHECKOUT, 'fieldset[part=gift-choice]')}.querySelectorAll('label')].map("
        "(label) => { const input = label.querySelector('input');"
        " return [input.type, label.textContent.replace(/\\s+/g, ' ').trim(), input.checked]; });"
    )


def test_the_shopper_picks_a_gift_with_a_radio_button(browser: Any, choice_site: DemoSite) -> None:
    site = choice_site
    wes = site.shoppers["Wes"]
    # given Wes's $782.00 wholesale cart, which reaches the $150 gift
    open_page(browser, site.page("Wes"))
    wait_for(browser, f"return {shadow(CHECKOUT, 'fieldset[part=gift-choice]')}")
    assert options(browser) == [
        ["radio", "Logo mug", True], ["radio", "Paper filters x100 × 2", False], ["radio", "Espresso beans 1 kg", False],
    ]

    # when he picks the filters
    redrawn = redraws(browser, CHECKOUT)
    filters = shadow(CHECKOUT, f'input[value="{to_global_id("ProductVariant", FILTERS)}"]')
    browser.execute_script(f"{filters}.click()")
    redrawn()

    # then the element shows his pick, and the checkout's quote gives it
    assert options(browser)[1] == ["radio", "Paper filters x100 × 2", True]
    assert [option[2] for option in options(browser)] == [False, True, False]
    save_screenshot(browser, "storefront-gift-choice")
    quote = site.api(GIFTS, {"id": wes.checkout_id}, as_=site.cast.wes)["loyaltyQuote"]
    assert quote["giftLines"] == [{"variantId": to_global_id("ProductVariant", FILTERS), "quantity": 2}]
    token = from_global_id_or_error(wes.checkout_id or "", "Checkout")
    assert list(GiftChoice.objects.filter(checkout_token=token).values_list("variant_ids", flat=True)) == [[FILTERS]]
