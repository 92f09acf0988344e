"""A customer (no staff flag) is refused on every page of the console, in Chromium.

Three ways in, all closed: the sign-in form refuses the customer; without a session every page
sends to the sign-in form; and with a validly signed session cookie naming the customer (what a
stolen or leftover session would be) every page answers 403 "staff only".
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from saleor_loyalty.console.session import COOKIE_NAME, ConsoleSession, dump_session
from saleor_loyalty.console.urls import ROUTES
from saleor_loyalty.graphql.auth import LoyaltyPermission

from .conftest import save_screenshot
from .console_support import make_user, sign_in, text

pytestmark = pytest.mark.django_db(transaction=True)


def every_page() -> list[str]:
    """Each non-public route with its ids filled in (``tiers/1/``...)."""
    return [re.sub(r"\(\?P<\w+>[^)]*\)", "1", found.pattern.pattern.strip("^$")) for found in ROUTES if not found.public]


def test_every_page_is_listed() -> None:
    pages = every_page()
    assert "" in pages and "customers/1/" in pages and "price-lists/1/import/" in pages and "what-if/" in pages
    assert len(pages) >= 30


def test_a_customer_is_refused_on_every_page(browser: Any, live_server: Any) -> None:
    customer = make_user("cus@example.com", *LoyaltyPermission, staff=False)
    # the sign-in form refuses a customer, even one in the permission groups
    sign_in(browser, live_server, customer.email)
    assert "not a staff account" in text(browser, "#sign-in-error")
    # without a session, every page sends to the sign-in form
    for page in every_page():
        browser.get(f"{live_server.url}/console/{page}")
        assert browser.current_url == f"{live_server.url}/console/sign-in/", page
    # with a signed session cookie for the customer, every page is refused
    for page in every_page():
        browser.add_cookie({"name": COOKIE_NAME, "value": dump_session(ConsoleSession().signed_in(customer.pk, via="password")),
                            "path": "/console/"})
        browser.get(f"{live_server.url}/console/{page}")
        assert browser.find_element(By.ID, "message").text == "The console is for shop staff only.", page
        assert not browser.find_elements(By.CSS_SELECTOR, "header nav"), page  # no navigation shown to them
    save_screenshot(browser, "console-refused")


def test_staff_without_the_permission_are_refused_that_page(browser: Any, live_server: Any) -> None:
    staff = make_user("care@example.com", LoyaltyPermission.MANAGE_USERS)
    sign_in(browser, live_server, staff.email)
    for page in ("tiers/", "price-lists/", "what-if/", ""):
        browser.get(f"{live_server.url}/console/{page}")
        if page == "":
            assert "Choose a section" in browser.page_source  # the landing page, without the overview
            continue
        assert "permission" in text(browser, "#message"), page
    browser.get(f"{live_server.url}/console/customers/")
    assert browser.find_element(By.ID, "customer-search")
