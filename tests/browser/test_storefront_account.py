"""<loyalty-account> and <loyalty-referral> in Chromium against the demo: the API's figures drawn,
light and dark backgrounds, an expired token and a guest get the sign-in line, the network down
gets a clear line, and the panel is drawn soon after the page loads."""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import save_screenshot
from .storefront import DemoSite, demo_site, expired_token, open_page, shadow, shadow_text, wait_for  # noqa: F401

pytestmark = pytest.mark.django_db

ACCOUNT = "loyalty-account"
API_ACCOUNT = """{ loyaltyAccount { available pending tier { name } nextTier { name } tierProgress { missing }
  nextExpiry { points } } }"""


def test_account_panel_shows_what_the_api_says(browser: Any, demo_site: DemoSite) -> None:
    site = demo_site
    account = site.api(API_ACCOUNT, as_=site.cast.alice)["loyaltyAccount"]
    # Alice after the story and the shop page's 500 points: 546 available, 483 pending (with her next-purchase order), Gold
    assert (account["available"], account["pending"], account["tier"]["name"]) == (546, 483, "Gold")
    open_page(browser, site.page("Alice"))
    assert shadow_text(browser, ACCOUNT, "[part=available]") == "546 points"
    assert shadow_text(browser, ACCOUNT, "[part=value]") == "worth $5.46"
    assert shadow_text(browser, ACCOUNT, "[part=pending]") == "483 points"
    assert shadow_text(browser, ACCOUNT, "[part=tier]") == "Tier: Gold"
    assert shadow_text(browser, ACCOUNT, "[part=next-tier]") == (
        f"${float(account['tierProgress']['missing']):,.2f} more to reach {account['nextTier']['name']}"
    )
    assert shadow_text(browser, ACCOUNT, "[part=expiry]").startswith(f"{account['nextExpiry']['points']} points expire on ")
    entries = browser.execute_script(f"return [...{shadow(ACCOUNT, '[part=statement]')}.children].map((li) => li.textContent)")
    assert any("Adjustment (Points to try on the shop page): +500" in entry for entry in entries), entries
    # the panel's render mark: drawn, some time after navigation started
    drawn = browser.execute_script("return performance.getEntriesByName('loyalty:account-rendered')[0].startTime")
    assert 0 < drawn < 15_000
    shadow_text(browser, "loyalty-referral", "[part=counts]")
    save_screenshot(browser, "storefront-light")


def test_dark_background(browser: Any, demo_site: DemoSite) -> None:
    open_page(browser, demo_site.page("Alice", theme="dark"))
    shadow_text(browser, ACCOUNT, "[part=available]")
    shadow_text(browser, "loyalty-checkout", "[part=earns]")
    shadow_text(browser, "loyalty-referral", "[part=counts]")
    # the elements take the page's text colour: light text on the dark page
    color = browser.execute_script(f"return getComputedStyle({shadow(ACCOUNT, '[part=available]')}).color")
    assert color == "rgb(230, 232, 235)"
    save_screenshot(browser, "storefront-dark")


def test_referral_panel(browser: Any, demo_site: DemoSite) -> None:
    open_page(browser, demo_site.page("Alice"))
    code = shadow_text(browser, "loyalty-referral", "[part=code]")
    assert code.startswith("REF-")
    link = browser.execute_script(f"return {shadow('loyalty-referral', '[part=link]')}.value")
    assert link == f"https://coffee.example.com/join?ref={code}"
    assert shadow_text(browser, "loyalty-referral", "[part=counts]") == "1 friend joined; 1 reward, 200 points"
    browser.execute_script(f"{shadow('loyalty-referral', '[data-action=copy]')}.click()")
    assert shadow_text(browser, "loyalty-referral", "[part=status]") == "Copied."


def test_expired_token_shows_the_sign_in_message(browser: Any, demo_site: DemoSite) -> None:
    open_page(browser, demo_site.page(token=expired_token(demo_site.cast.alice)))
    assert shadow_text(browser, ACCOUNT, "[part=error]") == "Your session has expired. Please sign in again."
    assert browser.execute_script(f"return {shadow(ACCOUNT, '[part=error]')}.getAttribute('role')") == "alert"
    assert shadow_text(browser, "loyalty-referral", "[part=error]") == "Your session has expired. Please sign in again."
    save_screenshot(browser, "storefront-expired")


def test_guest_is_asked_to_sign_in(browser: Any, demo_site: DemoSite) -> None:
    open_page(browser, demo_site.page())
    assert shadow_text(browser, ACCOUNT, "[part=sign-in]") == "Sign in to see your points."
    assert shadow_text(browser, "loyalty-referral", "[part=sign-in]") == "Sign in to see your points."
    # a guest still sees the channel's price
    assert shadow_text(browser, "loyalty-price-breaks[variant-id='101']", "[part=price]") == "Price: $24.00"


def test_network_down_is_a_clear_line(browser: Any, demo_site: DemoSite) -> None:
    open_page(browser, demo_site.page("Alice"))
    shadow_text(browser, ACCOUNT, "[part=available]")
    # when the API cannot be reached (nothing listens on port 9 of the loopback)
    browser.execute_script("document.querySelector('loyalty-account').setAttribute('api-url', 'http://127.0.0.1:9/graphql/')")
    message = shadow_text(browser, ACCOUNT, "[part=error]")
    assert message == "Cannot reach the loyalty service. Check your connection and try again."


def test_russian_and_ukrainian_panels(browser: Any, demo_site: DemoSite) -> None:
    open_page(browser, demo_site.page("Alice", lang="ru"))
    assert shadow_text(browser, ACCOUNT, "[part=available]") == "546 баллов"
    assert shadow_text(browser, ACCOUNT, "[part=title]") == "Ваши баллы"
    # switching the page's language redraws the elements in it
    browser.execute_script("document.documentElement.lang = 'uk'")
    wait_for(browser, f"return {shadow(ACCOUNT, '[part=title]')}?.textContent === 'Ваші бали'")
    assert shadow_text(browser, ACCOUNT, "[part=available]") == "546 балів"
    save_screenshot(browser, "storefront-uk")
