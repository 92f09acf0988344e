"""<loyalty-checkout> in Chromium against the demo: what the order earns, the gift explained,
redeeming changes the checkout's quote and a double click holds once, release, a refusal shown."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from selenium.webdriver.common.action_chains import ActionChains

from saleor_loyalty.graphql.core.ids import from_global_id_or_error
from saleor_loyalty.models import HoldStatus, PointHold
from saleor_loyalty.services import points

from .conftest import save_screenshot
from .storefront import DemoSite, demo_site, open_page, redraws, shadow, shadow_text, wait_for  # noqa: F401

pytestmark = pytest.mark.django_db

CHECKOUT = "loyalty-checkout"
QUOTE = """query ($id: ID!) {
  loyaltyQuote(checkoutId: $id) { goodsPaid pointsEarned maxRedeemablePoints discount { kind points amount } }
}"""


def quote(site: DemoSite) -> dict[str, Any]:
    return site.api(QUOTE, {"id": site.shoppers["Alice"].checkout_id}, as_=site.cast.alice)["loyaltyQuote"]  # type: ignore[no-any-return]


def holds(site: DemoSite) -> list[tuple[int, str]]:
    token = from_global_id_or_error(site.shoppers["Alice"].checkout_id or "", "Checkout")
    return list(PointHold.objects.filter(checkout_token=token).order_by("pk").values_list("points", "status"))


def set_points(driver: Any, value: int) -> None:
    driver.execute_script(
        f"const input = {shadow(CHECKOUT, 'input[type=number]')}; input.value = arguments[0];"
        "input.dispatchEvent(new Event('input'));", str(value)
    )


def test_redeeming_changes_the_quote_and_a_double_click_holds_once(browser: Any, demo_site: DemoSite) -> None:
    site = demo_site
    # given Alice's open cart (kettle + 2 x espresso, $113.00) and her 546 points
    before = quote(site)
    assert (before["goodsPaid"], before["discount"]) == ("113.00", None)
    open_page(browser, site.page("Alice"))
    earns = shadow_text(browser, CHECKOUT, "[part=earns]")
    assert earns == f"This order earns {before['pointsEarned']} points."
    slider = wait_for(browser, f"const s = {shadow(CHECKOUT, 'input[type=range]')}; return s && [s.min, s.max];")
    assert slider == ["100", str(before["maxRedeemablePoints"])] == ["100", "546"]

    # when she asks for 300 points and double-clicks the button
    set_points(browser, 300)
    assert shadow_text(browser, CHECKOUT, "[part=worth]") == "$3.00 off"
    redrawn = redraws(browser, CHECKOUT)
    button = browser.execute_script(f"return {shadow(CHECKOUT, '[data-action=redeem]')}")
    ActionChains(browser).double_click(button).perform()
    redrawn()
    held = shadow_text(browser, CHECKOUT, "[part=held]")
    save_screenshot(browser, "storefront-checkout")

    # then one hold of 300 points, and the quote (through the API) takes $3.00 off
    assert holds(site) == [(300, HoldStatus.ACTIVE)]
    balance = points.get_balance(points.Owner.customer(site.cast.alice.user.pk))
    assert (balance.available, balance.held) == (246, 300)
    after = quote(site)
    assert after["goodsPaid"] == str(Decimal(before["goodsPaid"]) - Decimal("3.00"))
    assert after["discount"] == {"kind": "REDEMPTION", "points": 300, "amount": "3.00"}
    assert held.startswith("300 points held: $3.00 off this order.")

    # when she releases them
    redrawn = redraws(browser, CHECKOUT)
    browser.execute_script(f"{shadow(CHECKOUT, '[data-action=release]')}.click()")
    redrawn()
    # then the hold is released and the quote is back
    assert holds(site) == [(300, HoldStatus.RELEASED)]
    assert quote(site)["discount"] is None
    assert points.get_balance(points.Owner.customer(site.cast.alice.user.pk)).held == 0


def test_a_refusal_is_a_clear_line_and_changes_nothing(browser: Any, demo_site: DemoSite) -> None:
    open_page(browser, demo_site.page("Alice"))
    wait_for(browser, f"return {shadow(CHECKOUT, 'input[type=number]')}")
    held_before = holds(demo_site)
    # when she types more than the order allows (the field's max is a hint; the API decides)
    set_points(browser, 5000)
    redrawn = redraws(browser, CHECKOUT)
    browser.execute_script(f"{shadow(CHECKOUT, '[data-action=redeem]')}.click()")
    redrawn()
    assert shadow_text(browser, CHECKOUT, "[part=error]") == "That is more than this order allows."
    assert browser.execute_script(f"return {shadow(CHECKOUT, '[part=error]')}.getAttribute('role')") == "alert"
    assert holds(demo_site) == held_before


def test_the_gift_is_explained_and_points_below_the_minimum_said_so(browser: Any, demo_site: DemoSite) -> None:
    # Wes's wholesale cart ($782.00) gets the mug (he spends from his company's pool, which has points)
    open_page(browser, demo_site.page("Wes"))
    assert shadow_text(browser, CHECKOUT, "[part=gift]") == (
        "Free gift added: Free logo mug over $150 (your order reaches $150.00)."
    )
    # Bob's open cart (the paper filters he tried Alice's code on): his points are all still pending
    open_page(browser, demo_site.page("Bob"))
    assert shadow_text(browser, CHECKOUT, "[part=need-more]") == "You can pay with points from 100 points; you have 0 points."
