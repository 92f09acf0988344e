"""The Dashboard handshake in Chromium: a page that frames the console posts the app-bridge
handshake; a staff token opens the console inside the frame, a customer's token is refused.

The framing page stands in for Saleor Dashboard (tests/urls.py); the tokens are the demo's signed
tokens, checked through the same ``ConsoleAuth.verify_handshake_token`` interface that checks
Saleor's JWT inside Saleor (tests/saleor/test_console_app.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from saleor_loyalty.graphql.auth import LoyaltyPermission, create_access_token
from saleor_loyalty.graphql.core.ids import to_global_id
from saleor_loyalty.services import points

from .conftest import save_screenshot
from .console_support import make_user

pytestmark = pytest.mark.django_db(transaction=True)


def open_in_dashboard(browser: Any, live_server: Any, token: str, query: str = "") -> None:
    browser.get(f"{live_server.url}/fake-dashboard/?{urlencode({'token': token, 'query': query})}")
    browser.switch_to.frame(browser.find_element(By.ID, "app"))


def test_a_staff_token_opens_the_customer_widget(browser: Any, live_server: Any) -> None:
    staff = make_user("desk@example.com", LoyaltyPermission.MANAGE_USERS)
    customer = make_user("fay@example.com", staff=False)
    points.credit_bonus(points.Owner.customer(customer.pk), "welcome:fay", points=75, reason="welcome")
    try:
        open_in_dashboard(browser, live_server, create_access_token(staff),
                          urlencode({"view": "customer", "customerId": to_global_id("User", customer.pk)}))
        WebDriverWait(browser, 10).until(lambda driver: driver.find_elements(By.ID, "balance-available"))
        assert browser.find_element(By.ID, "balance-available").text == "75"
        assert "desk@example.com" in browser.find_element(By.CSS_SELECTOR, ".who").text
    finally:
        browser.switch_to.default_content()
    save_screenshot(browser, "console-dashboard-app")


def test_a_customers_token_is_refused(browser: Any, live_server: Any) -> None:
    customer = make_user("gus@example.com", *LoyaltyPermission, staff=False)
    try:
        open_in_dashboard(browser, live_server, create_access_token(customer))
        WebDriverWait(browser, 10).until(lambda driver: driver.find_elements(By.ID, "handshake-error"))
        assert "refused" in browser.find_element(By.ID, "handshake-error").text
        browser.get(f"{live_server.url}/console/customers/")
        assert browser.current_url.endswith("/console/sign-in/")
    finally:
        browser.switch_to.default_content()
